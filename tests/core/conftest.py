"""Core fixtures: a Connection to the moto server, as the code under test makes it."""

from __future__ import annotations

import pytest

from s3browser.core.s3.connection import Connection
from s3browser.core.settings.secrets import Secrets
from tests.conftest import SECRET_KEY, _profile


@pytest.fixture
def conn(s3_endpoint):
    connection = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY))
    yield connection
    connection.close()

"""The integration tier: the same flows against real S3 servers (SeaweedFS and rclone) on loopback.

The servers come from the ``integration`` extra; without it these tests skip, unless
``S3BROWSER_REQUIRE_INTEGRATION`` is set (as in CI), where a missing server fails them.
Deselect locally with ``-m "not integration"``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from s3browser.core.settings.profiles import SOURCE_ADHOC, Profile
from s3browser.core.settings.secrets import Secrets
from tests.support.servers import (
    RunningServer,
    ServerToolMissing,
    start_rclone,
    start_seaweedfs,
)
from tests.ui.conftest import runner, store, window  # noqa: F401 - the GUI fixtures, shared


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.integration)


def _start(start: Callable[[Path], RunningServer], folder: Path) -> RunningServer:
    try:
        return start(folder)
    except ServerToolMissing as exc:
        if os.environ.get("S3BROWSER_REQUIRE_INTEGRATION"):
            raise
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def seaweedfs_server(tmp_path_factory: pytest.TempPathFactory):
    server = _start(start_seaweedfs, tmp_path_factory.mktemp("seaweedfs"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rclone_server(tmp_path_factory: pytest.TempPathFactory):
    server = _start(start_rclone, tmp_path_factory.mktemp("rclone"))
    yield server
    server.stop()


@pytest.fixture(params=["seaweedfs", "rclone"])
def real_server(request: pytest.FixtureRequest) -> RunningServer:
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture
def bucket(real_server: RunningServer) -> str:
    name = f"it-{uuid.uuid4().hex[:12]}"
    real_server.client().create_bucket(Bucket=name)
    return name


def server_profile(server: RunningServer, secret: str | None = None) -> tuple[Profile, Secrets]:
    profile = Profile(name=server.name, endpoint_url=server.endpoint, region="us-east-1",
                      access_key_id=server.access_key, path_style=True, source=SOURCE_ADHOC)
    return profile, Secrets(secret or server.secret_key)

"""Secrets in a real Secret Service (gnome-keyring under dbus-run-session, started by .ci/run).

Skipped when no Secret Service is reachable, unless S3BROWSER_REQUIRE_SECRET_SERVICE=1 (as in CI),
in which case its absence is a failure.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import pytest

from s3browser.core.s3.connection import Connection
from s3browser.core.settings.logs import setup_logging
from s3browser.core.settings.profiles import Profile, ProfileStore
from s3browser.core.settings.secrets import SERVICE, Secrets, SecretStore

pytestmark = pytest.mark.secretservice


@pytest.fixture
def secret_service():
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        usable = backend.priority > 0
    except Exception as exc:  # noqa: BLE001 - keyring raises RuntimeError when D-Bus is absent
        usable, reason = False, str(exc)
    else:
        reason = "priority 0"
    if not usable:
        if os.environ.get("S3BROWSER_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(f"a Secret Service is required here but unavailable: {reason}")
        pytest.skip(f"no Secret Service: {reason}")
    return backend


def test_profile_secret_round_trip_through_secret_service(secret_service, isolated_home: Path,
                                                          s3_endpoint: str, s3_admin) -> None:
    secret = f"ss-secret-{uuid.uuid4().hex}"
    token = f"ss-token-{uuid.uuid4().hex}"
    name = f"ss-profile-{uuid.uuid4().hex[:8]}"
    log_path = setup_logging()
    secrets = SecretStore(secret_service)
    assert secrets.is_secure and type(secrets._backend).__module__ == "keyring.backends.SecretService"
    try:
        store = ProfileStore(secrets)
        profile = Profile(name=name, endpoint_url=s3_endpoint, access_key_id="AKIASS", path_style=True)
        assert store.save(profile, Secrets(secret, token)) is True

        reloaded = ProfileStore(SecretStore(secret_service))  # a fresh store, as after a restart
        loaded_profile = reloaded.get(name)
        assert loaded_profile == profile
        assert reloaded.secrets.load(name) == Secrets(secret, token)
        assert secret_service.get_password(SERVICE, name) is not None

        # Use it, log about it, fail with it: the secret must not reach any file we write.
        s3_admin.create_bucket(Bucket="ss-bucket")
        conn = Connection(loaded_profile, reloaded.secrets.load(name))
        conn.client.list_objects_v2(Bucket="ss-bucket")
        logging.getLogger("s3browser.test").warning("connected with %s / %s", secret, token)
        for handler in logging.getLogger("s3browser").handlers:
            handler.flush()
        written = [p for p in isolated_home.rglob("*") if p.is_file()]
        assert log_path in written and store.path in written
        for path in written:
            data = path.read_bytes()
            assert secret.encode() not in data and token.encode() not in data, path
        assert "connected with •••• / ••••" in log_path.read_text()
    finally:
        ProfileStore(SecretStore(secret_service)).delete(name)
    assert secret_service.get_password(SERVICE, name) is None

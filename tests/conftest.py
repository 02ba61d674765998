"""Shared fixtures: a moto S3 server over real HTTP, an isolated home, an in-memory keyring."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import boto3  # noqa: E402
import keyring  # noqa: E402
import pytest  # noqa: E402
import requests  # noqa: E402
from botocore.config import Config  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from tests.support.memory_keyring import MemoryKeyring  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.ERROR)

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key-do-not-log-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint() -> str:
    """One in-process moto server for the session; state is reset before each test that uses it."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_endpoint(moto_endpoint: str) -> str:
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=10)
    return moto_endpoint


@pytest.fixture
def s3_admin(s3_endpoint: str):
    """A plain boto3 client for arranging test data (not the code under test).

    Closed at the end: a client left to the garbage collector closes its sockets inside some later
    test, where the ResourceWarning fails that test instead.
    """
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                          config=Config(s3={"addressing_style": "path"}))
    yield client
    client.close()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real config, logs, AWS files or keyring."""
    home = tmp_path / "home"
    for sub in ("config", "state", "data", "cache", "tmp"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(home / "tmp"))  # drag-out staging folders, among others
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in list(os.environ):
        if name.startswith("AWS_") and name not in {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                                                     "AWS_EC2_METADATA_DISABLED"}:
            monkeypatch.delenv(name)
    _isolate_desktop_trash(monkeypatch, home / "data")
    _isolate_sso_cache(monkeypatch, home)
    try:
        from PySide6.QtCore import QCoreApplication, QSettings
    except ImportError:  # pragma: no cover
        return home
    QCoreApplication.setOrganizationName("s3browser")
    QCoreApplication.setApplicationName("s3browser")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "config"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(home / "config"))
    return home


def _isolate_sso_cache(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """botocore fixes its SSO token cache at import as ~/.aws/sso/cache of the real home: the test's instead."""
    import botocore.credentials
    import botocore.tokens

    cache = str(home / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", cache, raising=False)
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", cache, raising=False)


def _isolate_desktop_trash(monkeypatch: pytest.MonkeyPatch, data_home: Path) -> None:
    """send2trash reads XDG_DATA_HOME once, at import: point it at the test's home (test plumbing only)."""
    try:
        import send2trash.plat_other as trash
    except ImportError:  # pragma: no cover - not Linux
        return
    data = os.fsencode(data_home)
    if hasattr(trash, "HOMETRASH_B"):
        monkeypatch.setattr(trash, "XDG_DATA_HOME", data)
        monkeypatch.setattr(trash, "HOMETRASH_B", os.path.join(data, b"Trash"))
        monkeypatch.setattr(trash, "HOMETRASH", os.fsdecode(os.path.join(data, b"Trash")))


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> KeyringBackend:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def sso_standin(monkeypatch: pytest.MonkeyPatch):
    """A loopback IAM Identity Center (OIDC and portal) that botocore is pointed at."""
    from tests.support.sso_standin import SsoStandIn

    stand_in = SsoStandIn()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", stand_in.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", stand_in.url)
    yield stand_in
    stand_in.close()


@pytest.fixture
def sts_standin(monkeypatch: pytest.MonkeyPatch):
    """A loopback STS that checks MFA codes, which botocore is pointed at."""
    from tests.support.sts_standin import StsStandIn

    stand_in = StsStandIn()
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", stand_in.url)
    yield stand_in
    stand_in.close()


@pytest.fixture
def log_file(isolated_home: Path) -> Path:
    from s3browser.core.settings.logs import setup_logging

    return setup_logging()


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port}")


@pytest.fixture(scope="session")
def auth_moto_endpoint(tmp_path_factory: pytest.TempPathFactory):
    """A moto server in its own process that enforces IAM authentication and policies.

    Returns (endpoint, credentials): an "allowed" user that may use every bucket except
    ``locked-bucket`` (explicit Deny) and may not write to ``readonly-bucket``.
    """
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="0")
    log_path = tmp_path_factory.mktemp("auth-moto") / "moto.log"
    with open(log_path, "wb") as log_handle:
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                   env=env, stdout=log_handle, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        endpoint = f"http://127.0.0.1:{port}"
        # Turn auth off while arranging users and buckets, then back on.
        requests.post(f"{endpoint}/moto-api/reset-auth", data=b"1000000", timeout=10)
        root = dict(endpoint_url=endpoint, region_name="us-east-1",
                    aws_access_key_id="AKIAROOTROOTROOT", aws_secret_access_key="root")
        iam = boto3.client("iam", **root)
        iam.create_user(UserName="tester")
        key = iam.create_access_key(UserName="tester")["AccessKey"]
        iam.put_user_policy(UserName="tester", PolicyName="s3", PolicyDocument="""{
          "Version": "2012-10-17",
          "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::locked-bucket", "arn:aws:s3:::locked-bucket/*"]},
            {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::readonly-bucket/*"}
          ]}""")
        s3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}), **root)
        for bucket in ("open-bucket", "locked-bucket", "readonly-bucket"):
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="folder/file.txt", Body=b"x")
        requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=10)
        iam.close()
        s3.close()
        yield endpoint, (key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def no_list_credentials(auth_moto_endpoint):
    """Keys of a user on the auth moto server who may use ``open-bucket`` but not list buckets
    (as keys scoped to one bucket are)."""
    endpoint, _allowed = auth_moto_endpoint
    requests.post(f"{endpoint}/moto-api/reset-auth", data=b"1000000", timeout=10)
    try:
        iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="AKIAROOTROOTROOT", aws_secret_access_key="root")
        iam.create_user(UserName="scoped")
        key = iam.create_access_key(UserName="scoped")["AccessKey"]
        iam.put_user_policy(UserName="scoped", PolicyName="s3", PolicyDocument="""{
          "Version": "2012-10-17",
          "Statement": [
            {"Effect": "Allow", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::open-bucket", "arn:aws:s3:::open-bucket/*"]},
            {"Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
          ]}""")
        iam.close()
    finally:
        requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=10)
    return endpoint, (key["AccessKeyId"], key["SecretAccessKey"])


# ---------------------------------------------------------------- error scenarios, caused for real
from dataclasses import dataclass  # noqa: E402

from s3browser.core.s3.locations import Location  # noqa: E402
from s3browser.core.settings.profiles import SOURCE_ADHOC, Profile  # noqa: E402
from s3browser.core.settings.secrets import Secrets  # noqa: E402
from tests.support.fault_proxy import FaultProxy, expired_token, slow_down  # noqa: E402


@dataclass
class ErrorScenario:
    name: str
    profile: Profile
    secrets: Secrets | None
    location: Location  # where the failure shows (the bucket list is Location())
    kind: str
    text: str  # a fragment of the message the user must see


def _profile(endpoint: str, access_key: str = ACCESS_KEY) -> Profile:
    return Profile(name="scenario", endpoint_url=endpoint, access_key_id=access_key, region="us-east-1",
                   path_style=True, source=SOURCE_ADHOC)


@pytest.fixture(scope="session")
def tls_endpoint() -> str:
    """An HTTPS server with a self-signed certificate nobody trusts."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, lambda env, start: [start("200 OK", []) or b""],
                         ssl_context="adhoc", threaded=True)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def fault_proxy(s3_endpoint: str):
    proxy = FaultProxy(s3_endpoint)
    proxy.url = proxy.start()
    yield proxy
    proxy.stop()


ERROR_SCENARIOS = ["wrong_keys", "expired_token", "unreachable", "dns", "tls", "denied", "no_such_bucket",
                   "throttled"]


@pytest.fixture(params=ERROR_SCENARIOS)
def error_scenario(request: pytest.FixtureRequest) -> ErrorScenario:
    name = request.param
    root = Location()
    if name == "wrong_keys":
        endpoint, (key, _secret) = request.getfixturevalue("auth_moto_endpoint")
        return ErrorScenario(name, _profile(endpoint, key), Secrets("not-the-right-secret"), root, "auth",
                             "access key or secret key was rejected")
    if name == "denied":
        endpoint, (key, secret) = request.getfixturevalue("auth_moto_endpoint")
        return ErrorScenario(name, _profile(endpoint, key), Secrets(secret), Location("locked-bucket", ""),
                             "denied", "Access denied to bucket “locked-bucket”")
    if name == "expired_token":
        proxy = request.getfixturevalue("fault_proxy")
        proxy.rules.append(expired_token)
        return ErrorScenario(name, _profile(proxy.url), Secrets(SECRET_KEY, "an-old-session-token"), root,
                             "expired", "temporary credentials have expired")
    if name == "throttled":
        proxy = request.getfixturevalue("fault_proxy")
        proxy.rules.append(slow_down)
        return ErrorScenario(name, _profile(proxy.url), Secrets(SECRET_KEY), root, "throttled", "throttling")
    if name == "unreachable":
        return ErrorScenario(name, _profile(f"http://127.0.0.1:{free_port()}"), Secrets(SECRET_KEY), root,
                             "unreachable", "Could not connect to the endpoint")
    if name == "dns":
        return ErrorScenario(name, _profile("http://no-such-host.s3browser-test.invalid:9000"),
                             Secrets(SECRET_KEY), root, "dns", "could not be resolved")
    if name == "tls":
        return ErrorScenario(name, _profile(request.getfixturevalue("tls_endpoint")), Secrets(SECRET_KEY), root,
                             "tls", "TLS certificate")
    if name == "no_such_bucket":
        endpoint = request.getfixturevalue("s3_endpoint")
        return ErrorScenario(name, _profile(endpoint), Secrets(SECRET_KEY), Location("missing-bucket", ""),
                             "not_found", "no bucket named “missing-bucket”")
    raise AssertionError(name)


FAST_FAILING = {"max_attempts": 2, "connect_timeout": 3, "read_timeout": 10}

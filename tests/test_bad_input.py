"""Start-up and input that never crash: bad endpoint URLs get one sentence, an unusable keyring
backend falls back to the refused-keyring path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from s3browser.core.settings.profiles import endpoint_problem
from tests.test_app_process import app_env, run_app, terminate, wait_for_log  # noqa: F401 - app_env is a fixture

BAD_ENDPOINTS = {
    "ftp://x": "must start with http:// or https://",
    "not-a-url": "must start with http:// or https://",
    "http://": "needs a host name",
    "http://minio.local:99999": "from 1 to 65535",
    "http://minio.local:0": "from 1 to 65535",
    "http://minio.local:port": "from 1 to 65535",
    "https://minio.local/bucket": "cannot have a path",
    "https://minio.local?x=1": "cannot have a query",
    "https://user:pw@minio.local": "cannot contain a user name or password",
    "http://minio local:9000": "cannot contain spaces",
    "http://under_score:9000": "“under_score” is not valid",
    "http://-bad.example.com": "is not valid",
    "http://[::1:9000": "check the brackets",
}


@pytest.mark.parametrize("url", sorted(BAD_ENDPOINTS))
def test_each_bad_endpoint_url_gets_its_reason(url: str) -> None:
    assert BAD_ENDPOINTS[url] in (endpoint_problem(url) or "")


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:9000", "https://s3.eu-west-2.amazonaws.com",
                                 "https://minio.example.com/", "http://[::1]:9000"])
def test_good_endpoint_urls_pass(url: str) -> None:
    assert endpoint_problem(url) is None


def test_bad_endpoint_url_on_the_command_line_is_one_sentence(app_env) -> None:  # noqa: F811
    result = subprocess.run([sys.executable, "-m", "s3browser", "--endpoint-url", "ftp://x"], env=app_env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("s3browser: --endpoint-url: The endpoint URL must start with "
                                     "http:// or https:// (for example https://minio.example.com:9000).")
    secret = subprocess.run([sys.executable, "-m", "s3browser", "--endpoint-url", "http://AK:hunter2-secret@host"],
                            env=app_env, capture_output=True, text=True, timeout=60)
    assert secret.returncode == 2 and "hunter2" not in secret.stderr + secret.stdout, "a URL is never echoed"


@pytest.mark.parametrize("backend", ["no.such.module.Keyring", "keyring.backends.kwallet.DBusKeyring"])
def test_an_unusable_keyring_backend_still_starts_the_app(app_env, isolated_home: Path, s3_endpoint: str,  # noqa: F811
                                                           backend: str) -> None:
    env = dict(app_env, PYTHON_KEYRING_BACKEND=backend, AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s")
    log = isolated_home / "state" / "s3browser" / "log" / "s3browser.log"
    process = run_app("--endpoint-url", s3_endpoint, env=env)
    try:
        content = wait_for_log(log, f"connected to {s3_endpoint}", process)
    finally:
        err = terminate(process)
    assert "Traceback" not in err
    assert f"the keyring backend '{backend}' (PYTHON_KEYRING_BACKEND) cannot be loaded" in content


def test_library_warnings_go_to_the_log_not_to_stderr(app_env) -> None:  # noqa: F811
    """keyring 24.0 warns on every start when no keyringrc.cfg exists; no library talks to an unseen stderr."""
    code = ("import logging\nfrom s3browser.core.settings.logs import setup_logging\npath = setup_logging()\n"
            "logging.getLogger('keyring').warning('keyring has something to say')\n"
            "logging.getLogger('urllib3.connectionpool').warning('a pool is full')\n"
            "logging.getLogger('botocore.credentials').info('found credentials')\nprint(path)")
    result = subprocess.run([sys.executable, "-c", code], env=app_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    content = Path(result.stdout.strip()).read_text()
    assert "keyring has something to say" in content and "a pool is full" in content
    assert "found credentials" not in content, "library details below WARNING stay out"

"""The real program as a subprocess: --demo opens its window and quits cleanly; --help, --version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import s3browser


def run_app(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "s3browser", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def app_env(isolated_home: Path) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen")


def terminate(process: subprocess.Popen) -> str:
    """SIGTERM, as a desktop session ends an app; asserts a clean exit and returns stderr."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    return err


def wait_for_log(path: Path, text: str, process: subprocess.Popen, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text() if path.exists() else ""
        if text in content:
            return content
        if process.poll() is not None:
            raise AssertionError(f"app exited early: {process.communicate()}")
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in log: {content}")


def test_demo_shows_main_window_and_quits_cleanly(app_env: dict[str, str], isolated_home: Path) -> None:
    log = isolated_home / "state" / "s3browser" / "log" / "s3browser.log"
    process = run_app("--demo", env=app_env)
    try:
        wait_for_log(log, "main window shown", process)
        content = wait_for_log(log, "connected to Demo (local)", process)
        assert "demo endpoint at http://127.0.0.1:" in content
    finally:
        err = terminate(process)
    assert "Traceback" not in err and "QThread" not in err and "Fatal" not in err
    assert "s3browser quit with code 0" in log.read_text()


def test_version_and_help() -> None:
    version = subprocess.run([sys.executable, "-m", "s3browser", "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"s3browser {s3browser.__version__}"
    helptext = subprocess.run([sys.executable, "-m", "s3browser", "--help"], capture_output=True, text=True).stdout
    for option in ("--demo", "--profile", "--endpoint-url", "--version"):
        assert option in helptext


def test_unknown_profile_is_a_clear_error(app_env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "s3browser", "--profile", "nope"], env=app_env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no profile named 'nope'" in result.stderr


def test_endpoint_url_with_environment_credentials(app_env: dict[str, str], isolated_home: Path,
                                                   s3_endpoint: str, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="cli-bucket")
    env = dict(app_env, AWS_ACCESS_KEY_ID="cli-key", AWS_SECRET_ACCESS_KEY="cli-secret-value-xyz")
    log = isolated_home / "state" / "s3browser" / "log" / "s3browser.log"
    process = run_app("--endpoint-url", s3_endpoint, env=env)
    try:
        wait_for_log(log, f"connected to {s3_endpoint}", process)
        wait_for_log(log, "browse s3://", process)  # the bucket list is shown
    finally:
        err = terminate(process)
    assert "cli-secret-value-xyz" not in log.read_text() + err

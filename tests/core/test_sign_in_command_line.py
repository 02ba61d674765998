"""``s3browser sync`` with credentials that need the user (issue 31): an MFA code and an IAM Identity
Center sign-in asked for on the terminal, a wrong code told and asked again, and exit 2 in one
sentence when there is no terminal."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
import webbrowser
from pathlib import Path

from s3browser import sync_command
from s3browser.core.settings.profiles import Profile, ProfileStore
from s3browser.core.settings.secrets import SecretStore
from tests.core.test_mfa_and_roles import SERIAL, write_config
from tests.core.test_sso_access import START_URL, end_the_cached_sign_in


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "s3browser", "sync", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def one_sentence(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_without_a_terminal_an_mfa_profile_exits_2_in_one_sentence(sts_standin, s3_endpoint, s3_admin,
                                                                    isolated_home: Path, tmp_path: Path) -> None:
    write_config(isolated_home, s3_endpoint)
    s3_admin.create_bucket(Bucket="cli-mfa")
    result = run_cli(str(tmp_path), "s3://cli-mfa/", "--mode", "upload", "--profile", "aws:admin", "--yes")
    assert result.returncode == 2
    sentence = one_sentence(result)
    assert SERIAL in sentence and "no terminal" in sentence
    assert sts_standin.calls == [], "nothing was sent"


def test_on_a_terminal_a_wrong_code_is_told_and_asked_again(sts_standin, s3_endpoint, s3_admin, isolated_home: Path,
                                                            tmp_path: Path, monkeypatch, capsys) -> None:
    write_config(isolated_home, s3_endpoint)
    s3_admin.create_bucket(Bucket="cli-mfa")
    (tmp_path / "a.txt").write_text("a")
    typed = ["000000", "123456"]
    prompts: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": (prompts.append(prompt), typed.pop(0))[1])
    code = sync_command.main([str(tmp_path), "s3://cli-mfa/", "--mode", "upload", "--profile", "aws:admin",
                              "--yes"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert prompts == [f"MFA code for {SERIAL}: "] * 2
    assert err.count("The MFA code was not accepted") == 1 and "Traceback" not in err
    assert s3_admin.get_object(Bucket="cli-mfa", Key="a.txt")["Body"].read() == b"a"


def sso_app_profile(endpoint: str) -> None:
    store = ProfileStore(SecretStore(), include_aws=False)
    store.save(Profile(name="work", endpoint_url=endpoint, region="us-east-1", path_style=True,
                       sso_start_url=START_URL, sso_region="eu-west-1", sso_account_id="111122223333",
                       sso_role_name="ReadOnly"), None)


def test_an_identity_center_sign_in_on_the_terminal_then_the_run(sso_standin, s3_endpoint, s3_admin, tmp_path: Path,
                                                                 monkeypatch, capsys, memory_keyring) -> None:
    sso_app_profile(s3_endpoint)
    s3_admin.create_bucket(Bucket="cli-sso")
    (tmp_path / "b.txt").write_text("b")
    opened: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(webbrowser, "open", lambda url, *_a, **_k: opened.append(url) or True)
    code = sync_command.main([str(tmp_path), "s3://cli-sso/", "--mode", "upload", "--profile", "work", "--yes"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "enter the code ABCD-EFGH" in err and "Signed in until" in err
    assert opened == ["https://device.sso.example/?user_code=ABCD-EFGH"]
    assert s3_admin.get_object(Bucket="cli-sso", Key="b.txt")["Body"].read() == b"b"

    end_the_cached_sign_in()
    result = run_cli(str(tmp_path), "s3://cli-sso/", "--mode", "upload", "--profile", "work", "--yes")
    assert result.returncode == 2
    assert "sign in again" in one_sentence(result)


def test_a_role_chain_with_an_external_id_works_on_the_command_line(sts_standin, s3_endpoint, s3_admin,
                                                                    isolated_home: Path, tmp_path: Path) -> None:
    write_config(isolated_home, s3_endpoint, (
        f"[profile reader]\nrole_arn = arn:aws:iam::123456789012:role/reader\nsource_profile = plain-role\n"
        f"external_id = ext-7\nregion = us-east-1\nendpoint_url = {s3_endpoint}\n\n"
        f"[profile plain-role]\nrole_arn = arn:aws:iam::123456789012:role/plain\nsource_profile = base\n"
        f"region = us-east-1\n"))
    s3_admin.create_bucket(Bucket="cli-role")
    (tmp_path / "c.txt").write_text("c")
    result = run_cli(str(tmp_path), "s3://cli-role/", "--mode", "upload", "--profile", "aws:reader", "--yes")
    assert result.returncode == 0, result.stderr
    assert [(c["role"], c["external_id"]) for c in sts_standin.calls] == [
        ("arn:aws:iam::123456789012:role/plain", ""), ("arn:aws:iam::123456789012:role/reader", "ext-7")]
    assert s3_admin.get_object(Bucket="cli-role", Key="c.txt")["Body"].read() == b"c"

"""MFA codes asked for by the connection's holder, kept in the AWS CLI's cache; role chains, external ids,
credential_source and credential_process (issue 31), against a loopback STS and moto's S3."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing import list_buckets
from s3browser.core.settings.mfa import cli_cache_dir
from s3browser.core.settings.profiles import SOURCE_AWS, Profile
from tests.conftest import ACCESS_KEY, SECRET_KEY
from tests.support.sts_standin import StsStandIn

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
ROLE = "arn:aws:iam::123456789012:role/admin"


def aws_profile(name: str) -> Profile:
    return Profile(name=f"aws:{name}", source=SOURCE_AWS, aws_profile=name)


def write_config(home: Path, endpoint: str, extra: str = "") -> None:
    (home / "aws-credentials").write_text(
        f"[base]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n\n"
        f"[keys-mfa]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n")
    (home / "aws-config").write_text(
        f"[profile base]\nregion = us-east-1\nendpoint_url = {endpoint}\n\n"
        f"[profile admin]\nrole_arn = {ROLE}\nsource_profile = base\nmfa_serial = {SERIAL}\n"
        f"external_id = ext-42\nrole_session_name = alice-session\nduration_seconds = 1800\n"
        f"region = us-east-1\nendpoint_url = {endpoint}\n\n"
        f"[profile keys-mfa]\nmfa_serial = {SERIAL}\nregion = us-east-1\nendpoint_url = {endpoint}\n\n" + extra)


class Prompts:
    """The user at the dialog: answers in turn, the devices asked about."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, serial: str) -> str:
        self.asked.append(serial)
        return self.answers.pop(0)


def open_and_list(profile: Profile, prompt: Prompts | None) -> list:
    connection = Connection(profile, mfa_prompt=prompt)
    try:
        return list_buckets(connection)
    finally:
        connection.close()


def test_a_role_with_mfa_asks_once_names_the_device_and_its_workers_reuse_the_clis_cache(
        sts_standin: StsStandIn, s3_endpoint: str, isolated_home: Path) -> None:
    write_config(isolated_home, s3_endpoint)
    prompts = Prompts("123456")
    connection = Connection(aws_profile("admin"), mfa_prompt=prompts)
    try:
        assert connection.mfa_serial == SERIAL and connection.can_sign_in
        list_buckets(connection)
        list_buckets(connection)
        assert prompts.asked == [SERIAL], "asked once, with the device named"
        call = sts_standin.calls[-1]
        assert (call["action"], call["serial"], call["code"], call["external_id"], call["session_name"], call["role"]) \
            == ("AssumeRole", SERIAL, "123456", "ext-42", "alice-session", ROLE)
        assert any(cli_cache_dir().glob("*.json")), "kept where the AWS CLI keeps assumed roles"
        ends = connection.credentials_end()
        assert ends is not None
    finally:
        connection.close()
    open_and_list(aws_profile("admin"), None)  # a transfer worker: no one to ask, the cache serves
    assert len(sts_standin.calls) == 1


def test_a_wrong_code_is_one_sentence_and_another_try(sts_standin: StsStandIn, s3_endpoint: str,
                                                      isolated_home: Path) -> None:
    write_config(isolated_home, s3_endpoint)
    prompts = Prompts("000000", "123456")
    connection = Connection(aws_profile("admin"), mfa_prompt=prompts)
    try:
        with pytest.raises(Exception) as wrong:
            list_buckets(connection)
        error = describe(wrong.value)
        assert error.kind == "signin" and "MFA code was not accepted" in error.message and "\n" not in error.message
        with pytest.raises(Exception) as again:
            list_buckets(connection)  # botocore never asks twice with one credentials object...
        assert describe(again.value).kind == "signin"
        connection.renew_credentials()  # ... so signing in again makes them anew, and asks
        list_buckets(connection)
        assert prompts.asked == [SERIAL, SERIAL]
    finally:
        connection.close()


def test_credentials_that_end_ask_for_a_new_code_and_no_one_to_ask_is_sign_in_again(
        sts_standin: StsStandIn, s3_endpoint: str, isolated_home: Path) -> None:
    write_config(isolated_home, s3_endpoint)
    sts_standin.credential_seconds = 120  # inside botocore's refresh window: renewed before each request
    prompts = Prompts("123456", "123456")
    connection = Connection(aws_profile("admin"), mfa_prompt=prompts)
    try:
        list_buckets(connection)
        with pytest.raises(Exception) as ended:
            list_buckets(connection)
        error = describe(ended.value)
        assert error.kind == "signin" and "new code from your MFA device" in error.message
        sts_standin.credential_seconds = 3600
        ends = connection.renew_credentials()
        assert ends is not None
        list_buckets(connection)
        assert prompts.asked == [SERIAL, SERIAL], "asked again when they end"
    finally:
        connection.close()
    for cached in cli_cache_dir().glob("*.json"):
        cached.unlink()  # nothing cached: a worker or a command without a terminal has no one to ask
    with pytest.raises(S3BrowserError) as nobody:
        open_and_list(aws_profile("admin"), None)
    assert nobody.value.kind == "signin" and SERIAL in nobody.value.message


def test_keys_with_an_mfa_device_get_session_credentials_from_get_session_token(
        sts_standin: StsStandIn, s3_endpoint: str, isolated_home: Path) -> None:
    write_config(isolated_home, s3_endpoint)
    prompts = Prompts("123456")
    connection = Connection(aws_profile("keys-mfa"), mfa_prompt=prompts)
    try:
        list_buckets(connection)
        frozen = connection.frozen_credentials()
        assert frozen.access_key.startswith("ASIASTS") and frozen.token.startswith("sts-session-token")
        assert [c["action"] for c in sts_standin.calls] == ["GetSessionToken"] and prompts.asked == [SERIAL]
    finally:
        connection.close()
    open_and_list(aws_profile("keys-mfa"), None)  # the worker reads the cached session
    assert len(sts_standin.calls) == 1
    with pytest.raises(Exception) as wrong:
        cached = next(cli_cache_dir().glob("s3browser-session-*.json"))
        cached.unlink()
        open_and_list(aws_profile("keys-mfa"), Prompts("999999"))
    assert describe(wrong.value).kind == "signin"


def test_a_role_chain_credential_source_and_credential_process_work(
        sts_standin: StsStandIn, s3_endpoint: str, isolated_home: Path, monkeypatch, tmp_path: Path) -> None:
    process = tmp_path / "creds.py"
    process.write_text("import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'AKIAPROCESS', "
                       "'SecretAccessKey': 'process-secret'}))\n")
    write_config(isolated_home, s3_endpoint, (
        f"[profile reader]\nrole_arn = arn:aws:iam::123456789012:role/reader\nsource_profile = plain-role\n"
        f"region = us-east-1\nendpoint_url = {s3_endpoint}\n\n"
        f"[profile plain-role]\nrole_arn = arn:aws:iam::123456789012:role/plain\nsource_profile = base\n"
        f"region = us-east-1\n\n"
        f"[profile from-env]\nrole_arn = arn:aws:iam::123456789012:role/env\ncredential_source = Environment\n"
        f"region = us-east-1\nendpoint_url = {s3_endpoint}\n\n"
        f"[profile process]\ncredential_process = {sys.executable} {process}\nregion = us-east-1\n"
        f"endpoint_url = {s3_endpoint}\n"))
    open_and_list(aws_profile("reader"), None)
    assert [c["role"] for c in sts_standin.calls] == ["arn:aws:iam::123456789012:role/plain",
                                                       "arn:aws:iam::123456789012:role/reader"], "role from role"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    open_and_list(aws_profile("from-env"), None)
    assert sts_standin.calls[-1]["role"] == "arn:aws:iam::123456789012:role/env"
    connection = Connection(aws_profile("process"))
    try:
        list_buckets(connection)
        assert connection.frozen_credentials().access_key == "AKIAPROCESS"
        assert not connection.can_sign_in
    finally:
        connection.close()


def test_nothing_of_the_temporary_credentials_reaches_the_log(sts_standin: StsStandIn, s3_endpoint: str,
                                                              isolated_home: Path, log_file: Path) -> None:
    write_config(isolated_home, s3_endpoint)
    connection = Connection(aws_profile("admin"), mfa_prompt=Prompts("000000", "123456"))
    try:
        with pytest.raises(Exception) as wrong:
            list_buckets(connection)
        import logging

        logging.getLogger("s3browser.test").warning("error shown: %s %s", describe(wrong.value).message,
                                                    describe(wrong.value).detail)
        connection.renew_credentials()
        list_buckets(connection)
        frozen = connection.frozen_credentials()
        logging.getLogger("s3browser.test").warning("a careless line: %s %s", frozen.secret_key, frozen.token)
    finally:
        connection.close()
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text()
    assert "a careless line" in text and "sts-secret-" not in text and "sts-session-token-" not in text
    cached = json.loads(next(cli_cache_dir().glob("*.json")).read_text())
    assert "Credentials" in cached, "the CLI's own cache holds them, as the CLI writes them"


def test_a_transfer_worker_gets_the_windows_credentials_and_never_asks_for_a_code(
        sts_standin: StsStandIn, s3_endpoint: str, s3_admin, isolated_home: Path, tmp_path: Path) -> None:
    import threading

    from s3browser.core.transfers.handles import Progress
    from s3browser.core.transfers.options import UploadOptions
    from s3browser.core.transfers.process_engine import ProcessTransferEngine

    write_config(isolated_home, s3_endpoint)
    s3_admin.create_bucket(Bucket="mfa-up")
    prompts = Prompts("123456")
    connection = Connection(aws_profile("keys-mfa"), mfa_prompt=prompts)
    engine = ProcessTransferEngine(connection, processes=1)
    source = tmp_path / "a.txt"
    source.write_bytes(b"held")
    try:
        for cached in cli_cache_dir().glob("*.json") if cli_cache_dir().exists() else []:
            cached.unlink()
        done = threading.Event()
        errors: list = []
        engine.upload(source, "mfa-up", "a.txt", UploadOptions(), Progress(4),
                      lambda error: (errors.append(error), done.set()))
        assert done.wait(60) and errors == [None], errors
        assert prompts.asked == [SERIAL], "the window asked, once; the worker asked the window"
        assert s3_admin.get_object(Bucket="mfa-up", Key="a.txt")["Body"].read() == b"held"
    finally:
        engine.shutdown()
        connection.close()

"""Using an IAM Identity Center sign-in: profiles, the account and role pickers' lists, and role
credentials that follow the cache (issue 31), against the loopback stand-in and moto."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import botocore.session
import pytest

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing import list_buckets
from s3browser.core.settings.profiles import SOURCE_AWS, Profile, validate_profile
from s3browser.core.settings.sso_access import Account, SsoPortal, SsoTarget, access_token, sso_target
from s3browser.core.settings.sso_login import token_cache_dir
from tests.support.sso_standin import SsoStandIn

START_URL = "https://example.awsapps.com/start"


def sign_in(target: SsoTarget) -> None:
    login = target.login(sleep=lambda _seconds: None)
    login.wait_for_token(login.start())


def end_the_cached_sign_in() -> None:
    """Every cached token ends now, and cannot be renewed (as after eight hours and a revoked session)."""
    for path in token_cache_dir().glob("*.json"):
        data = json.loads(path.read_text())
        if "accessToken" in data:
            data["expiresAt"] = "2000-01-01T00:00:00Z"
            data.pop("refreshToken", None)
            path.write_text(json.dumps(data))


def sso_profile(endpoint: str, **fields: str) -> Profile:
    values = {"sso_start_url": START_URL, "sso_region": "eu-west-1", "sso_account_id": "111122223333",
              "sso_role_name": "ReadOnly", **fields}
    return Profile(name="work", endpoint_url=endpoint, region="us-east-1", path_style=True, **values)


def test_sso_targets_come_from_app_profiles_and_both_kinds_of_aws_config_profile(isolated_home: Path) -> None:
    (isolated_home / "aws-config").write_text(
        "[profile modern]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n\n"
        f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n"
        "sso_registration_scopes = sso:account:access\n\n"
        "[profile legacy]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-2\n"
        "sso_account_id = 444455556666\nsso_role_name = Developer\n\n"
        "[profile keys]\nregion = us-east-1\n")
    modern = sso_target(Profile(name="aws:modern", source=SOURCE_AWS, aws_profile="modern"))
    assert modern == SsoTarget(START_URL, "eu-west-1", "corp", "111122223333", "Admin")
    legacy = sso_target(Profile(name="aws:legacy", source=SOURCE_AWS, aws_profile="legacy"))
    assert legacy == SsoTarget("https://old.awsapps.com/start", "us-east-2", None, "444455556666", "Developer")
    assert sso_target(Profile(name="aws:keys", source=SOURCE_AWS, aws_profile="keys")) is None
    assert sso_target(Profile(name="plain")) is None

    app = sso_target(sso_profile(""))
    assert app is not None and app.session_name == "corp", \
        "an app profile with the CLI's start URL shares the CLI's sso-session token"
    other = sso_target(sso_profile("", sso_start_url="https://elsewhere.awsapps.com/start"))
    assert other is not None and other.session_name == "https://elsewhere.awsapps.com/start"


def test_an_identity_center_profile_needs_an_https_start_url_and_a_region() -> None:
    assert validate_profile(sso_profile("")) is None
    for url in ("example.awsapps.com/start", "http://example.awsapps.com/start", "https://"):
        problem = validate_profile(sso_profile("", sso_start_url=url))
        assert problem is not None and "https://" in problem
    assert "region" in (validate_profile(sso_profile("", sso_region="")) or "")


def test_the_pickers_list_every_account_and_role_across_pages(sso_standin: SsoStandIn) -> None:
    target = SsoTarget(START_URL, "eu-west-1", "corp")
    portal = SsoPortal(target)
    with pytest.raises(S3BrowserError) as before:
        portal.accounts()
    assert before.value.kind == "signin" and START_URL in before.value.message
    sign_in(target)
    assert portal.accounts() == [Account("111122223333", "Production", "production@example.com"),
                                 Account("444455556666", "Sandbox", "sandbox@example.com")]
    assert portal.roles("111122223333") == ["Admin", "ReadOnly"]
    assert [path for path, _query in sso_standin.requests].count("/assignment/accounts") == 2, "both pages read"

    sso_standin.revoke()  # ended by an administrator: the portal refuses the token
    with pytest.raises(S3BrowserError) as revoked:
        portal.roles("111122223333")
    assert revoked.value.kind == "signin"


def test_an_identity_center_connection_lists_with_role_credentials_and_goes_on_after_signing_in_again(
        sso_standin: SsoStandIn, s3_endpoint: str) -> None:
    profile = sso_profile(s3_endpoint)
    target = sso_target(profile)
    assert target is not None
    connection = Connection(profile)  # opening asks nothing yet: credentials come on first use
    try:
        with pytest.raises(S3BrowserError) as first:
            list_buckets(connection)
        assert first.value.kind == "signin" and describe(first.value).kind == "signin"

        sign_in(target)
        list_buckets(connection)
        assert sso_standin.role_credentials == [("111122223333", "ReadOnly")]
        frozen = connection.frozen_credentials()
        assert frozen.access_key == "ASIAROLE0001" and frozen.token == "role-session-token-1"

        # Role credentials that end within botocore's refresh window are fetched again before each
        # request; with the sign-in ended, the listing fails as "sign in", then goes on after it.
        sso_standin.credential_seconds = 120
        connection = _reopened(connection, profile)
        list_buckets(connection)
        end_the_cached_sign_in()
        with pytest.raises(S3BrowserError) as ended:
            list_buckets(connection)
        assert ended.value.kind == "signin"
        sign_in(target)
        list_buckets(connection)
        assert connection.frozen_credentials().access_key.startswith("ASIAROLE")
    finally:
        connection.close()


def _reopened(connection: Connection, profile: Profile) -> Connection:
    connection.close()
    return Connection(profile)


def test_a_token_near_its_end_is_renewed_before_use(sso_standin: SsoStandIn) -> None:
    target = SsoTarget(START_URL, "eu-west-1", "corp")
    sign_in(target)
    late = target.login().cached_token()
    assert late is not None
    clock_near_the_end = _parse(late["expiresAt"]) - 60
    token = access_token(target, clock=lambda: clock_near_the_end)
    assert token == "refreshed-token-1" and sso_standin.refreshes == 1


def test_a_plain_botocore_session_uses_a_sign_in_made_here(sso_standin: SsoStandIn, isolated_home: Path) -> None:
    """The AWS CLI's own path: an sso-session profile read by botocore finds our token and gets role credentials."""
    (isolated_home / "aws-config").write_text(
        "[profile modern]\nsso_session = corp\nsso_account_id = 444455556666\nsso_role_name = Developer\n\n"
        f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n")
    target = sso_target(Profile(name="aws:modern", source=SOURCE_AWS, aws_profile="modern"))
    assert target is not None
    sign_in(target)
    credentials = botocore.session.Session(profile="modern").get_credentials().get_frozen_credentials()
    assert credentials.access_key == "ASIAROLE0001"
    assert sso_standin.role_credentials == [("444455556666", "Developer")]


def test_no_account_or_role_chosen_yet_is_one_sentence_at_connect(sso_standin: SsoStandIn, s3_endpoint: str) -> None:
    with pytest.raises(S3BrowserError) as raised:
        Connection(replace(sso_profile(s3_endpoint), sso_role_name=""))
    assert raised.value.kind == "config" and "role" in raised.value.message


def _parse(text: str) -> float:
    from datetime import datetime, timezone

    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


def test_a_link_never_outlives_the_role_credentials_that_sign_it(sso_standin: SsoStandIn, s3_endpoint: str,
                                                                 s3_admin) -> None:
    from urllib.parse import parse_qs, urlsplit

    from s3browser.core.ops.links import MAX_PRESIGN_SECONDS, presigned_link

    s3_admin.create_bucket(Bucket="links")
    s3_admin.put_object(Bucket="links", Key="a.txt", Body=b"a")
    profile = sso_profile(s3_endpoint)
    sign_in(sso_target(profile))
    connection = Connection(profile)
    try:
        link = presigned_link(connection, "links", "a.txt", MAX_PRESIGN_SECONDS)
        expires = int(parse_qs(urlsplit(link.url).query)["X-Amz-Expires"][0])
        assert link.credentials_end is not None and 3500 <= link.seconds <= 3600 and expires == link.seconds
        assert "X-Amz-Security-Token" in link.url, "signed with the role's session credentials"
        short = presigned_link(connection, "links", "a.txt", 600)
        assert short.seconds == 600 and short.credentials_end is None, "a shorter validity is kept as asked"
    finally:
        connection.close()


def test_a_link_signed_with_keys_keeps_its_validity(s3_endpoint: str) -> None:
    from s3browser.core.ops.links import MAX_PRESIGN_SECONDS, presigned_link
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import ACCESS_KEY, SECRET_KEY

    connection = Connection(Profile(name="keys", endpoint_url=s3_endpoint, access_key_id=ACCESS_KEY,
                                    path_style=True), Secrets(SECRET_KEY))
    try:
        assert connection.credentials_end() is None
        link = presigned_link(connection, "links", "a.txt", MAX_PRESIGN_SECONDS)
        assert link.seconds == MAX_PRESIGN_SECONDS and link.credentials_end is None
    finally:
        connection.close()


def test_a_worker_that_cannot_open_its_connection_fails_each_transfer_in_one_sentence(
        sso_standin: SsoStandIn, s3_endpoint: str, tmp_path: Path) -> None:
    """The worker process stays up and says why (it used to die, and every row said only "stopped")."""
    import threading

    from s3browser.core.transfers.handles import Progress
    from s3browser.core.transfers.options import UploadOptions
    from s3browser.core.transfers.process_engine import ProcessTransferEngine

    profile = sso_profile(s3_endpoint)
    sign_in(sso_target(profile))
    window_side = Connection(profile)
    engine = ProcessTransferEngine(Connection(profile), processes=1)
    engine._spec.profile = replace(profile, sso_role_name="")  # the worker's copy lacks a role  # noqa: SLF001
    source = tmp_path / "a.txt"
    source.write_bytes(b"a")
    try:
        for _ in range(2):
            done = threading.Event()
            errors: list[BaseException | None] = []
            engine.upload(source, "bucket", "a.txt", UploadOptions(), Progress(1),
                          lambda error, errors=errors, done=done: (errors.append(error), done.set()))
            assert done.wait(60)
            assert isinstance(errors[0], S3BrowserError) and errors[0].kind == "config", errors
            assert "role" in errors[0].message
    finally:
        engine.shutdown()
        window_side.close()

"""Signing in to IAM Identity Center with the device flow, against a loopback stand-in (issue 31, step 1)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from botocore.utils import JSONFileCache, SSOTokenLoader

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.settings.sso_login import SsoLogin, token_cache_dir
from tests.support.sso_standin import SsoStandIn

START_URL = "https://example.awsapps.com/start"


@pytest.fixture
def oidc(sso_standin: SsoStandIn) -> SsoStandIn:
    return sso_standin


class Clock:
    """Time that moves only when the flow sleeps: polls are counted, not waited for."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def test_the_device_flow_signs_in_and_the_clis_own_reader_finds_the_token(oidc, tmp_path: Path) -> None:
    clock = Clock()
    login = SsoLogin(START_URL, "eu-west-1", session_name="work", sleep=clock.sleep, clock=clock)
    code = login.start()
    assert (code.user_code, code.verification_uri_complete) == (
        "ABCD-EFGH", "https://device.sso.example/?user_code=ABCD-EFGH")
    assert "device-code-value" not in repr(code), "the device code is not printed"
    oidc.answers = ["pending", "slow_down", "pending"]
    expires = login.wait_for_token(code)
    assert clock.slept == [1, 1, 6, 6], "the interval grows by five seconds after a slow-down"
    assert expires.timestamp() == pytest.approx(clock.now + 28800)

    cache_dir = token_cache_dir()
    assert cache_dir == Path.home() / ".aws" / "sso" / "cache"
    token = SSOTokenLoader(cache=JSONFileCache(str(cache_dir)))(START_URL, session_name="work")  # botocore's reader
    assert token["accessToken"] == "access-token-value" and token["refreshToken"] == "refresh-token-value"
    assert token["expiresAt"].endswith("Z") and token["startUrl"] == START_URL and token["region"] == "eu-west-1"
    assert token["clientId"] == "client-1" and token["registrationExpiresAt"]
    files = {p.name for p in cache_dir.iterdir()}
    assert f"{hashlib.sha1(b'work').hexdigest()}.json" in files, "named as the CLI names it"  # noqa: S324

    again = SsoLogin(START_URL, "eu-west-1", session_name="work", sleep=clock.sleep, clock=clock)
    again.wait_for_token(again.start())
    assert oidc.registrations == 1, "the registered client is reused from the cache"


def test_a_legacy_profile_token_is_named_by_its_start_url_and_holds_no_client_secret(oidc) -> None:
    clock = Clock()
    login = SsoLogin(START_URL, "us-east-1", sleep=clock.sleep, clock=clock)
    login.wait_for_token(login.start())
    path = token_cache_dir() / f"{hashlib.sha1(START_URL.encode()).hexdigest()}.json"  # noqa: S324
    saved = json.loads(path.read_text())
    assert set(saved) == {"startUrl", "region", "accessToken", "expiresAt"}


@pytest.mark.parametrize(("answer", "kind"), [("expired", "expired"), ("denied", "denied")])
def test_an_expired_or_denied_code_is_one_sentence(oidc, answer: str, kind: str) -> None:
    clock = Clock()
    login = SsoLogin(START_URL, "us-east-1", sleep=clock.sleep, clock=clock)
    code = login.start()
    oidc.answers = ["pending", answer]
    with pytest.raises(S3BrowserError) as raised:
        login.wait_for_token(code)
    assert raised.value.kind == kind and "\n" not in raised.value.message
    assert not token_cache_dir().exists() or not any(
        "accessToken" in p.read_text() for p in token_cache_dir().iterdir()), "nothing half-saved"


def test_a_code_that_runs_out_of_time_and_a_stop_end_the_wait(oidc) -> None:
    clock = Clock()
    login = SsoLogin(START_URL, "us-east-1", sleep=clock.sleep, clock=clock)
    code = login.start()
    oidc.answers = ["pending"] * 1000
    with pytest.raises(S3BrowserError) as raised:
        login.wait_for_token(code)
    assert raised.value.kind == "expired" and clock.now >= code.expires_at
    stops = iter([False, False, True])
    with pytest.raises(S3BrowserError) as stopped:
        login.wait_for_token(login.start(), should_stop=lambda: next(stops))
    assert stopped.value.kind == "stopped"


def test_a_token_is_renewed_with_its_refresh_token_and_a_refused_refresh_changes_nothing(oidc) -> None:
    clock = Clock()
    login = SsoLogin(START_URL, "eu-west-1", session_name="work", sleep=clock.sleep, clock=clock)
    assert login.expiry() is None and login.refresh() is None, "nothing cached: sign in first"
    first = login.wait_for_token(login.start())
    assert login.expiry() == first
    clock.now += 7 * 3600
    renewed = login.refresh()
    assert renewed is not None and renewed.timestamp() == pytest.approx(clock.now + 3600)
    token = SSOTokenLoader(cache=JSONFileCache(str(token_cache_dir())))(START_URL, session_name="work")
    assert token["accessToken"] == "refreshed-token-1"
    assert token["refreshToken"] == "refresh-token-value", "a refresh that sends no new refresh token keeps the old"
    oidc.answers = ["invalid_grant"]
    assert login.refresh() is None
    kept = SSOTokenLoader(cache=JSONFileCache(str(token_cache_dir())))(START_URL, session_name="work")
    assert kept["accessToken"] == "refreshed-token-1", "a refused refresh leaves the cache as it was"

    legacy = SsoLogin(START_URL, "eu-west-1", sleep=clock.sleep, clock=clock)
    legacy.wait_for_token(legacy.start())
    assert legacy.refresh() is None, "a legacy profile's token has no refresh token: sign in again"

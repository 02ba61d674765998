"""Signing in to IAM Identity Center (SSO) without a terminal: the OAuth device authorization flow.

The same flow as ``aws sso login``: register a client (kept in the cache and reused until it
expires), start a device authorization, let the user approve it in a browser, and poll CreateToken
at the server's interval (five seconds more after each SlowDown) until the token comes, the code
expires or the caller stops.

The token goes to the AWS CLI's own cache (``~/.aws/sso/cache/``), written by botocore's own
:class:`~botocore.utils.SSOTokenLoader` into a :class:`~botocore.utils.JSONFileCache`: the file is
named by the SHA-1 of the ``sso-session`` name (or, for a legacy profile, of the start URL) and
holds the CLI's fields, so a sign-in here serves the AWS CLI and botocore, and theirs serve us.
Nothing here logs a token, a client secret or a device code.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError, SSOTokenLoadError
from botocore.utils import JSONFileCache, SSOTokenLoader

from s3browser.core.base.errors import S3BrowserError

CLIENT_NAME = "s3browser"
SLOW_DOWN_SECONDS = 5  # RFC 8628: after slow_down, the interval grows by five seconds
SCOPES = ["sso:account:access"]


def token_cache_dir() -> Path:
    """The AWS CLI's SSO token cache."""
    return Path.home() / ".aws" / "sso" / "cache"


@dataclass(frozen=True)
class DeviceCode:
    """What the user is shown: the code and the page to approve it on (the device code itself stays here)."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_at: float  # epoch seconds
    interval: float  # seconds between polls, as the server asks
    device_code: str

    def __repr__(self) -> str:  # the device code is a bearer secret until it expires
        return f"DeviceCode(user_code={self.user_code!r}, verification_uri={self.verification_uri!r})"


class SsoLogin:
    """One sign-in to one start URL (and ``sso-session`` name, for profiles that have one)."""

    def __init__(self, start_url: str, region: str, session_name: str | None = None,
                 cache_dir: Path | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time) -> None:
        self.start_url = start_url
        self.region = region
        self.session_name = session_name
        self.cache = JSONFileCache(str(cache_dir or token_cache_dir()))
        self._sleep = sleep
        self._clock = clock
        self._client = botocore.session.Session().create_client(
            "sso-oidc", region_name=region, config=Config(signature_version=botocore.UNSIGNED))

    # ---------------------------------------------------------------- the flow
    def start(self) -> DeviceCode:
        """Register (or reuse) the client and start a device authorization."""
        registration = self._registration()
        answer = self._call(lambda: self._client.start_device_authorization(
            clientId=registration["clientId"], clientSecret=registration["clientSecret"], startUrl=self.start_url))
        now = self._clock()
        return DeviceCode(answer["userCode"], answer["verificationUri"],
                          answer.get("verificationUriComplete") or answer["verificationUri"],
                          now + int(answer.get("expiresIn", 600)), float(answer.get("interval") or 5),
                          answer["deviceCode"])

    def wait_for_token(self, code: DeviceCode, should_stop: Callable[[], bool] = lambda: False) -> datetime:
        """Poll until the user approves; save the token to the CLI's cache and return when it expires.

        Raises :class:`S3BrowserError` when the code expires, the user denies it, or ``should_stop`` says so."""
        registration = self._registration()
        interval = code.interval
        while True:
            if should_stop():
                raise S3BrowserError("Signing in was cancelled.", kind="stopped")
            if self._clock() >= code.expires_at:
                raise _expired()
            self._sleep(interval)
            try:
                token = self._client.create_token(
                    clientId=registration["clientId"], clientSecret=registration["clientSecret"],
                    grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=code.device_code)
            except ClientError as exc:
                kind = exc.response.get("Error", {}).get("Code", "")
                if kind == "AuthorizationPendingException":
                    continue
                if kind == "SlowDownException":
                    interval += SLOW_DOWN_SECONDS
                    continue
                if kind == "ExpiredTokenException":
                    raise _expired() from None
                if kind == "AccessDeniedException":
                    raise S3BrowserError("The sign-in was denied in the browser.", kind="denied") from None
                raise _failed(exc) from None
            return self._save(token, registration)

    def expiry(self) -> datetime | None:
        """When the cached token of this start URL (or session) ends; None when there is none."""
        token = self.cached_token()
        return _parse(token["expiresAt"]) if token is not None else None

    def refresh(self) -> datetime | None:
        """Renew the cached token with its refresh token, as botocore and the CLI do; its new expiry, or
        None when it cannot be renewed (no refresh token, the client registration ended, or the
        refresh was refused) and the user must sign in again.  Nothing is changed when it fails."""
        token = self.cached_token()
        if token is None or not token.get("refreshToken") or not token.get("clientId"):
            return None
        if _parse(token.get("registrationExpiresAt", "1970-01-01T00:00:00Z")).timestamp() <= self._clock():
            return None
        try:
            answer = self._client.create_token(clientId=token["clientId"], clientSecret=token["clientSecret"],
                                               grantType="refresh_token", refreshToken=token["refreshToken"])
        except ClientError:
            return None
        registration = {key: token[key] for key in ("clientId", "clientSecret", "registrationExpiresAt")}
        if not answer.get("refreshToken"):
            answer = {**answer, "refreshToken": token["refreshToken"]}
        return self._save(answer, registration)

    def cached_token(self) -> dict[str, Any] | None:
        """The cached token of this start URL (or session), expired or not; None when there is none."""
        try:
            return dict(SSOTokenLoader(cache=self.cache)(self.start_url, session_name=self.session_name))
        except SSOTokenLoadError:
            return None

    # ---------------------------------------------------------------- the caches
    def _save(self, token: dict[str, Any], registration: dict[str, Any]) -> datetime:
        expires = datetime.fromtimestamp(self._clock(), tz=timezone.utc) + timedelta(
            seconds=int(token.get("expiresIn", 3600)))
        entry: dict[str, Any] = {"startUrl": self.start_url, "region": self.region,
                                 "accessToken": token["accessToken"], "expiresAt": _iso(expires)}
        if self.session_name is not None:  # the refreshable form, as the CLI writes for sso-session profiles
            entry.update(clientId=registration["clientId"], clientSecret=registration["clientSecret"],
                         registrationExpiresAt=registration["registrationExpiresAt"])
            if token.get("refreshToken"):
                entry["refreshToken"] = token["refreshToken"]
        SSOTokenLoader(cache=self.cache).save_token(self.start_url, entry, session_name=self.session_name)
        return expires

    def _registration(self) -> dict[str, Any]:
        """The registered client, reused from the cache until an hour before it expires."""
        key = self._registration_key()
        try:
            cached = self.cache[key]
        except KeyError:
            cached = None
        if cached and _parse(cached["registrationExpiresAt"]).timestamp() > self._clock() + 3600:
            return dict(cached)
        args: dict[str, Any] = {"clientName": CLIENT_NAME, "clientType": "public"}
        if self.session_name is not None:
            args["scopes"] = SCOPES
        answer = self._call(lambda: self._client.register_client(**args))
        registration = {"clientId": answer["clientId"], "clientSecret": answer["clientSecret"],
                        "registrationExpiresAt": _iso(datetime.fromtimestamp(answer["clientSecretExpiresAt"],
                                                                             tz=timezone.utc))}
        self.cache[key] = registration
        return registration

    def _registration_key(self) -> str:
        """This app's own file for its client registration (never the CLI's: their clients differ)."""
        described = json.dumps({"tool": CLIENT_NAME, "startUrl": self.start_url, "region": self.region,
                                "session_name": self.session_name}, sort_keys=True)
        return f"{CLIENT_NAME}-client-{hashlib.sha1(described.encode()).hexdigest()}"  # noqa: S324 - a name

    def _call(self, request: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return request()
        except ClientError as exc:
            raise _failed(exc) from None


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _expired() -> S3BrowserError:
    return S3BrowserError("The sign-in code expired before it was approved; sign in again for a new one.",
                          kind="expired")


def _failed(exc: ClientError) -> S3BrowserError:
    error = exc.response.get("Error", {})
    return S3BrowserError("IAM Identity Center refused the sign-in. Check the start URL and region.",
                          kind="failed", detail=f"{error.get('Code', '')}: {error.get('Message', '')}")

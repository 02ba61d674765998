"""Using an IAM Identity Center sign-in: where a profile signs in, its accounts and roles, and credentials.

A profile signs in at a start URL (a :class:`SsoTarget`): an app profile holds it in its own fields,
an AWS-config profile in ``~/.aws/config`` (``sso_session`` or the legacy ``sso_start_url`` keys).
After signing in (:mod:`sso_login`), the portal lists the accounts and roles the user may use
(ListAccounts, ListAccountRoles) and hands out short-lived role credentials (GetRoleCredentials).

Credentials for an app profile are :class:`DeferredRefreshableCredentials`: fetched on first use
and again before they end, each time with the token read afresh from the AWS CLI's cache.  So a
sign-in made later (in the window, or by ``aws sso login``) reaches every process that holds the
connection, the transfer workers too, without restarting anything.  When no usable token is left
the fetch raises one sentence of kind ``signin``: the window then offers *Sign in again*.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import botocore
import botocore.session
from botocore.config import Config
from botocore.credentials import CredentialProvider, CredentialResolver, DeferredRefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.base.redaction import register_secret
from s3browser.core.settings.profiles import SOURCE_AWS, Profile
from s3browser.core.settings.sso_login import SsoLogin

REFRESH_AHEAD_SECONDS = 300  # a token this close to its end is renewed first, when it can be
CREDENTIALS_METHOD = "s3browser-sso"


@dataclass(frozen=True)
class SsoTarget:
    """Where a profile signs in, and (once chosen) which account and role it uses."""

    start_url: str
    region: str
    session_name: str | None  # the sso-session the token is cached under; None for a legacy profile
    account_id: str = ""
    role_name: str = ""

    def login(self, cache_dir: Path | None = None, **kwargs: Any) -> SsoLogin:
        return SsoLogin(self.start_url, self.region, self.session_name, cache_dir=cache_dir, **kwargs)


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    email: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.account_id})" if self.name else self.account_id


def sso_target(profile: Profile) -> SsoTarget | None:
    """Where ``profile`` signs in, or None when it does not use IAM Identity Center.

    Reads ``~/.aws/config`` for AWS-config profiles and to find an app profile's sso-session: call
    it off the GUI thread."""
    if profile.uses_sso:
        session = profile.sso_session or session_name_for(profile.sso_start_url)
        return SsoTarget(profile.sso_start_url, profile.sso_region, session, profile.sso_account_id,
                         profile.sso_role_name)
    if profile.source != SOURCE_AWS:
        return None
    config = _full_config(profile.aws_profile)
    settings = config.get("profiles", {}).get(profile.aws_profile, {})
    session_name = settings.get("sso_session")
    if session_name:
        session = config.get("sso_sessions", {}).get(session_name, {})
        if not session.get("sso_start_url"):
            return None
        return SsoTarget(session["sso_start_url"], session.get("sso_region", ""), session_name,
                         settings.get("sso_account_id", ""), settings.get("sso_role_name", ""))
    if settings.get("sso_start_url"):
        return SsoTarget(settings["sso_start_url"], settings.get("sso_region", ""), None,
                         settings.get("sso_account_id", ""), settings.get("sso_role_name", ""))
    return None


def session_name_for(start_url: str) -> str:
    """The sso-session of ``~/.aws/config`` that signs in at ``start_url``, so a sign-in here and
    ``aws sso login`` share one token; without one, the start URL itself names the cached token."""
    sessions = _full_config().get("sso_sessions", {})
    for name, settings in sorted(sessions.items()):
        if settings.get("sso_start_url", "").rstrip("/#") == start_url.rstrip("/#"):
            return str(name)
    return start_url


def _full_config(profile: str | None = None) -> dict[str, Any]:
    try:
        return botocore.session.Session(profile=profile).full_config
    except BotoCoreError:  # a broken ~/.aws/config is read as no SSO, never as a crash
        return {}


def signin_needed(target: SsoTarget) -> S3BrowserError:
    return S3BrowserError(f"Your IAM Identity Center sign-in at {target.start_url} has ended or was never "
                          "made; sign in again to go on.", kind="signin")


def access_token(target: SsoTarget, clock: Callable[[], float] = time.time, cache_dir: Path | None = None) -> str:
    """A usable token of ``target``'s sign-in, renewed first when it ends within five minutes and
    can be; raises kind ``signin`` when there is none."""
    login = target.login(cache_dir=cache_dir, clock=clock)
    token = login.cached_token()
    if token is not None and _seconds_left(token, clock) <= REFRESH_AHEAD_SECONDS:
        login.refresh()
        token = login.cached_token()  # renewed here, or by another process meanwhile
    if token is None or _seconds_left(token, clock) <= 0:
        raise signin_needed(target)
    register_secret(token["accessToken"])
    return str(token["accessToken"])


def signed_in_until(target: SsoTarget, cache_dir: Path | None = None) -> datetime | None:
    """When ``target``'s cached sign-in ends (None when there is none)."""
    return target.login(cache_dir=cache_dir).expiry()


def _seconds_left(token: dict[str, Any], clock: Callable[[], float]) -> float:
    ends = datetime.strptime(token["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return ends.timestamp() - clock()


class SsoPortal:
    """The portal's lists and role credentials, asked with the current token."""

    def __init__(self, target: SsoTarget, cache_dir: Path | None = None) -> None:
        self.target = target
        self._cache_dir = cache_dir
        self._client = botocore.session.Session().create_client(
            "sso", region_name=target.region, config=Config(signature_version=botocore.UNSIGNED))

    def accounts(self) -> list[Account]:
        """Every account the signed-in user may use, by name."""
        pages = self._pages("list_accounts", "accountList")
        accounts = [Account(a["accountId"], a.get("accountName", ""), a.get("emailAddress", "")) for a in pages]
        return sorted(accounts, key=lambda a: (a.name.casefold(), a.account_id))

    def roles(self, account_id: str) -> list[str]:
        """The roles the user may take in ``account_id``."""
        return sorted((r["roleName"] for r in self._pages("list_account_roles", "roleList", accountId=account_id)),
                      key=str.casefold)

    def role_credentials(self, account_id: str, role_name: str) -> dict[str, str]:
        """Credentials of ``role_name`` in ``account_id``, as botocore's refreshable credentials take them."""
        token = access_token(self.target, cache_dir=self._cache_dir)
        answer = self._call(lambda: self._client.get_role_credentials(
            accessToken=token, accountId=account_id, roleName=role_name))["roleCredentials"]
        register_secret(answer["secretAccessKey"])
        register_secret(answer["sessionToken"])
        ends = datetime.fromtimestamp(answer["expiration"] / 1000, tz=timezone.utc)
        return {"access_key": answer["accessKeyId"], "secret_key": answer["secretAccessKey"],
                "token": answer["sessionToken"], "expiry_time": ends.isoformat()}

    def _pages(self, operation: str, name: str, **args: Any) -> list[dict[str, Any]]:
        token = access_token(self.target, cache_dir=self._cache_dir)
        items: list[dict[str, Any]] = []
        paginator = self._client.get_paginator(operation)
        try:
            for page in paginator.paginate(accessToken=token, **args):
                items.extend(page.get(name, []))
        except ClientError as exc:
            raise self._refusal(exc) from None
        return items

    def _call(self, request: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return request()
        except ClientError as exc:
            raise self._refusal(exc) from None

    def _refusal(self, exc: ClientError) -> S3BrowserError:
        error = exc.response.get("Error", {})
        detail = f"{error.get('Code', '')}: {error.get('Message', '')}"
        if error.get("Code") == "UnauthorizedException":
            return S3BrowserError(signin_needed(self.target).message, kind="signin", detail=detail)
        if error.get("Code") == "ForbiddenException":
            return S3BrowserError(f"Your sign-in may not use the role “{self.target.role_name}” in account "
                                  f"{self.target.account_id}; choose another one.", kind="denied", detail=detail)
        return S3BrowserError("IAM Identity Center refused the request; the details say why.", kind="failed",
                              detail=detail)


def sso_credentials(target: SsoTarget, cache_dir: Path | None = None) -> DeferredRefreshableCredentials:
    """Credentials of ``target``'s account and role, fetched on first use and renewed before they end
    with whatever token the cache holds then."""
    if not target.account_id or not target.role_name:
        raise S3BrowserError("Choose an account and a role for this connection: sign in, then pick them.",
                             kind="config")

    def fetch() -> dict[str, str]:
        return SsoPortal(target, cache_dir).role_credentials(target.account_id, target.role_name)

    return DeferredRefreshableCredentials(refresh_using=fetch, method=CREDENTIALS_METHOD)


class SsoCredentialProvider(CredentialProvider):
    """The one credential source of an app profile that signs in to IAM Identity Center."""

    METHOD = CREDENTIALS_METHOD
    CANONICAL_NAME = CREDENTIALS_METHOD

    def __init__(self, target: SsoTarget, cache_dir: Path | None = None) -> None:
        super().__init__()
        self._target = target
        self._cache_dir = cache_dir

    def load(self) -> DeferredRefreshableCredentials:
        return sso_credentials(self._target, self._cache_dir)


def use_sso_credentials(session: botocore.session.Session, target: SsoTarget) -> None:
    """Make ``session`` sign with ``target``'s role credentials (and nothing else botocore might find)."""
    session.register_component("credential_provider", CredentialResolver([SsoCredentialProvider(target)]))

"""MFA for AWS-config profiles: the code asked for by whoever holds the connection, never by stdin.

A profile with ``mfa_serial`` gets temporary credentials with a code from the device: by AssumeRole
when it has ``role_arn`` (botocore's own provider, its prompter replaced), or by GetSessionToken
when it holds keys (botocore has no such provider: :class:`MfaSessionProvider`).  Either way the
credentials go to the AWS CLI's own cache (``~/.aws/cli/cache``, as the CLI keeps assumed roles),
so the transfer workers, which cannot ask anyone, find them there, and so does ``aws`` itself.
When they end, the next request asks for a new code (the window: a dialog; ``s3browser sync``: the
terminal); where no one can be asked, it fails as kind ``signin`` and the window offers *Sign in
again*.  A wrong code fails as kind ``signin`` too, in one sentence, and the next try asks again.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import botocore.session
from botocore.credentials import CredentialProvider, DeferredRefreshableCredentials
from botocore.exceptions import ClientError
from botocore.utils import JSONFileCache

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.base.redaction import register_secret

MfaPrompt = Callable[[str], str]  # the device's serial (ARN) -> the code the user read from it
SESSION_SECONDS = 12 * 3600  # GetSessionToken's default
RENEW_AHEAD_SECONDS = 15 * 60  # botocore's advisory window: cached credentials this close to their end are renewed


def cli_cache_dir() -> Path:
    """The AWS CLI's cache of assumed-role credentials."""
    return Path.home() / ".aws" / "cli" / "cache"


class SecretCache(JSONFileCache):
    """The AWS CLI's credentials cache, whose secrets are masked in every log line from the moment they
    are read or written."""

    def __getitem__(self, cache_key: str) -> Any:
        value = super().__getitem__(cache_key)
        _register_cached(value)
        return value

    def __setitem__(self, cache_key: str, value: Any) -> None:
        _register_cached(value)
        super().__setitem__(cache_key, value)


def _register_cached(value: Any) -> None:
    if isinstance(value, dict):
        credentials = value.get("Credentials", value)
        for name in ("SecretAccessKey", "SessionToken", "secret_key", "token"):
            if isinstance(credentials, dict) and isinstance(credentials.get(name), str):
                register_secret(credentials[name])


def mfa_serial_of(session: botocore.session.Session, profile_name: str) -> str:
    """The MFA device of ``profile_name``'s own credentials ("" when it has none)."""
    try:
        return str(session.full_config.get("profiles", {}).get(profile_name, {}).get("mfa_serial", ""))
    except Exception:  # noqa: BLE001 - a broken config file means no MFA here; botocore says why when it connects
        return ""


def nobody_to_ask(serial: str) -> str:
    """The prompt of a process no one watches (a transfer worker, a command without a terminal)."""
    raise S3BrowserError(f"A new code from the MFA device {serial} is needed; sign in again to go on.",
                         kind="signin")


def wrong_code(serial: str, error: ClientError) -> S3BrowserError:
    return S3BrowserError(f"The code was not accepted for the MFA device {serial}: enter the code it shows now.",
                          kind="signin", detail=f"{error.response.get('Error', {}).get('Code', '')}")


def use_mfa(session: botocore.session.Session, profile_name: str, prompt: MfaPrompt | None) -> str:
    """Make ``session`` ask ``prompt`` (or no one) for MFA codes and keep what it gets in the CLI's
    cache; the profile's MFA device, or "" when it has none."""
    ask = prompt or nobody_to_ask
    resolver = session.get_component("credential_provider")
    assume_role = resolver.get_provider("assume-role")
    assume_role.cache = SecretCache(str(cli_cache_dir()))  # public: the CLI sets it the same way
    if hasattr(assume_role, "_prompter"):  # botocore's prompter is private: set it guarded (tested at the floor)
        assume_role._prompter = lambda text: asked_code(ask, _serial_in(text))  # noqa: SLF001
    serial = mfa_serial_of(session, profile_name)
    config = session.full_config.get("profiles", {}).get(profile_name, {})
    if serial and not config.get("role_arn"):
        resolver.insert_before("assume-role", MfaSessionProvider(session, profile_name, serial, ask,
                                                                 int(config.get("duration_seconds") or
                                                                     SESSION_SECONDS)))
    return serial or _chain_serial(session, profile_name)


def _chain_serial(session: botocore.session.Session, profile_name: str) -> str:
    """The MFA device of any role up ``profile_name``'s chain of source profiles ("" when none asks)."""
    profiles = session.full_config.get("profiles", {})
    seen: set[str] = set()
    name = profile_name
    while name and name not in seen:
        seen.add(name)
        serial = profiles.get(name, {}).get("mfa_serial", "")
        if serial:
            return str(serial)
        name = profiles.get(name, {}).get("source_profile", "")
    return ""


def _serial_in(prompt_text: str) -> str:
    found = re.search(r"for (\S+?):?\s*$", prompt_text)
    return found.group(1) if found else prompt_text


def asked_code(ask: MfaPrompt, serial: str) -> str:
    """The code ``ask`` gives for ``serial``; an empty answer sends nothing (one sentence)."""
    code = ask(serial).strip()
    if not code:
        raise S3BrowserError("No MFA code was entered; nothing was sent.", kind="signin")
    return code


class MfaSessionProvider(CredentialProvider):
    """Session credentials from GetSessionToken with the profile's keys and an MFA code, kept in the
    CLI's cache (under a name of this app's) and renewed with a new code when they end."""

    METHOD = "s3browser-mfa-session"
    CANONICAL_NAME = "s3browser-mfa-session"

    def __init__(self, session: botocore.session.Session, profile_name: str, serial: str, ask: MfaPrompt,
                 duration: int) -> None:
        super().__init__()
        self._session = session
        self._profile_name = profile_name
        self._serial = serial
        self._ask = ask
        self._duration = duration
        self._cache = SecretCache(str(cli_cache_dir()))
        described = json.dumps({"tool": "s3browser", "profile": profile_name, "serial": serial}, sort_keys=True)
        self._key = "s3browser-session-" + hashlib.sha1(described.encode()).hexdigest()  # noqa: S324 - a name

    def load(self) -> DeferredRefreshableCredentials | None:
        resolver = self._session.get_component("credential_provider")
        keys = None
        for name in ("shared-credentials-file", "config-file"):
            try:
                keys = resolver.get_provider(name).load()
            except Exception:  # noqa: BLE001 - that source has none
                keys = None
            if keys is not None:
                break
        if keys is None:
            return None
        return DeferredRefreshableCredentials(refresh_using=lambda: self._fetch(keys), method=self.METHOD)

    def _fetch(self, keys: Any) -> dict[str, str]:
        try:
            cached = self._cache[self._key]
        except KeyError:
            cached = None
        if cached and _ends(cached["expiry_time"]) > time.time() + RENEW_AHEAD_SECONDS:
            _register(cached)
            return dict(cached)
        frozen = keys.get_frozen_credentials()
        client = self._session.create_client("sts", aws_access_key_id=frozen.access_key,
                                             aws_secret_access_key=frozen.secret_key,
                                             aws_session_token=frozen.token)
        code = asked_code(self._ask, self._serial)
        try:
            answer = client.get_session_token(SerialNumber=self._serial, TokenCode=code,
                                              DurationSeconds=self._duration)["Credentials"]
        except ClientError as exc:
            if "MultiFactorAuthentication" in str(exc) or exc.response.get("Error", {}).get("Code") == "AccessDenied":
                raise wrong_code(self._serial, exc) from None
            raise
        finally:
            client.close()
        expiration = answer["Expiration"]
        if isinstance(expiration, datetime):
            expiration = expiration.astimezone(timezone.utc).isoformat()
        metadata = {"access_key": answer["AccessKeyId"], "secret_key": answer["SecretAccessKey"],
                    "token": answer["SessionToken"], "expiry_time": str(expiration)}
        _register(metadata)
        self._cache[self._key] = metadata
        return metadata


def _register(metadata: dict[str, Any]) -> None:
    register_secret(metadata["secret_key"])
    register_secret(metadata.get("token") or "")


def _ends(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class HeldCredentials:
    """Credentials a transfer worker is handed by the window, which alone can ask for an MFA code.

    ``ask`` fetches the window's current credentials (botocore's refreshable-credentials fields) and
    raises one sentence when it has none; it is called on first use and whenever botocore renews."""

    METHOD = "s3browser-held"

    def __init__(self, ask: Callable[[], dict[str, Any]]) -> None:
        self._ask = ask

    def _fetch(self) -> dict[str, Any]:
        metadata = self._ask()
        _register(metadata)
        return metadata

    def resolver(self) -> Any:
        from botocore.credentials import CredentialResolver

        held = self

        class _Provider(CredentialProvider):
            METHOD = CANONICAL_NAME = HeldCredentials.METHOD

            def load(self) -> DeferredRefreshableCredentials:
                return DeferredRefreshableCredentials(refresh_using=held._fetch, method=HeldCredentials.METHOD)

        return CredentialResolver([_Provider()])

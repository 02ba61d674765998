"""One boto3 client per connection, shared by every worker thread.

boto3 clients are thread-safe; sessions and resources are not, so the session is used only here,
once, to build the client.  Retries, timeouts, SigV4 and checksum settings that every S3-compatible
server accepts are fixed in one place.  Buckets in other regions get a client of their own region,
learned from the server's answer, so a PermanentRedirect never reaches the user.
"""

from __future__ import annotations

import copy
import logging
import platform
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import boto3
import botocore
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserFactory
from botocore.utils import parse_timestamp

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.base.redaction import register_secret
from s3browser.core.base.version import __version__
from s3browser.core.s3.errors import is_region_error
from s3browser.core.s3.listing_parser import (
    FastParserFactory,
    install_quick_200_check,
    missing_botocore_names,
)
from s3browser.core.settings.mfa import HeldCredentials, MfaPrompt, use_mfa
from s3browser.core.settings.profiles import SOURCE_AWS, SOURCE_ENV, Profile
from s3browser.core.settings.roles import role_name, use_role
from s3browser.core.settings.secrets import Secrets
from s3browser.core.settings.sso_access import SsoTarget, sso_target, use_sso_credentials

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_REGION = "us-east-1"


def fast_timestamp(value: Any) -> datetime:
    """Parse S3's ISO-8601 timestamps with the C parser; botocore's dateutil path is ~10x slower."""
    if isinstance(value, str) and len(value) >= 20 and value[4] == "-" and value[10] == "T":
        try:
            if value.endswith("Z"):
                value = value[:-1] + "+00:00"
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    return parse_timestamp(value)


USER_AGENT = f"s3browser/{__version__} botocore/{botocore.__version__} Python/{platform.python_version()}"


# The window's own requests (listings, heads, settings): a server that accepts connections and then
# says nothing is given up on after three tries of ten seconds, about half a minute with the
# back-off, and the user hears one sentence.  Transfers run in the worker with more patience: a
# server-side copy or the completion of a large upload may be silent for tens of seconds.
BROWSING: dict[str, Any] = {"read_timeout": 10.0, "max_attempts": 3,
                            "transfers": {"read_timeout": 60.0, "max_attempts": 5}}


def for_transfers(config: dict[str, Any]) -> dict[str, Any]:
    """A connection's settings as its transfer worker uses them: the ``transfers`` entry over the rest."""
    return {**_own_settings(config), **config.get("transfers", {})}


def for_browsing(config: dict[str, Any]) -> dict[str, Any]:
    """A connection's settings as its window's own requests use them (a listing made for the window
    by the transfer worker too): short waits, so a silent server is told of soon."""
    return _own_settings(config)


def _own_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The settings a connection's own clients use (without its transfer worker's)."""
    return {key: value for key, value in config.items() if key != "transfers"}


def make_config(profile: Profile, *, retry_mode: str = "standard", max_attempts: int = 5,
                connect_timeout: float = 5, read_timeout: float = 60, max_pool: int = 32) -> Config:
    """The client settings shared by all connections."""
    return Config(
        signature_version="s3v4",
        # A fixed User-Agent: botocore otherwise rebuilds it from ~30 parts on every request,
        # about a quarter of the CPU a small PUT costs.
        user_agent=USER_AGENT,
        retries={"mode": retry_mode, "max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_pool_connections=max_pool,
        s3={"addressing_style": "path" if profile.path_style else "auto"},
        # Checksums only when the operation requires them: several S3-compatible servers reject
        # or mis-handle the newer default CRC trailers and ranged-GET validation.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


class Connection:
    """A live connection: the profile, the shared client, and per-bucket regional clients.

    ``config``: :func:`make_config`'s settings, and optionally ``transfers``, the settings its
    transfer worker uses instead (see :data:`BROWSING`)."""

    def __init__(self, profile: Profile, secrets: Secrets | None = None, mfa_prompt: MfaPrompt | None = None,
                 held: HeldCredentials | None = None, base: tuple[Profile, Secrets | None] | None = None,
                 **config: Any) -> None:
        """``mfa_prompt`` asks the user for an MFA code (else no one can be asked); ``held``: credentials
        handed in by the process that resolved them (a transfer worker's), instead of the profile's own;
        ``base``: for a profile that assumes a role, the connection (and secret) that assumes it (see
        :meth:`ProfileStore.role_base`), whose endpoint it takes when it has none of its own."""
        if base is not None and profile.assumes_role and not profile.endpoint_url:
            profile = replace(profile, endpoint_url=base[0].endpoint_url, path_style=base[0].path_style,
                              verify_tls=base[0].verify_tls, region=profile.region or base[0].region)
        self._base = base
        self.profile = profile
        self.secrets = secrets  # kept so a transfer worker process can open the same connection
        self.config_kwargs = config
        # Where this connection signs in to IAM Identity Center (None: it does not), so the window can
        # offer to sign in again the moment a request says the sign-in ended.
        self.sign_in_target = sso_target(profile)
        self.mfa_serial = ""  # the MFA device its credentials need a code from ("" when none)
        self._mfa_prompt = mfa_prompt
        self._held = held
        self._last_token: str | None = None
        self._config_role = ""  # an AWS-config profile's role_arn
        self._session = self._make_session(profile, secrets, self.sign_in_target, mfa_prompt)
        self.region = profile.region or self._session.region_name or DEFAULT_REGION
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._bucket_regions: dict[str, str] = {}
        self.client = self.client_for_region(self.region)

    def _make_session(self, profile: Profile, secrets: Secrets | None, target: SsoTarget | None,
                      mfa_prompt: MfaPrompt | None) -> boto3.Session:
        if self._held is not None:
            core = botocore.session.Session(profile=profile.aws_profile or None)
            core.register_component("credential_provider", self._held.resolver())
        elif profile.source == SOURCE_AWS:
            core = botocore.session.Session(profile=profile.aws_profile)
            self.mfa_serial = use_mfa(core, profile.aws_profile, mfa_prompt)
            self._config_role = str(core.full_config.get("profiles", {}).get(profile.aws_profile, {}).get(
                "role_arn", ""))
        elif profile.uses_sso and target is not None:
            core = botocore.session.Session()
            use_sso_credentials(core, target)
        elif profile.assumes_role:
            if self._base is None:
                raise S3BrowserError("This role's base connection was not given.", kind="config")
            base_profile, base_secrets = self._base
            source = self._make_session(base_profile, base_secrets, sso_target(base_profile), mfa_prompt)
            core = botocore.session.Session()
            use_role(core, profile, source.get_credentials(), mfa_prompt)
            self.mfa_serial = profile.mfa_serial or self.mfa_serial
        else:
            core = botocore.session.Session()
            if profile.source != SOURCE_ENV and profile.access_key_id and secrets is not None:
                register_secret(secrets.secret_access_key)
                register_secret(secrets.session_token)
                core.set_credentials(profile.access_key_id, secrets.secret_access_key,
                                     secrets.session_token or None)
        missing = missing_botocore_names()
        if missing:
            log.warning("botocore %s lacks %s, which the fast listing parser needs; listings use botocore's own "
                        "parser (same results, slower)", botocore.__version__, ", ".join(missing))
            parser_factory = ResponseParserFactory()
        else:
            parser_factory = FastParserFactory()
        parser_factory.set_parser_defaults(timestamp_parser=fast_timestamp)
        core.register_component("response_parser_factory", parser_factory)
        return boto3.Session(botocore_session=core)

    @property
    def role(self) -> str:
        """The role in use, said beside the connection's name ("" when none is assumed)."""
        target = self.sign_in_target
        if target is not None and target.role_name:
            return f"{target.role_name} in account {target.account_id}"
        if self.profile.assumes_role:
            return f"role {role_name(self.profile.role_arn)}"
        return f"role {role_name(self._config_role)}" if self._config_role else ""

    @property
    def can_sign_in(self) -> bool:
        """Whether a new sign-in (IAM Identity Center, or an MFA code) renews this connection's credentials."""
        return self.sign_in_target is not None or bool(self.mfa_serial)

    def renew_credentials(self) -> datetime | None:
        """Sign in again: credentials that took an MFA code are made anew (botocore never asks twice
        with one credentials object), asking for a code now; the clients follow.  Returns when the
        credentials end.  Call it off the GUI thread."""
        if self.mfa_serial:
            session = self._make_session(self.profile, self.secrets, self.sign_in_target, self._mfa_prompt)
            session.get_credentials().get_frozen_credentials()  # the code is asked for here
            with self._lock:
                self._session, old = session, list(self._clients.values())
                self._clients.clear()
            self.client = self.client_for_region(self.region)
            for client in old:
                client.close()
        return self.credentials_end()

    def credentials_now(self) -> dict[str, Any] | None:
        """The credentials requests are signed with now, as botocore's refreshable credentials take them
        (for a transfer worker that cannot resolve them itself); None without credentials."""
        frozen = self.frozen_credentials()
        if frozen is None:
            return None
        ends = self.credentials_end()
        return {"access_key": frozen.access_key, "secret_key": frozen.secret_key, "token": frozen.token,
                "expiry_time": (ends or datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()}

    @property
    def identity(self) -> str:
        """Which endpoint and account this is, for records that must outlive the process."""
        profile = self.profile
        if profile.source == SOURCE_AWS:
            return f"aws:{profile.aws_profile}|{profile.endpoint_url}"
        if profile.uses_sso:
            return f"sso:{profile.name}|{profile.endpoint_url}|{profile.sso_account_id}|{profile.sso_role_name}"
        return f"{profile.source}:{profile.name}|{profile.endpoint_url}|{profile.access_key_id}"

    @property
    def endpoint_url(self) -> str | None:
        return self.profile.endpoint_url or None

    def _remember_secrets(self, **_kwargs: Any) -> None:
        """Temporary credentials that botocore fetched itself (an assumed role, a credential process) are
        masked in every log line and message from their first use, like the keys of a profile."""
        credentials = self._session.get_credentials()
        if not isinstance(credentials, RefreshableCredentials) or credentials.refresh_needed():
            return  # never a second refresh here: the signer renews them, and the next request registers them
        frozen = credentials.get_frozen_credentials()
        if frozen.token != self._last_token:
            self._last_token = frozen.token
            register_secret(frozen.secret_key)
            register_secret(frozen.token)

    def has_credentials(self) -> bool:
        """Whether requests are signed at all, asked without fetching anything (an IAM Identity Center
        connection's credentials come on first use, and may need a sign-in first)."""
        return self._session.get_credentials() is not None

    def credentials_end(self, fetch: bool = True) -> datetime | None:
        """When the credentials that sign requests now end (renewed first when near it); None when they
        do not end or it cannot be told (keys, or a session token typed into a profile).  Without
        ``fetch``, credentials not fetched yet (or due for renewal) are not asked for: None."""
        credentials = self._session.get_credentials()
        if credentials is None:
            return None
        if not fetch and isinstance(credentials, RefreshableCredentials) and credentials.refresh_needed():
            return None
        credentials.get_frozen_credentials()
        # botocore's refreshable credentials keep their end in a private field: read it guarded.
        end = getattr(credentials, "_expiry_time", None)
        return end if isinstance(end, datetime) else None

    def fixed_credentials(self) -> Any:
        """The credentials if they never change (keys in a profile), else None: renewed or ending ones
        (a role, a sign-in, an MFA or other session) must be asked for each time.  Fetches nothing."""
        credentials = self._session.get_credentials()
        if credentials is None or isinstance(credentials, RefreshableCredentials) or self.can_sign_in:
            return None
        frozen = credentials.get_frozen_credentials()
        return None if frozen.token else frozen  # a session token ends, and a new one may come

    def frozen_credentials(self) -> Any:
        """The credentials requests are signed with now (refreshed first if they expire), or None."""
        credentials = self._session.get_credentials()
        return credentials.get_frozen_credentials() if credentials is not None else None

    def sibling(self, **config: Any) -> Connection:
        """A connection over this one's session (its credentials and loaded service model: a client
        costs a few MiB, a session tens) with its own clients, made with ``config`` instead."""
        twin = copy.copy(self)
        twin.config_kwargs = config
        twin._lock = threading.Lock()
        twin._clients = {}
        twin._bucket_regions = dict(self._bucket_regions)
        twin.client = twin.client_for_region(twin.region)
        return twin

    def client_for_region(self, region: str) -> Any:
        """The shared client for ``region`` (made on first use)."""
        with self._lock:
            client = self._clients.get(region)
            if client is None:
                client = self._session.client(
                    "s3", region_name=region, endpoint_url=self.endpoint_url,
                    verify=self.profile.verify_tls,
                    config=make_config(self.profile, **_own_settings(self.config_kwargs)))
                install_quick_200_check(client)
                if isinstance(self._session.get_credentials(), RefreshableCredentials):
                    client.meta.events.register("before-sign", self._remember_secrets)
                self._clients[region] = client
            return client

    def client_for(self, bucket: str | None) -> Any:
        """The client to use for ``bucket``: its own region's once known, else the default."""
        region = self._bucket_regions.get(bucket or "")
        return self.client_for_region(region) if region else self.client

    def learn_region(self, bucket: str, error: ClientError) -> bool:
        """Record the region a redirect/region error names; True if a retry may now succeed."""
        if not is_region_error(error):
            return False
        headers = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        region = headers.get("x-amz-bucket-region") or error.response.get("Error", {}).get("Region")
        if not region or self._bucket_regions.get(bucket) == region:
            return False
        log.info("bucket %s is in region %s; switching its client", bucket, region)
        self._bucket_regions[bucket] = region
        return True

    def call(self, bucket: str | None, operation: Callable[[Any], T]) -> T:
        """Run ``operation(client)`` for ``bucket``, retrying once in the bucket's real region."""
        try:
            return operation(self.client_for(bucket))
        except ClientError as exc:
            if bucket and self.learn_region(bucket, exc):
                return operation(self.client_for(bucket))
            raise

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

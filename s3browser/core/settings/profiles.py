"""Connection profiles: non-secret fields in ``profiles.json``, secrets through :class:`SecretStore`.

Profiles from the AWS shared config/credentials files and from environment variables are listed
read-only; botocore resolves them (SSO, assume-role, credential_process) at connect time, so no
secret is ever copied out of them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

import botocore.session
from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.settings.atomic_files import write_atomic
from s3browser.core.settings.dirs import config_dir
from s3browser.core.settings.secrets import Secrets, SecretStore

SOURCE_APP = "app"  # created in s3browser, editable
SOURCE_AWS = "aws"  # a profile of ~/.aws/config or ~/.aws/credentials
SOURCE_ENV = "env"  # AWS_ACCESS_KEY_ID & co in the environment
SOURCE_ADHOC = "adhoc"  # given on the command line for this run
SOURCE_DEMO = "demo"  # the built-in demo endpoint

AWS_PREFIX = "aws:"
ENV_PROFILE_NAME = "environment"


@dataclass(frozen=True)
class Profile:
    """Everything needed to connect except the secret key and session token."""

    name: str
    endpoint_url: str = ""  # empty means AWS
    region: str = ""
    access_key_id: str = ""
    path_style: bool = False
    verify_tls: bool = True
    source: str = SOURCE_APP
    aws_profile: str = ""  # for SOURCE_AWS: the name inside ~/.aws/config
    soft_delete: bool = False  # deleting moves objects to the bucket's trash prefix instead
    # An IAM Identity Center (SSO) connection: the sign-in's start URL and region, and the account
    # and role chosen after signing in.  Non-secret; the token lives in the AWS CLI's SSO cache.
    sso_start_url: str = ""
    sso_region: str = ""
    sso_account_id: str = ""
    sso_role_name: str = ""
    sso_session: str = ""  # the sso-session name the token is cached under ("" = chosen at sign-in)
    # A role assumed on top of another connection (its base): the base's credentials sign AssumeRole.
    role_arn: str = ""
    role_base: str = ""  # the name of the profile whose credentials assume the role
    external_id: str = ""
    role_session_name: str = ""
    duration_seconds: int = 0  # 0: the role's default (one hour)
    mfa_serial: str = ""  # the MFA device AssumeRole needs a code from ("" when none)

    @property
    def assumes_role(self) -> bool:
        """An app profile that assumes a role with another connection's credentials."""
        return bool(self.role_arn)

    @property
    def uses_sso(self) -> bool:
        """An app profile that signs in to IAM Identity Center instead of holding keys."""
        return bool(self.sso_start_url)

    @property
    def read_only(self) -> bool:
        return self.source != SOURCE_APP

    @property
    def display_name(self) -> str:
        if self.source == SOURCE_AWS:
            return f"{self.aws_profile} (AWS config)"
        if self.source == SOURCE_ENV:
            return "environment (AWS_* variables)"
        return self.name

    def describe_endpoint(self) -> str:
        return self.endpoint_url or "Amazon S3"


_STORED_FIELDS = ("name", "endpoint_url", "region", "access_key_id", "path_style", "verify_tls", "soft_delete",
                  "sso_start_url", "sso_region", "sso_account_id", "sso_role_name", "sso_session",
                  "role_arn", "role_base", "external_id", "role_session_name", "duration_seconds", "mfa_serial")


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` cannot be an S3 endpoint, in one sentence, or None (empty means Amazon S3).

    botocore's own answers to a bad URL are "Invalid region" (``ftp://x``, port 99999) or a raw
    ValueError (``not-a-url``); this says what to fix instead.
    """
    if not url:
        return None
    if any(c.isspace() for c in url):
        return "The endpoint URL cannot contain spaces."
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced [ or ] around an IPv6 address
        return "The endpoint URL is not a valid URL: check the brackets around the IPv6 address."
    if parts.scheme not in ("http", "https"):
        return "The endpoint URL must start with http:// or https:// (for example https://minio.example.com:9000)."
    if not parts.hostname:
        return "The endpoint URL needs a host name after http:// or https://."
    if parts.username or parts.password:
        return "The endpoint URL cannot contain a user name or password; enter the keys in their own fields."
    try:
        port = parts.port
    except ValueError:
        return "The port in the endpoint URL must be a number from 1 to 65535."
    if port is not None and not 1 <= port <= 65535:
        return "The port in the endpoint URL must be a number from 1 to 65535."
    if parts.path not in ("", "/"):
        return "The endpoint URL cannot have a path: give only the scheme, host and port (the bucket is chosen later)."
    if parts.query or parts.fragment:
        return "The endpoint URL cannot have a query (?…) or fragment (#…)."
    if not (is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)):
        return (f"The host name “{parts.hostname}” is not valid: use letters, digits, hyphens and dots, "
                "with no underscore and no hyphen at either end of a part.")
    return None


def validate_profile(profile: Profile) -> str | None:
    """A message saying what is wrong with the editable fields, or None."""
    if not profile.name.strip():
        return "A profile needs a name."
    if profile.name.startswith(AWS_PREFIX) or profile.name == ENV_PROFILE_NAME:
        return f"The name “{profile.name}” is reserved."
    if profile.uses_sso:
        problem = sso_problem(profile)
        if problem:
            return problem
    if profile.assumes_role:
        problem = role_problem(profile)
        if problem:
            return problem
    return endpoint_problem(profile.endpoint_url)


ROLE_ARN = re.compile(r"^arn:[\w-]+:iam::\d{12}:role/[\w+=,.@/-]+$")
MFA_ARN = re.compile(r"^(arn:[\w-]+:iam::\d{12}:mfa/[\w+=,.@/-]+|[A-Z0-9]{9,64})$")


def role_problem(profile: Profile) -> str | None:
    """What an *assume a role* connection still needs, in one sentence, or None."""
    if not profile.role_base:
        return "Choose the connection whose credentials assume the role."
    if profile.role_base == profile.name:
        return "A role cannot be assumed with its own connection: choose another one."
    if not ROLE_ARN.match(profile.role_arn.strip()):
        return "The role ARN must look like arn:aws:iam::123456789012:role/NAME."
    if profile.duration_seconds and not 900 <= profile.duration_seconds <= 43200:
        return "The session lasts from 15 minutes to 12 hours (900 to 43,200 seconds)."
    if profile.mfa_serial and not MFA_ARN.match(profile.mfa_serial.strip()):
        return "The MFA device must be its ARN (arn:aws:iam::123456789012:mfa/NAME) or a hardware serial number."
    if profile.role_session_name and not re.fullmatch(r"[\w+=,.@-]{2,64}", profile.role_session_name):
        return "The session name takes 2 to 64 letters, digits and + = , . @ - _."
    return None


def sso_problem(profile: Profile) -> str | None:
    """What an IAM Identity Center connection still needs, in one sentence, or None."""
    url = urlsplit(profile.sso_start_url.strip())
    if url.scheme != "https" or not url.hostname or any(c.isspace() for c in profile.sso_start_url):
        return ("The start URL must be your AWS access portal's https:// address "
                "(for example https://my-company.awsapps.com/start).")
    if not profile.sso_region.strip():
        return "Enter the region of your IAM Identity Center (for example eu-west-1)."
    return None


class ProfileStore:
    """Reads and writes profiles; the only place that knows where they are kept."""

    def __init__(self, secrets: SecretStore, path: Path | None = None,
                 environ: Mapping[str, str] | None = None, include_aws: bool = True) -> None:
        self.secrets = secrets
        self.path = path or config_dir() / "profiles.json"
        self._environ = os.environ if environ is None else environ
        self._include_aws = include_aws
        self.problem = ""  # why the profiles file could not be read (then it is never overwritten)
        self._session: dict[str, tuple[Profile, Secrets | None]] = {}

    # ---- app profiles (editable) ----
    def _read_app_profiles(self) -> list[Profile]:
        """The saved profiles; a file that cannot be read is backed up once and left alone."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problem = ""
            return []
        except (OSError, ValueError) as exc:
            return self._unreadable(f"it cannot be read ({getattr(exc, 'strerror', None) or type(exc).__name__})")
        try:
            data = json.loads(text)
            items = data["profiles"]
            known = {f.name for f in fields(Profile)}
            result = []
            for item in items:
                values = {k: v for k, v in item.items() if k in known and k in _STORED_FIELDS}
                if values.get("name"):
                    result.append(Profile(**values))
        except (ValueError, KeyError, TypeError, AttributeError):
            return self._unreadable("it is damaged (not the JSON s3browser writes)")
        self.problem = ""
        return result

    def _unreadable(self, why: str) -> list[Profile]:
        backup = self.path.with_name(self.path.name + ".unreadable")
        if not backup.exists():
            try:
                shutil.copy2(self.path, backup)
            except OSError:
                backup = self.path
        self.problem = (f"The saved profiles in {self.path} could not be used: {why}. Nothing was changed; a "
                        f"copy is at {backup}. Fix or remove the file to save profiles again.")
        return []

    def _write_app_profiles(self, profiles: list[Profile]) -> None:
        if self.problem:
            raise S3BrowserError(self.problem, kind="config")
        payload = {"profiles": [{k: v for k, v in asdict(p).items() if k in _STORED_FIELDS} for p in profiles]}
        write_atomic(self.path, json.dumps(payload, indent=2).encode("utf-8"))

    # ---- read-only profiles ----
    def _aws_profiles(self) -> list[Profile]:
        if not self._include_aws:
            return []
        try:
            names = botocore.session.Session().available_profiles
        except Exception:  # a broken ~/.aws/config must not break the app
            return []
        preferred = self._environ.get("AWS_PROFILE", "")
        names = sorted(names, key=lambda n: (n != preferred, n))
        return [Profile(name=AWS_PREFIX + n, source=SOURCE_AWS, aws_profile=n) for n in names]

    def _env_profile(self) -> list[Profile]:
        if self._environ.get("AWS_ACCESS_KEY_ID"):
            return [Profile(name=ENV_PROFILE_NAME, source=SOURCE_ENV,
                            endpoint_url=self._environ.get("AWS_ENDPOINT_URL_S3",
                                                           self._environ.get("AWS_ENDPOINT_URL", "")),
                            region=self._environ.get("AWS_REGION", self._environ.get("AWS_DEFAULT_REGION", "")))]
        return []

    # ---- profiles for this run only ----
    def add_session_profile(self, profile: Profile, secrets: Secrets | None) -> None:
        """Offer ``profile`` (the demo endpoint, a command-line endpoint) until the app quits.

        It is listed first and can be chosen again after switching away; it is never written to
        the profiles file or the keyring, and its secret stays in this process's memory.
        """
        self._session[profile.name] = (profile, secrets)

    def secrets_for(self, profile: Profile) -> Secrets | None:
        """The secret to connect ``profile`` with: held for this run, from the keyring for an app
        profile, or None where botocore resolves the credentials itself."""
        held = self._session.get(profile.name)
        if held is not None and held[0].source == profile.source:
            return held[1]
        if profile.read_only or profile.uses_sso or profile.assumes_role:
            return None
        return self.secrets.load(profile.name)

    # ---- public API ----
    def profiles(self) -> list[Profile]:
        """Profiles for this run first, then app profiles, then environment and AWS-config
        profiles (read-only)."""
        session = [profile for profile, _secrets in self._session.values()]
        return session + self._read_app_profiles() + self._env_profile() + self._aws_profiles()

    def get(self, name: str) -> Profile | None:
        return next((p for p in self.profiles() if p.name == name), None)

    def save(self, profile: Profile, secrets: Secrets | None, old_name: str | None = None) -> bool:
        """Create or update an app profile; True if its secrets went to a secure keyring."""
        problem = validate_profile(profile)
        if problem:
            raise ValueError(problem)
        profile = replace(profile, source=SOURCE_APP, aws_profile="")
        if profile.uses_sso or profile.assumes_role:  # no key of its own is kept, and one kept before goes
            profile, secrets = replace(profile, access_key_id=""), None
            self.secrets.delete(profile.name)
            if old_name:
                self.secrets.delete(old_name)
        profiles = [p for p in self._read_app_profiles() if p.name not in {profile.name, old_name}]
        profiles.append(profile)
        profiles.sort(key=lambda p: p.name.casefold())
        self._write_app_profiles(profiles)
        if old_name and old_name != profile.name:
            moved = secrets or self.secrets.load(old_name)
            self.secrets.delete(old_name)
            secrets = moved
        if secrets is None:
            return self.secrets.is_secure
        return self.secrets.save(profile.name, secrets)

    def typed_or_stored(self, current: Profile | None, secret: str, token: str) -> Secrets | None:
        """The secret a form means: what was typed, or (fields left empty) the one stored for
        ``current``, with a typed session token put on it.  Reads the keyring: call it from a worker."""
        if current is not None and current.read_only:
            return self.secrets_for(current)
        if secret:
            return Secrets(secret, token)
        if current is None:
            return None
        stored = self.secrets.load(current.name)
        if stored is not None and token:
            return replace(stored, session_token=token)
        return stored

    def role_base(self, profile: Profile) -> tuple[Profile, Secrets | None] | None:
        """The connection whose credentials assume ``profile``'s role, with its secret (reads the
        keyring: call it from a worker); None when ``profile`` assumes no role.  Raises
        :class:`S3BrowserError` when the base is gone or is itself a role."""
        if not profile.assumes_role:
            return None
        base = self.get(profile.role_base) or self.get(AWS_PREFIX + profile.role_base)
        if base is None:
            raise S3BrowserError(f"The connection “{profile.role_base}” that assumes this role is gone; choose "
                                 "another one in the profile.", kind="config")
        if base.assumes_role:
            raise S3BrowserError("A role is assumed with a connection of keys, an AWS profile or a sign-in, not "
                                 "with another role of this app: choose another base.", kind="config")
        return base, self.secrets_for(base)

    def delete(self, name: str) -> None:
        """Remove an app profile and its keyring entry."""
        profiles = self._read_app_profiles()
        self._write_app_profiles([p for p in profiles if p.name != name])
        self.secrets.delete(name)


def profile_for_command_line(store: ProfileStore, name: str | None,
                             endpoint_url: str | None) -> tuple[Profile, Secrets | None]:
    """The profile ``--profile NAME`` and ``--endpoint-url URL`` ask for, with its secret (``sync``'s:
    reads the keyring; the window reads it on a worker, see :func:`command_line_profile`)."""
    profile = command_line_profile(store, name, endpoint_url)
    stored = store.get(name) or store.get("aws:" + name) if name else None
    return profile, store.secrets_for(stored) if stored is not None else None


def command_line_profile(store: ProfileStore, name: str | None, endpoint_url: str | None) -> Profile:
    """The profile ``--profile NAME`` and ``--endpoint-url URL`` ask for (the window's and ``sync``'s).

    With a profile, the URL only replaces its endpoint (an AWS-config profile keeps its
    credentials); the URL alone, or neither, uses credentials from the environment / AWS config.
    Raises ValueError with one sentence for an unknown profile or an unusable URL.
    """
    if endpoint_url:
        problem = endpoint_problem(endpoint_url)
        if problem:
            raise ValueError(f"--endpoint-url: {problem}")  # never echoed: it may hold credentials
    if not name:
        url = endpoint_url or ""
        return Profile(name=url or "default", endpoint_url=url, source=SOURCE_ADHOC)
    profile = store.get(name) or store.get("aws:" + name)
    if profile is None:
        raise ValueError(f"no profile named {name!r}")
    return replace(profile, endpoint_url=endpoint_url) if endpoint_url else profile

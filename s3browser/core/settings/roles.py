"""A role assumed on top of another connection: the base's credentials sign AssumeRole.

The credentials are botocore's own :class:`AssumeRoleCredentialFetcher`, renewed before they end
(asking for an MFA code again when the role needs one) and kept in the AWS CLI's cache with their
secrets masked.  AssumeRole goes to the connection's endpoint when it has one (MinIO and Ceph serve
STS beside S3; ``AWS_ENDPOINT_URL_STS`` still wins), else to AWS STS.
"""

from __future__ import annotations

import functools
import os
import time
from typing import Any

import botocore.session
from botocore.credentials import (
    AssumeRoleCredentialFetcher,
    CredentialProvider,
    CredentialResolver,
    DeferredRefreshableCredentials,
)

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.settings.mfa import MfaPrompt, SecretCache, asked_code, cli_cache_dir, nobody_to_ask
from s3browser.core.settings.profiles import Profile

METHOD = "s3browser-assume-role"


def role_name(arn: str) -> str:
    """The role's own name in its ARN (``arn:aws:iam::1:role/path/admin`` -> ``admin``)."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn


def assume_role_arguments(profile: Profile) -> dict[str, Any]:
    """AssumeRole's arguments besides the role, as the profile sets them."""
    extra: dict[str, Any] = {"RoleSessionName": profile.role_session_name or f"s3browser-{int(time.time())}"}
    if profile.external_id:
        extra["ExternalId"] = profile.external_id
    if profile.duration_seconds:
        extra["DurationSeconds"] = profile.duration_seconds
    if profile.mfa_serial:
        extra["SerialNumber"] = profile.mfa_serial
    return extra


def use_role(session: botocore.session.Session, profile: Profile, source: Any, prompt: MfaPrompt | None) -> None:
    """Make ``session`` sign with ``profile``'s role, assumed with the ``source`` credentials."""
    if source is None:
        raise S3BrowserError("The connection that assumes this role has no credentials.", kind="config")
    ask = prompt or nobody_to_ask

    def mfa_code(_prompt_text: str) -> str:
        return asked_code(ask, profile.mfa_serial)

    # The connection's endpoint serves STS too (MinIO, Ceph); an endpoint set for STS itself wins.
    endpoint = None if os.environ.get("AWS_ENDPOINT_URL_STS") else profile.endpoint_url or None
    client_creator = functools.partial(session.create_client, region_name=profile.region or "us-east-1",
                                       endpoint_url=endpoint, verify=profile.verify_tls)
    fetcher = AssumeRoleCredentialFetcher(client_creator, source, profile.role_arn.strip(),
                                          extra_args=assume_role_arguments(profile), mfa_prompter=mfa_code,
                                          cache=SecretCache(str(cli_cache_dir())))

    class _Provider(CredentialProvider):
        METHOD = CANONICAL_NAME = METHOD

        def load(self) -> DeferredRefreshableCredentials:
            return DeferredRefreshableCredentials(refresh_using=fetcher.fetch_credentials, method=METHOD)

    session.register_component("credential_provider", CredentialResolver([_Provider()]))

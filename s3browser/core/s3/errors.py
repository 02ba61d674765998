"""Every boto/botocore failure becomes one short, user-facing message here, and only here.

The UI never formats exceptions itself: it calls :func:`describe` and shows the text.
Messages never include credentials; :mod:`s3browser.core.base.redaction` scrubs anything
that looks like a secret as a last line of defence.
"""

from __future__ import annotations

import socket
import ssl

from botocore import exceptions as bce

from s3browser.core.base.errors import S3BrowserError, UserError
from s3browser.core.base.redaction import redact
from s3browser.core.s3.locations import BUCKET_CHARACTERS_RULE

_WRONG_KEYS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId", "AuthFailure"}
_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpired"}
_INVALID_TOKEN = {"InvalidToken"}
_DENIED = {"AccessDenied", "AllAccessDisabled", "AccountProblem", "403", "Forbidden"}
_THROTTLED = {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests", "503"}
_REGION = {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "301"}


_MISSING_KEY = {"404", "NoSuchKey", "NotFound"}
_MISSING_BUCKET = {"404", "NoSuchBucket", "NotFound"}
_MISSING_UPLOAD = {"404", "NoSuchUpload"}
_UNSUPPORTED = {"NotImplemented", "MethodNotAllowed", "501"}


def error_code(exc: BaseException) -> str:
    """The S3 error code of a ClientError ("" for anything else)."""
    if isinstance(exc, bce.ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def is_missing_key(exc: BaseException) -> bool:
    """The object is not there (a HEAD 404 has no body, so this may also be a missing bucket)."""
    return error_code(exc) in _MISSING_KEY


def is_missing_bucket(exc: BaseException) -> bool:
    return error_code(exc) in _MISSING_BUCKET


def is_missing_upload(exc: BaseException) -> bool:
    """The multipart upload is gone (completed or aborted elsewhere, or expired by a lifecycle rule)."""
    return error_code(exc) in _MISSING_UPLOAD


def is_unsupported(exc: BaseException) -> bool:
    """The server does not implement this request (S3-compatible stores support different subsets)."""
    return error_code(exc) in _UNSUPPORTED


def is_precondition_failed(exc: BaseException) -> bool:
    """An If-Match (or If-None-Match) condition did not hold: the object changed meanwhile."""
    return error_code(exc) in {"PreconditionFailed", "412"}


def is_region_error(exc: BaseException) -> bool:
    """The bucket lives in another region than the request went to."""
    return error_code(exc) in _REGION


def _where(bucket: str | None, key: str | None) -> str:
    if bucket and key:
        return f"s3://{bucket}/{key}"
    if bucket:
        return f"bucket “{bucket}”"
    return "the server"


def _describe_client_error(exc: bce.ClientError, bucket: str | None, key: str | None) -> UserError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    where = _where(bucket, key)
    if getattr(exc, "operation_name", "") in ("AssumeRole", "GetSessionToken") and "MultiFactorAuthentication" in str(
            error.get("Message", "")):
        return UserError("signin", "The MFA code was not accepted: sign in again with the code your device "
                                   "shows now.")
    if code in _WRONG_KEYS:
        return UserError("auth", "The access key or secret key was rejected by the server. "
                                 "Check the key pair in the connection profile.")
    if code in _EXPIRED:
        return UserError("expired", "The temporary credentials have expired. Sign in again (Connection → "
                                    "Sign in again), or renew the session token in the profile.")
    if code in _INVALID_TOKEN:
        return UserError("auth", "The session token was rejected. Clear or renew it in the connection profile.")
    if code in _DENIED or (status == 403 and not code):
        return UserError("denied", f"Access denied to {where}. Your credentials lack permission for this.")
    if code == "NoSuchBucket":
        return UserError("not_found", f"There is no bucket named “{bucket or error.get('BucketName', '')}”.")
    if code in {"NoSuchKey", "404", "NotFound"}:
        return UserError("not_found", f"Not found: {where}.")
    if code in _THROTTLED:
        return UserError("throttled", "The server is throttling requests (SlowDown) even after retries. "
                                      "Wait a moment and try again.")
    if code in _REGION:
        region = error.get("Region") or exc.response.get("ResponseMetadata", {}).get(
            "HTTPHeaders", {}).get("x-amz-bucket-region", "")
        hint = f" (it lives in {region})" if region else ""
        return UserError("region", f"{where.capitalize()} is in another region{hint}; "
                                   "set that region in the profile and reconnect.")
    if code == "InvalidBucketName":
        return UserError("invalid", f"“{bucket}” is not a valid bucket name.")
    if code == "BucketAlreadyOwnedByYou":
        return UserError("exists", f"You already have a bucket named “{bucket}”; nothing was changed.")
    if code == "BucketAlreadyExists":
        return UserError("exists", f"The bucket name “{bucket}” is taken by another account: bucket names are "
                                   "shared by everyone on this service. Choose another name.")
    if code == "BucketNotEmpty":
        return UserError("not_empty", f"Bucket “{bucket}” is not empty.")
    if code in _UNSUPPORTED:
        return UserError("unsupported", f"This server does not support that request on {where}.")
    text = error.get("Message") or code or f"HTTP {status}"
    return UserError("server", f"The server refused the request on {where}: {text}")


def _root_cause(exc: BaseException) -> BaseException:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        nxt = getattr(exc, "kwargs", {}).get("error") if isinstance(exc, bce.BotoCoreError) else None
        nxt = nxt or exc.__cause__ or exc.__context__
        if nxt is None:
            break
        exc = nxt
    return exc


def _looks_like_dns(exc: BaseException | None) -> bool:
    text = str(exc)
    while exc is not None:
        if isinstance(exc, socket.gaierror):
            return True
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "reason", None)
    return any(s in text for s in ("Name or service not known", "nodename nor servname",
                                   "getaddrinfo failed", "Temporary failure in name resolution",
                                   "No address associated with hostname"))


def describe(exc: BaseException, bucket: str | None = None, key: str | None = None) -> UserError:
    """Turn any exception raised by S3 work into one message a user can act on."""
    if isinstance(exc, S3BrowserError):
        return UserError(exc.kind, redact(exc.message), redact(exc.detail))
    if isinstance(exc, bce.ClientError):
        result = _describe_client_error(exc, bucket, key)
    elif isinstance(exc, bce.NoCredentialsError):
        result = UserError("auth", "No credentials were found for this connection. "
                                   "Enter an access key and secret key in the profile.")
    elif isinstance(exc, bce.PartialCredentialsError):
        result = UserError("auth", "The credentials are incomplete: both an access key id and a secret key are needed.")
    elif isinstance(exc, bce.RefreshWithMFAUnsupportedError):
        # botocore asks for a code once per credentials object: after they end, or after a wrong code.
        result = UserError("signin", "The temporary credentials of this connection have ended, or its MFA code was "
                                     "not accepted; sign in again with a new code from your MFA device.")
    elif isinstance(exc, (bce.SSOTokenLoadError, bce.UnauthorizedSSOTokenError, bce.TokenRetrievalError)):
        result = UserError("signin", "The IAM Identity Center (SSO) sign-in of this profile has ended or was "
                                     "never made; sign in again to go on.")
    elif isinstance(exc, bce.ProfileNotFound):
        result = UserError("config", f"The AWS profile was not found: {exc}")
    elif isinstance(exc, bce.SSLError):
        result = UserError("tls", "The TLS certificate of the endpoint could not be verified. If this is a "
                                  "self-signed server, turn off TLS verification in the profile (only for "
                                  "servers you trust).")
    elif isinstance(exc, (bce.ConnectTimeoutError, bce.ReadTimeoutError)):
        result = UserError("timeout", "The server did not answer in time. Check the endpoint URL and network.")
    elif isinstance(exc, bce.EndpointConnectionError):
        cause = _root_cause(exc)
        if isinstance(cause, ssl.SSLError):
            result = UserError("tls", "The TLS handshake with the endpoint failed.")
        elif _looks_like_dns(exc) or _looks_like_dns(cause):
            endpoint = exc.kwargs.get("endpoint_url", "")
            result = UserError("dns", f"The server name could not be resolved (DNS): {endpoint}")
        else:
            result = UserError("unreachable", "Could not connect to the endpoint "
                                              f"{exc.kwargs.get('endpoint_url', '')}: is the server running "
                                              "and the URL right?")
    elif isinstance(exc, bce.ConnectionClosedError):
        result = UserError("network", "The connection to the server was lost before it answered. Check the "
                                      "network and that the server is running, then retry.")
    elif isinstance(exc, bce.FlexibleChecksumError):
        result = UserError("verify", "The downloaded data does not match the object's checksum; nothing was "
                                     "saved.")
    elif isinstance(exc, bce.ParamValidationError):
        result = _describe_invalid_parameter(exc, bucket, key)
    elif isinstance(exc, bce.BotoCoreError):
        result = UserError("client", "The S3 client could not make this request; the details say why.")
    elif isinstance(exc, OSError):
        result = UserError("local", f"Local file error: {exc.strerror or exc}")
    elif type(exc).__name__ == "S3DownloadFailedError":  # s3transfer: a ranged GET's If-Match failed
        result = UserError("changed", "The object changed on the server since it was listed; refresh and "
                                      "download it again.")
    elif isinstance(exc, ValueError) and str(exc).startswith("Invalid endpoint"):
        result = UserError("config", "The endpoint URL is not valid: check the host name and port in the profile.")
    else:
        result = UserError("internal", "Something unexpected went wrong; nothing else was changed. The details "
                                       "and the log say more.")
    return UserError(result.kind, redact(result.message), redact(f"{type(exc).__name__}: {exc}"))


def _describe_invalid_parameter(exc: bce.ParamValidationError, bucket: str | None, key: str | None) -> UserError:
    """botocore refused the request before sending it; say which name is wrong, not its regex."""
    text = str(exc)
    if "Invalid bucket name" in text:
        name = f" “{bucket}”" if bucket else ""
        return UserError("invalid", f"The bucket name{name} is not valid: {BUCKET_CHARACTERS_RULE}.")
    if "Key" in text and key is not None:
        return UserError("invalid", f"The object name “{key}” cannot be used with S3.")
    return UserError("invalid", "The request was refused before it was sent: a name or value in it is not valid "
                                "for S3.")


_TRANSIENT_CODES = {"RequestTimeout", "SlowDown", "ServiceUnavailable", "InternalError", "Throttling",
                    "RequestTimeTooSkewed", "ExpiredToken", "TokenRefreshRequired"}


def is_resumable_failure(error: BaseException | None) -> bool:
    """Whether work that failed this way is worth resuming: the network or the server, not the data.

    Our own :class:`S3BrowserError` sentences (a file that changed, a name that cannot be held) and
    lasting refusals (access denied, a bad request) are not.
    """
    if error is None:
        return True
    if isinstance(error, S3BrowserError):
        return False
    if isinstance(error, (bce.ConnectionError, bce.HTTPClientError, ConnectionError, TimeoutError)):
        return True
    if isinstance(error, bce.ClientError):
        code = error_code(error)
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0
        return code in _TRANSIENT_CODES or status >= 500
    return False

"""The fast path for single requests: the AWS Common Runtime signs and sends them in C.

botocore spends about 1.3 ms of CPU under the GIL on every request (building, signing, sending,
parsing); for thousands of small files that is the whole cost.  awscrt's S3 client does the
same work on its own C threads, about 0.4 ms per small PUT with the GIL free (measured on
SeaweedFS, 5,000 x 4 KiB: 2.9 s instead of 10.4 s in one process).

Only the request line and headers are built here; everything that depends on the endpoint
(path or virtual-host style, the bucket's region, the scheme) comes from botocore itself, once
per bucket, through :meth:`generate_presigned_url`.  Callers keep botocore as the fallback: a
request that fails here is sent again through botocore, and if botocore succeeds where this
path was refused, the path is turned off for the connection (:meth:`CrtTransport.demote`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

from botocore.exceptions import ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from s3browser.core.s3.connection import Connection
from s3browser.core.transfers.thread_states import keep_thread_state

log = logging.getLogger(__name__)

DISABLE_ENV = "S3BROWSER_NO_CRT"  # set to 1 to send every request through botocore
MAX_CONNECTIONS = 32
REQUEST_TIMEOUT = 600.0  # seconds a caller waits for one request before giving up on it
WATCH_INTERVAL = 0.5  # how often requests past their deadline are looked for
UNREACHABLE_PAUSE = 30.0  # seconds botocore alone is used after neither path could reach the server

_TRANSIENT_CRT_WORDS = ("SLOW_DOWN", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT", "SOCKET_CLOSED",
                        "CONNECTION_CLOSED", "CONNECTION_RESET", "SOCKET_NOT_CONNECTED", "BROKEN_PIPE")

# The upload options this path knows how to put into headers; any other makes the caller use botocore.
_HEADER_ARGS = {"ContentType": "Content-Type", "StorageClass": "x-amz-storage-class", "IfNoneMatch": "If-None-Match",
                "IfMatch": "If-Match"}


# botocore's errors for "the server could not be reached at all" (refused, reset, dropped, timed out).
UNREACHABLE = (EndpointConnectionError, ConnectionClosedError, ConnectTimeoutError, ReadTimeoutError)


class CrtFailure(Exception):
    """A request on the fast path failed; ``status`` is the HTTP status (0: no answer)."""

    def __init__(self, text: str, status: int = 0, code: str = "", crt_name: str = "") -> None:
        super().__init__(text)
        self.status = status
        self.code = code
        self.crt_name = crt_name  # awscrt's error name, e.g. AWS_ERROR_S3_SLOW_DOWN

    @property
    def transient(self) -> bool:
        """A server that is busy, or a connection that broke, says nothing about this path: keep using it.

        (A TLS or name-resolution failure that botocore then gets past does: awscrt has its own trust
        store and resolver.)"""
        return (self.status >= 500 or self.status == 429 or self.code in ("SlowDown", "RequestTimeout")
                or any(word in self.crt_name for word in _TRANSIENT_CRT_WORDS))


def crt_available() -> bool:
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return False
    try:
        import awscrt.s3  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    path_prefix: str  # "/bucket/" (path style) or "/" (virtual host), ready for the quoted key
    region: str
    signing: Any = None  # awscrt's signing configuration: the same for every request, made once


def headers_for(extra_args: dict[str, Any]) -> dict[str, str] | None:
    """PutObject's extra arguments as HTTP headers, or None if one of them is not handled here."""
    headers: dict[str, str] = {}
    for name, value in extra_args.items():
        if name in _HEADER_ARGS:
            headers[_HEADER_ARGS[name]] = str(value)
        elif name == "Metadata":
            for meta_key, meta_value in value.items():
                if not (meta_key.isascii() and str(meta_value).isascii()):
                    return None  # botocore's own encoding rules apply: let it send this one
                headers[f"x-amz-meta-{meta_key}"] = str(meta_value)
        else:
            return None
    return headers


class CrtTransport:
    """awscrt's S3 client for one connection (one per transfer engine, shared by its threads)."""

    def __init__(self, connection: Connection) -> None:
        import awscrt.auth
        import awscrt.io

        self.connection = connection
        self._enabled = True
        self._paused_until = 0.0  # monotonic time: the server could not be reached, botocore until then
        self.requests = 0  # answered on this path (tests and the benchmark read it)
        self._lock = threading.Lock()
        self._targets: dict[str, _Target] = {}
        self._requests: dict[int, Any] = {}  # the S3Request objects, kept alive while in flight
        self._deadlines: dict[int, float] = {}  # request token -> monotonic time it is given up at
        self._watchdog: threading.Thread | None = None
        self._clients: dict[str, Any] = {}
        self._event_loops = awscrt.io.EventLoopGroup()
        self._bootstrap = awscrt.io.ClientBootstrap(self._event_loops, awscrt.io.DefaultHostResolver(
            self._event_loops))
        fixed = connection.fixed_credentials()
        # Keys that never change are handed to awscrt once; a delegate is called back into Python (a
        # thread hop and the GIL) for every request it signs, which renewed credentials need.
        self._credentials = awscrt.auth.AwsCredentialsProvider.new_static(
            fixed.access_key, fixed.secret_key, fixed.token or None) if fixed is not None else \
            awscrt.auth.AwsCredentialsProvider.new_delegate(self._current_credentials)

    @classmethod
    def for_connection(cls, connection: Connection) -> CrtTransport | None:
        """The fast path for ``connection``, or None (awscrt missing, turned off, or no credentials)."""
        if not crt_available() or not connection.has_credentials():
            return None
        try:
            return cls(connection)
        except Exception as exc:  # noqa: BLE001 - the botocore path always works
            log.warning("the fast transfer path could not start (%s); using botocore", exc)
            return None

    def _current_credentials(self) -> Any:
        import awscrt.auth

        keep_thread_state()  # awscrt asks for them on its own thread, for every request it signs
        creds = self.connection.frozen_credentials()
        if creds is None:
            raise RuntimeError("no credentials")
        return awscrt.auth.AwsCredentials(creds.access_key, creds.secret_key, creds.token or None)

    @property
    def enabled(self) -> bool:
        return self._enabled and time.monotonic() >= self._paused_until

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self._enabled = value

    def demote(self, reason: str) -> None:
        """Stop using this path for the connection: the server accepted botocore's request, not ours."""
        if self._enabled:
            self._enabled = False
            log.warning("the server refused the fast transfer path (%s); using botocore for this connection", reason)

    def pause(self, reason: str, seconds: float = UNREACHABLE_PAUSE) -> None:
        """The server could not be reached by either path: use botocore alone for a while.

        awscrt retries a refused or dropped connection on its own schedule, which ignores the
        connection's timeouts and retry settings: against a server that went away each small file
        took seconds to fail here before botocore failed it at once.  Paused, requests fail as
        fast as the connection is set up to; after the pause this path is tried again."""
        if time.monotonic() >= self._paused_until:
            log.info("the server is not reachable (%s); sending through botocore for %.0f s", reason, seconds)
        self._paused_until = time.monotonic() + seconds

    # ---------------------------------------------------------------- where a bucket's requests go
    def _target(self, bucket: str) -> _Target:
        import awscrt.s3

        with self._lock:
            target = self._targets.get(bucket)
        if target is None:
            client = self.connection.client_for(bucket)
            url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
            parts = urlsplit(url)
            if not parts.path.endswith("/k"):
                raise CrtFailure(f"unexpected URL shape {parts.scheme}://{parts.netloc}{parts.path}")
            region = client.meta.region_name or "us-east-1"
            signing = awscrt.s3.create_default_s3_signing_config(region=region, credential_provider=self._credentials)
            target = _Target(parts.scheme, parts.netloc, parts.path[:-1], region, signing)
            with self._lock:
                self._targets[bucket] = target
        return target

    def _client(self, scheme: str) -> Any:
        import awscrt.io
        import awscrt.s3

        with self._lock:
            client = self._clients.get(scheme)
            if client is None:
                tls_options = None
                if scheme == "https" and not self.connection.profile.verify_tls:
                    context = awscrt.io.TlsContextOptions()
                    context.verify_peer = False
                    tls_options = awscrt.io.ClientTlsContext(context).new_connection_options()
                mode = awscrt.s3.S3RequestTlsMode.ENABLED if scheme == "https" else \
                    awscrt.s3.S3RequestTlsMode.DISABLED
                client = awscrt.s3.S3Client(bootstrap=self._bootstrap, region=self.connection.region,
                                            tls_mode=mode, tls_connection_options=tls_options,
                                            credential_provider=self._credentials,
                                            max_active_connections_override=MAX_CONNECTIONS)
                self._clients[scheme] = client
            return client

    # ---------------------------------------------------------------- requests
    def put_object(self, bucket: str, key: str, body: bytes, headers: dict[str, str],
                   on_done: Callable[[CrtFailure | None, dict[str, str]], None]) -> Any:
        """Start one PutObject with a Content-MD5 (the server checks the bytes); ``on_done(None or
        CrtFailure, the answer's headers)`` runs on a CRT thread.  The returned request has ``cancel()``."""
        digest = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
        headers = dict(headers, **{"Content-Length": str(len(body)), "Content-MD5": digest})
        config = self.connection.client.meta.config
        # A small PUT that has not answered in the connection's own connect + read time is given up
        # (awscrt would keep retrying a dead server on a schedule of its own); botocore then decides.
        limit = float(config.connect_timeout or 0) + float(config.read_timeout or 0)
        return self.start("PUT", bucket, key, "", headers, body, "PutObject", on_done, limit or None)

    def upload_part(self, bucket: str, key: str, upload_id: str, number: int, body: bytes) -> str:
        """One UploadPart, waited for; its ETag."""
        query = f"partNumber={number}&uploadId={quote(upload_id, safe='')}"
        answer = self.send("PUT", bucket, key, query, {"Content-Length": str(len(body))}, body, "UploadPart")
        etag = answer.get("etag", "")
        if not etag:
            raise CrtFailure("the server answered UploadPart without an ETag", status=200)
        return etag

    def send(self, method: str, bucket: str, key: str, query: str, headers: dict[str, str], body: bytes | None,
             operation: str) -> dict[str, str]:
        """Send one request and wait for it; the answer's headers (lower-case names), or CrtFailure."""
        finished = threading.Event()
        answer: list[Any] = [None, {}]

        def done(failure: CrtFailure | None, headers_out: dict[str, str]) -> None:
            answer[:] = [failure, headers_out]
            finished.set()

        self.start(method, bucket, key, query, headers, body, operation, done)
        if not finished.wait(REQUEST_TIMEOUT):
            raise CrtFailure(f"{operation} did not finish in {REQUEST_TIMEOUT:.0f} s")
        if answer[0] is not None:
            raise answer[0]
        result: dict[str, str] = answer[1]
        return result

    def start(self, method: str, bucket: str, key: str, query: str, headers: dict[str, str], body: bytes | None,
              operation: str, on_done: Callable[[CrtFailure | None, dict[str, str]], None],
              timeout: float | None = None) -> Any:
        """Start one request; ``on_done(failure or None, answer headers)`` runs once, on a CRT thread.
        With ``timeout`` it is cancelled (and fails) if it has not ended that many seconds later."""
        import awscrt.http
        import awscrt.s3

        target = self._target(bucket)
        path = target.path_prefix + quote(key, safe="/~") + (f"?{query}" if query else "")
        request = awscrt.http.HttpRequest(method, path, awscrt.http.HttpHeaders(
            [("Host", target.host), *headers.items()]), io.BytesIO(body) if body is not None else None)
        answer: dict[str, str] = {}
        token = id(answer)
        ended: list[bool] = []

        def on_headers(status_code: int, headers: list[tuple[str, str]], **kwargs: Any) -> None:
            keep_thread_state()  # this runs on awscrt's event loop thread (see thread_states)
            answer.update((name.lower(), value) for name, value in headers)

        def on_request_done(error: BaseException | None = None, status_code: int | None = None,
                            error_body: bytes | None = None, **kwargs: Any) -> None:
            keep_thread_state()
            with self._lock:
                ended.append(True)
                self._requests.pop(token, None)
                self._deadlines.pop(token, None)
            if error is not None:
                on_done(_failure(operation, error, status_code or 0, error_body or b""), answer)
                return
            with self._lock:
                self.requests += 1
            on_done(None, answer)

        started = self._client(target.scheme).make_request(
            type=awscrt.s3.S3RequestType.DEFAULT, operation_name=operation, request=request,
            signing_config=target.signing, on_headers=on_headers, on_done=on_request_done)
        with self._lock:
            if not ended:
                self._requests[token] = started
                if timeout is not None:
                    self._deadlines[token] = time.monotonic() + timeout
                    self._start_watchdog()
        return started

    def _start_watchdog(self) -> None:
        """One thread per transport cancels requests past their deadline (not a timer per request)."""
        if self._watchdog is None:
            self._watchdog = threading.Thread(target=self._watch, name="s3b-crt-deadlines", daemon=True)
            self._watchdog.start()

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            now = time.monotonic()
            with self._lock:
                if not self._deadlines and not self._requests:
                    # Nothing left to watch: end (the next request with a deadline starts another), so
                    # a transport no longer used leaves no thread behind holding it.
                    self._watchdog = None
                    return
                late = [token for token, deadline in self._deadlines.items() if deadline <= now]
                requests = [self._requests.get(token) for token in late]
                for token in late:
                    del self._deadlines[token]
            for request in requests:
                if request is not None:
                    log.info("a fast-path request did not answer in time; cancelling it")
                    request.cancel()  # it ends with an error, and the caller falls back to botocore


def _failure(operation: str, error: BaseException, status: int, body: bytes) -> CrtFailure:
    status = getattr(error, "status_code", 0) or status
    code = ""
    if body:
        try:
            code = ElementTree.fromstring(body).findtext("Code") or ""
        except ElementTree.ParseError:
            pass
    name = str(getattr(error, "name", type(error).__name__))
    return CrtFailure(f"{operation}: {code or name} (HTTP {status})" if status else f"{operation}: {name}",
                      status=status, code=code, crt_name=name)

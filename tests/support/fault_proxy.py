"""A real HTTP proxy in front of moto that answers some requests the way AWS does in bad times.

moto never expires tokens, never throttles and never redirects to another region; AWS does all
three.  This proxy forwards everything else untouched, so botocore's real retry, redirect and
error-parsing code runs over real sockets.
"""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Rule = Callable[["Request"], "tuple[int, dict[str, str], bytes] | None"]
# Changes a forwarded answer: (request, status, headers, payload) -> (status, headers, payload).
Rewriter = Callable[["Request", int, "dict[str, str]", bytes], "tuple[int, dict[str, str], bytes]"]


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]

    @property
    def bucket(self) -> str:
        return self.path.lstrip("/").split("/", 1)[0].split("?", 1)[0]

    @property
    def signing_region(self) -> str:
        match = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/s3/", self.headers.get("Authorization", ""))
        return match.group(1) if match else ""


def s3_error(status: int, code: str, message: str, extra_headers: dict[str, str] | None = None,
             extra_xml: str = "") -> tuple[int, dict[str, str], bytes]:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message>'
            f"{extra_xml}<RequestId>FAULTPROXY</RequestId></Error>").encode()
    headers = {"Content-Type": "application/xml", **(extra_headers or {})}
    return status, headers, body


DROP = (0, {}, b"")  # a rule's answer: close the connection without answering (a dropped connection)


def expired_token(request: Request):
    return s3_error(400, "ExpiredToken", "The provided token has expired.")


def slow_down(request: Request):
    return s3_error(503, "SlowDown", "Please reduce your request rate.")


def bucket_lives_in(bucket: str, region: str) -> Rule:
    """Answer like AWS does when a request for ``bucket`` is signed for the wrong region."""
    def rule(request: Request):
        if request.bucket != bucket or request.signing_region == region:
            return None
        if request.method == "HEAD":
            return 301, {"x-amz-bucket-region": region}, b""
        return s3_error(301, "PermanentRedirect", "The bucket you are attempting to access must be addressed "
                        "using the specified endpoint.", {"x-amz-bucket-region": region},
                        f"<Bucket>{bucket}</Bucket><Endpoint>s3.{region}.amazonaws.com</Endpoint>")
    return rule


@dataclass
class FaultProxy:
    upstream: str
    rules: list[Rule] = field(default_factory=list)  # may also change ``request.headers`` before forwarding
    rewriters: list[Rewriter] = field(default_factory=list)
    hits: int = 0
    down: bool = False  # the server is gone: new connections refused, open ones dropped without an answer

    def start(self) -> str:
        proxy = self
        target = urlsplit(self.upstream)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, {k: v for k, v in self.headers.items()})
                if proxy.down:
                    self.close_connection = True
                    return
                for rule in proxy.rules:
                    answer = rule(request)
                    if answer is not None:
                        proxy.hits += 1
                        status, headers, payload = answer
                        if status == 0:  # DROP
                            self.close_connection = True
                            return
                        self.send_response(status)
                        for key, value in headers.items():
                            self.send_header(key, value)
                        self.send_header("Content-Length", str(len(payload)))
                        self.end_headers()
                        if self.command != "HEAD":
                            self.wfile.write(payload)
                        return
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                headers = {k: v for k, v in request.headers.items() if k.lower() != "connection"}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                payload = response.read()
                status = response.status
                answer_headers = {k: v for k, v in response.getheaders()
                                  if k.lower() not in {"connection", "transfer-encoding", "content-length", "server",
                                                       "date"}}
                for rewrite in proxy.rewriters:
                    status, answer_headers, payload = rewrite(request, status, answer_headers, payload)
                self.send_response(status)
                for key, value in answer_headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
                upstream.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def go_down(self) -> None:
        """As if the server stopped: what is open is dropped, and nothing new is accepted."""
        self.down = True
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

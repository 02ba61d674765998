"""A loopback stand-in for STS (AssumeRole, GetSessionToken) that checks MFA codes, so the MFA prompt,
a wrong code and credentials that end are tested without the internet.

botocore is pointed at it with ``AWS_ENDPOINT_URL_STS``.  A request with a ``SerialNumber`` must carry
``TokenCode`` == ``good_code``; otherwise it is refused as AWS refuses it.  Every call is recorded
(``calls``: action, serial, code, external id, role ARN), and credentials live ``credential_seconds``.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.support.sso_standin import reply

NS = "https://sts.amazonaws.com/doc/2011-06-15/"


class StsStandIn:
    def __init__(self) -> None:
        self.good_code = "123456"
        self.credential_seconds = 3600
        self.calls: list[dict[str, str]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                reply(self, *stand_in.answer(form))

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, form: dict[str, str]) -> tuple[int, str]:
        action = form.get("Action", "")
        self.calls.append({"action": action, "serial": form.get("SerialNumber", ""),
                           "code": form.get("TokenCode", ""), "external_id": form.get("ExternalId", ""),
                           "role": form.get("RoleArn", ""), "session_name": form.get("RoleSessionName", "")})
        if form.get("SerialNumber") and form.get("TokenCode") != self.good_code:
            return 403, (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code>'
                         "<Message>MultiFactorAuthentication failed with invalid MFA one time pass code.</Message>"
                         "</Error><RequestId>1</RequestId></ErrorResponse>")
        number = len(self.calls)
        ends = datetime.fromtimestamp(time.time() + self.credential_seconds, tz=timezone.utc)
        credentials = (f"<Credentials><AccessKeyId>ASIASTS{number:05d}</AccessKeyId>"
                       f"<SecretAccessKey>sts-secret-{number}</SecretAccessKey>"
                       f"<SessionToken>sts-session-token-{number}</SessionToken>"
                       f"<Expiration>{ends.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration></Credentials>")
        if action == "AssumeRole":
            user = (f"<AssumedRoleUser><AssumedRoleId>AROA:{form.get('RoleSessionName', '')}</AssumedRoleId>"
                    f"<Arn>{form.get('RoleArn', '')}/{form.get('RoleSessionName', '')}</Arn></AssumedRoleUser>")
            return 200, (f'<AssumeRoleResponse xmlns="{NS}"><AssumeRoleResult>{credentials}{user}'
                         "</AssumeRoleResult></AssumeRoleResponse>")
        if action == "GetSessionToken":
            return 200, (f'<GetSessionTokenResponse xmlns="{NS}"><GetSessionTokenResult>{credentials}'
                         "</GetSessionTokenResult></GetSessionTokenResponse>")
        return 400, (f'<ErrorResponse xmlns="{NS}"><Error><Code>InvalidAction</Code><Message>{action}</Message>'
                     "</Error></ErrorResponse>")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

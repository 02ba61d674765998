"""A loopback stand-in for IAM Identity Center's OIDC service (RegisterClient, StartDeviceAuthorization,
CreateToken), so the device flow is tested end to end without the internet.

botocore is pointed at it with ``AWS_ENDPOINT_URL_SSO_OIDC``.  ``answers`` scripts CreateToken:
"pending", "slow_down", "expired", "denied" or "ok" (the default once the script runs out).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ERRORS = {"pending": "AuthorizationPendingException", "slow_down": "SlowDownException",
          "expired": "ExpiredTokenException", "denied": "AccessDeniedException",
          "invalid_grant": "InvalidGrantException"}


class SsoStandIn:
    def __init__(self) -> None:
        self.answers: list[str] = []
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.registrations = 0
        self.refreshes = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                stand_in.requests.append((self.path, body))
                status, payload, error = stand_in.answer(self.path, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
        if path == "/client/register":
            self.registrations += 1
            return 200, {"clientId": f"client-{self.registrations}", "clientSecret": "client-secret-value",
                         "clientIdIssuedAt": 1_700_000_000, "clientSecretExpiresAt": 4_000_000_000}, ""
        if path == "/device_authorization":
            return 200, {"deviceCode": "device-code-value", "userCode": "ABCD-EFGH",
                         "verificationUri": "https://device.sso.example/", "expiresIn": 600, "interval": 1,
                         "verificationUriComplete": "https://device.sso.example/?user_code=ABCD-EFGH"}, ""
        if path == "/token":
            step = self.answers.pop(0) if self.answers else "ok"
            if step == "ok" and body.get("grantType") == "refresh_token":
                self.refreshes += 1
                return 200, {"accessToken": f"refreshed-token-{self.refreshes}", "tokenType": "Bearer",
                             "expiresIn": 3600}, ""
            if step == "ok":
                return 200, {"accessToken": "access-token-value", "tokenType": "Bearer", "expiresIn": 28800,
                             "refreshToken": "refresh-token-value"}, ""
            return 400, {"error": step}, ERRORS[step]
        return 404, {"message": "no such path"}, "ResourceNotFoundException"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

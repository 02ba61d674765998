"""A loopback stand-in for IAM Identity Center: its OIDC service (RegisterClient, StartDeviceAuthorization,
CreateToken) and its portal (ListAccounts, ListAccountRoles, GetRoleCredentials), so signing in and
picking an account and role are tested end to end without the internet.

botocore is pointed at it with ``AWS_ENDPOINT_URL_SSO_OIDC`` and ``AWS_ENDPOINT_URL_SSO``.  ``answers``
scripts CreateToken: "pending", "slow_down", "expired", "denied" or "ok" (the default once the script
runs out).  The portal knows ``accounts`` (id -> (name, roles)), answers only the tokens it issued and
has not revoked, and hands out role credentials that live ``credential_seconds``.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ERRORS = {"pending": "AuthorizationPendingException", "slow_down": "SlowDownException",
          "expired": "ExpiredTokenException", "denied": "AccessDeniedException",
          "invalid_grant": "InvalidGrantException"}


def reply(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any] | str, error: str = "") -> None:
    """Send one answer: JSON (with AWS's error-type header) or, for a string, XML as STS answers."""
    data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "text/xml" if isinstance(payload, str) else "application/json")
    if error:
        handler.send_header("x-amzn-ErrorType", error)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class SsoStandIn:
    def __init__(self) -> None:
        self.answers: list[str] = []
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.registrations = 0
        self.refreshes = 0
        self.accounts: dict[str, tuple[str, list[str]]] = {
            "111122223333": ("Production", ["ReadOnly", "Admin"]),
            "444455556666": ("Sandbox", ["Developer"])}
        self.page_size = 1  # the portal pages its lists: the client must follow nextToken
        self.issued: set[str] = set()  # access tokens the portal accepts
        self.credential_seconds = 3600
        self.role_credentials: list[tuple[str, str]] = []  # (account, role) of each GetRoleCredentials
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                stand_in.requests.append((self.path, body))
                reply(self, *stand_in.answer(self.path, body))

            def do_GET(self) -> None:  # noqa: N802 - the portal's calls
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                token = self.headers.get("x-amz-sso_bearer_token", "")
                stand_in.requests.append((parts.path, query))
                reply(self, *stand_in.portal(parts.path, query, token))

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
                self.issued.add(f"refreshed-token-{self.refreshes}")
                return 200, {"accessToken": f"refreshed-token-{self.refreshes}", "tokenType": "Bearer",
                             "expiresIn": 3600}, ""
            if step == "ok":
                self.issued.add("access-token-value")
                return 200, {"accessToken": "access-token-value", "tokenType": "Bearer", "expiresIn": 28800,
                             "refreshToken": "refresh-token-value"}, ""
            return 400, {"error": step}, ERRORS[step]
        return 404, {"message": "no such path"}, "ResourceNotFoundException"

    def portal(self, path: str, query: dict[str, str], token: str) -> tuple[int, dict[str, Any], str]:
        if token not in self.issued:
            return 401, {"message": "Session token not found or invalid"}, "UnauthorizedException"
        if path == "/assignment/accounts":
            items = [{"accountId": a, "accountName": name, "emailAddress": f"{name.lower()}@example.com"}
                     for a, (name, _roles) in sorted(self.accounts.items())]
            return self._page(items, "accountList", query)
        if path == "/assignment/roles":
            roles = self.accounts.get(query.get("account_id", ""), ("", []))[1]
            return self._page([{"roleName": r, "accountId": query["account_id"]} for r in roles], "roleList", query)
        if path == "/federation/credentials":
            account, role = query.get("account_id", ""), query.get("role_name", "")
            if role not in self.accounts.get(account, ("", []))[1]:
                return 403, {"message": "No access"}, "ForbiddenException"
            self.role_credentials.append((account, role))
            number = len(self.role_credentials)
            return 200, {"roleCredentials": {
                "accessKeyId": f"ASIAROLE{number:04d}", "secretAccessKey": f"role-secret-{number}",
                "sessionToken": f"role-session-token-{number}",
                "expiration": int((time.time() + self.credential_seconds) * 1000)}}, ""
        return 404, {"message": "no such path"}, "ResourceNotFoundException"

    def _page(self, items: list[dict[str, Any]], name: str, query: dict[str, str]) -> tuple[int, dict[str, Any], str]:
        start = int(query.get("next_token") or 0)
        payload: dict[str, Any] = {name: items[start:start + self.page_size]}
        if start + self.page_size < len(items):
            payload["nextToken"] = str(start + self.page_size)
        return 200, payload, ""

    def revoke(self) -> None:
        """The portal forgets every token, as when a session is ended by an administrator."""
        self.issued.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

"""Scrub secrets out of any text before it reaches a log, a message or stderr.

Secrets are registered when a connection is made from them; every log record and every
user-facing error message passes through :func:`redact`.
"""

from __future__ import annotations

import logging
import re
import threading

_lock = threading.Lock()
_secrets: set[str] = set()

# Shapes of credentials that must never be logged even if nobody registered them.
_PATTERNS = [
    re.compile(r"(?i)(aws_secret_access_key|secret_access_key|secretaccesskey|aws_session_token|"
               r"session_token|x-amz-security-token|password)(['\"]?\s*[:=]\s*['\"]?)([^\s'\",}]+)"),
    re.compile(r"(Signature=)[0-9a-f]{16,}"),
]


def register_secret(value: str | None) -> None:
    """Remember a secret so that it is masked wherever it might appear later."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with every known secret and credential-looking value masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "••••")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + (m.group(2) if m.lastindex and m.lastindex >= 3 else "") + "••••",
                           text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's final text through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = redact(message)
        record.args = None
        return True

"""The one error type of the app, and the translated form the window and the command line show.

An :class:`S3BrowserError` carries a ``kind`` code (what code decides on), one sentence fit to show
as it is, and the technical detail behind it; :func:`s3browser.core.s3.errors.describe` turns any
other exception into a :class:`UserError` of the same three parts.
"""

from __future__ import annotations

from dataclasses import dataclass


class S3BrowserError(Exception):
    """The one error type: a ``kind`` code decisions are made on, one ``message`` fit to show as-is,
    and the technical ``detail`` behind it (for *Details* and bug reports; "" when the sentence says all).

    An error that happened in a transfer worker process reaches the window as one of these, with
    the worker's kind, sentence and detail."""

    def __init__(self, message: str, kind: str = "error", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class UserError:
    """A translated error: a category for tests and logic, and the message for people."""

    kind: str
    message: str
    detail: str = ""  # the technical text behind the message, for "Details" and bug reports

    def __str__(self) -> str:
        return self.message

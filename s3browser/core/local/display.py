"""Names shown on one line: a key or file name may hold anything, a terminal line may not.

Keys can contain newlines, escape sequences and bidirectional overrides; local names on Linux can
be bytes that are not UTF-8 (Python hands them over as lone surrogates, which cannot even be
printed).  :func:`one_line` escapes all of those, so one item is always one line of text.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, line and paragraph separators, bidi embeddings/overrides/isolates,
# and lone surrogates (undecodable bytes of a local name).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` with every character that could break or forge a line escaped (``\\n`` -> ``\\x0a``)."""
    return _UNSAFE.sub(_escape, text)

"""The ``mtime`` user metadata, read and written exactly as rclone does.

rclone (and Cyberduck, and swift clients) keep a file's modification time in the object's
``mtime`` metadata as seconds since the epoch in fixed-point decimal, made from the integer
nanoseconds with trailing zeros dropped (``1354040105.123456789``, ``1700000000.25``,
``1700000000``).  Going through a float would change the last digits, and then ``rclone check``
would see every file as modified.  Metadata written by other tools can be anything: a value that
is not such a number, or is out of any plausible range, is ignored (with a log line) and the
caller falls back to LastModified.

Sync writes it on every upload; the download route sets a downloaded file's time from it.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

MTIME_METADATA = "mtime"
_NS = 1_000_000_000
_LIMIT_NS = 253_402_300_800 * _NS  # 10000-01-01: beyond it, no file system or clock means it
_DECIMAL = re.compile(r"(-?)(\d{1,12})(?:\.(\d+))?")


def format_mtime(mtime_ns: int) -> str:
    """``1700000000250000000`` -> ``"1700000000.25"``: the integer nanoseconds as a decimal string."""
    sign = "-" if mtime_ns < 0 else ""
    seconds, fraction = divmod(abs(mtime_ns), _NS)
    digits = f"{fraction:09d}".rstrip("0")
    return f"{sign}{seconds}.{digits}" if digits else f"{sign}{seconds}"


def parse_mtime(text: str | None, where: str = "") -> int | None:
    """The nanoseconds an ``mtime`` value says, or None when it is missing or junk (nan, inf, 1e30,
    letters, a date past the year 9999): junk is logged, never raised."""
    if text is None:
        return None
    match = _DECIMAL.fullmatch(text.strip())
    if match is None:
        log.info("ignored the mtime metadata %r%s: not a decimal number of seconds; LastModified is used",
                 text[:40], f" of {where}" if where else "")
        return None
    sign, seconds, fraction = match.groups()
    ns = int(seconds) * _NS + int((fraction or "")[:9].ljust(9, "0"))
    if ns >= _LIMIT_NS:
        log.info("ignored the mtime metadata %r%s: out of range; LastModified is used", text[:40],
                 f" of {where}" if where else "")
        return None
    return -ns if sign else ns


def metadata_value(metadata: dict, name: str) -> str | None:
    """A user-metadata value whatever case the server returns its name in (rclone: ``Mtime``)."""
    for key, value in metadata.items():
        if key.lower() == name:
            return str(value)
    return None


def object_mtime_ns(metadata: dict, last_modified: float, where: str = "") -> int:
    """The time a downloaded file gets: the ``mtime`` metadata when it is a sane number, else LastModified."""
    stamp = parse_mtime(metadata_value(metadata, MTIME_METADATA), where=where)
    return stamp if stamp is not None else int(last_modified * 1e9)

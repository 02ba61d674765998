"""Does a local file hold the bytes an ETag describes?  Plain MD5 and multipart ETags both.

A multipart ETag is the MD5 of the parts' binary MD5s, then ``-N``.  The part size that made it
is not stored, so the likely ones are tried: this app's own, then the common 5/8/16/64 MiB, each
only if it gives exactly N parts.  No match is not proof of a difference (the object may have been
made with another part size), so it is None, as for objects encrypted with SSE-KMS or SSE-C, whose
ETags are no MD5 at all (and any ETag that is not 32 hex digits): unknown.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

from s3browser.core.transfers.options import DEFAULT_PART_SIZE

MiB = 1024 * 1024
CANDIDATE_PART_SIZES = tuple(dict.fromkeys((DEFAULT_PART_SIZE, 5 * MiB, 8 * MiB, 16 * MiB, 64 * MiB)))
_ETAG = re.compile(r'^"?([0-9a-fA-F]{32})(?:-(\d+))?"?$')
_CHUNK = 1024 * 1024


def same_etag(a: str, b: str) -> bool:
    """ETags compared as servers mean them: rclone lists them without the quotes its PUT returns."""
    return a.strip().strip('"') == b.strip().strip('"')


def parse_etag(etag: str) -> tuple[str, int] | None:
    """(hex digest, part count or 0 for a plain MD5), or None for an ETag that is no MD5."""
    match = _ETAG.match(etag.strip())
    if not match:
        return None
    return match.group(1).lower(), int(match.group(2) or 0)


def part_sizes_for(size: int, parts: int) -> list[int]:
    """The candidate part sizes that split ``size`` bytes into exactly ``parts`` parts."""
    return [p for p in CANDIDATE_PART_SIZES if max(1, math.ceil(size / p)) == parts]


def file_matches_etag(path: Path, etag: str) -> bool | None:
    """True or False when the ETag can be checked against the file's bytes; None when it can't."""
    parsed = parse_etag(etag)
    if parsed is None:
        return None
    digest, parts = parsed
    if parts == 0:
        md5 = hashlib.md5(usedforsecurity=False)
        with open(path, "rb") as file:
            while chunk := file.read(_CHUNK):
                md5.update(chunk)
        return md5.hexdigest() == digest
    size = path.stat().st_size
    if any(_multipart_digest(path, part_size) == digest for part_size in part_sizes_for(size, parts)):
        return True
    return None  # made with a part size not tried: equal or not, the ETag cannot tell


def multipart_etag(path: Path, part_size: int) -> str:
    """The ETag a multipart upload of ``path`` in ``part_size`` parts gets (for tests and checks)."""
    parts = max(1, math.ceil(path.stat().st_size / part_size))
    return f"{_multipart_digest(path, part_size)}-{parts}"


def _multipart_digest(path: Path, part_size: int) -> str:
    outer = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        while True:
            inner = hashlib.md5(usedforsecurity=False)
            remaining = part_size
            read_any = False
            while remaining:
                chunk = file.read(min(_CHUNK, remaining))
                if not chunk:
                    break
                read_any = True
                inner.update(chunk)
                remaining -= len(chunk)
            if not read_any:
                break
            outer.update(inner.digest())
            if remaining:
                break
    return outer.hexdigest()

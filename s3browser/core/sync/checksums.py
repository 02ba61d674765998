"""Does a local file hold the bytes an object's full-object checksum describes?

When the ETag cannot tell (a multipart ETag made with a part size not tried, or an SSE-KMS / SSE-C
object's ETag, which is no MD5), a server that stores additional checksums (AWS since 2022, moto)
gives them on a HEAD with ``ChecksumMode=ENABLED``.  A full-object checksum (CRC32, CRC32C,
CRC64NVME, SHA-1, SHA-256; base64 of the big-endian digest) is compared with the file's.  A
composite checksum of a multipart upload (``…-N``) is the checksum of the parts' checksums, which
needs the part size again: unknown, as is a server that gives none.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

_CHUNK = 1024 * 1024


def _crc(update: Callable[[bytes, int], int], width: int) -> Callable[[Path], bytes]:
    def digest(path: Path) -> bytes:
        value = 0
        with open(path, "rb") as file:
            while chunk := file.read(_CHUNK):
                value = update(chunk, value)
        return value.to_bytes(width, "big")
    return digest


def _hashlib(name: str) -> Callable[[Path], bytes]:
    def digest(path: Path) -> bytes:
        hasher = hashlib.new(name)
        with open(path, "rb") as file:
            while chunk := file.read(_CHUNK):
                hasher.update(chunk)
        return hasher.digest()
    return digest


def _algorithms() -> dict[str, Callable[[Path], bytes]]:
    found = {"ChecksumCRC32": _crc(zlib.crc32, 4), "ChecksumSHA1": _hashlib("sha1"),
             "ChecksumSHA256": _hashlib("sha256")}
    try:
        from awscrt import checksums
    except ImportError:  # pragma: no cover - awscrt is a dependency; without it these stay unknown
        return found
    found["ChecksumCRC32C"] = _crc(checksums.crc32c, 4)
    found["ChecksumCRC64NVME"] = _crc(checksums.crc64nvme, 8)
    return found


ALGORITHMS = _algorithms()


def file_matches_checksum(path: Path, head: dict[str, Any]) -> bool | None:
    """True or False when ``head`` (a HEAD answer) has a full-object checksum to compare; None when not."""
    if str(head.get("ChecksumType", "FULL_OBJECT")).upper() != "FULL_OBJECT":
        return None
    for field, digest in ALGORITHMS.items():
        value = head.get(field)
        if not isinstance(value, str) or "-" in value:
            continue
        try:
            expected = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        return digest(path) == expected
    return None

"""Verifying a downloaded file with what the object itself says it is.

A 32-hex ETag is the MD5 of the bytes only for objects stored without SSE-KMS or SSE-C; for those
(and for multipart ETags, ``…-N``) it is something else, and checking it as an MD5 would fail good
downloads.  So the engine notes each object's encryption and checksum headers from its GetObject
answers (:class:`ObjectFacts`), and the check uses, in order: a full-object checksum header
(CRC32, SHA-1, SHA-256), the ETag when it is an MD5, and always the size; and the ETag answered
must be the one listed (the object did not change).
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from s3browser.core.base.errors import S3BrowserError

_PLAIN_MD5_ETAG = re.compile(r'^"?([0-9a-f]{32})"?$')
_ETAG_NOT_MD5 = {"aws:kms", "aws:kms:dsse"}
_CHUNK = 4 * 1024 * 1024


@dataclass
class ObjectFacts:
    """What a GetObject answer said about the whole object (headers common to every range)."""

    encryption: str = ""  # ServerSideEncryption
    customer_key: bool = False  # SSE-C
    checksums: dict[str, str] | None = None  # algorithm -> base64 value, full-object only
    etag: str = ""  # the ETag the server answered with
    version_id: str = ""
    metadata: dict[str, str] | None = None  # the object's user metadata
    last_modified: float = 0.0  # epoch seconds (0: not given)

    @classmethod
    def from_response(cls, parsed: dict, status: int) -> ObjectFacts:
        checksums = {}
        whole = status == 200 and not parsed.get("ContentRange") and parsed.get("ChecksumType", "FULL_OBJECT") \
            == "FULL_OBJECT"
        if whole:
            for algorithm in ("CRC32", "SHA1", "SHA256"):
                value = parsed.get(f"Checksum{algorithm}")
                if value and "-" not in value:
                    checksums[algorithm] = value
        modified = parsed.get("LastModified")
        return cls(parsed.get("ServerSideEncryption", "") or "", bool(parsed.get("SSECustomerAlgorithm")),
                   checksums or None, parsed.get("ETag", "") or "", parsed.get("VersionId", "") or "",
                   dict(parsed.get("Metadata") or {}), modified.timestamp() if modified is not None else 0.0)

    @property
    def etag_is_md5(self) -> bool:
        return self.encryption not in _ETAG_NOT_MD5 and not self.customer_key


def verify_download(file: BinaryIO, size: int, etag: str, facts: ObjectFacts | None,
                    md5_hex: str | None = None) -> None:
    """Raise if ``file`` (the finished temporary file) is not the object.

    ``md5_hex`` is the file's MD5 when it was hashed while it was written (the file is then not
    read again for it)."""
    file.seek(0, 2)
    actual = file.tell()
    if actual != size:
        raise S3BrowserError(f"The download is incomplete ({actual:,} of {size:,} bytes).", kind="verify")
    facts = facts or ObjectFacts()
    if etag and facts.etag and facts.etag.strip('"') != etag.strip('"'):
        # s3transfer >= 0.10.3 sends If-Match on every range; older ones do not, so check here too.
        raise S3BrowserError("The object changed on the server since it was listed; refresh and download it "
                             "again.", kind="changed")
    if facts.checksums:
        algorithm, expected = next(iter(facts.checksums.items()))
        if _checksum(file, algorithm) != expected:
            raise S3BrowserError(f"The downloaded data does not match the object's checksum ({algorithm}).",
                                 kind="verify")
        return
    match = _PLAIN_MD5_ETAG.match(etag or "")
    if match and facts.etag_is_md5:
        if md5_hex is None:
            digest = hashlib.md5(usedforsecurity=False)
            for chunk in _chunks(file):
                digest.update(chunk)
            md5_hex = digest.hexdigest()
        if md5_hex != match.group(1):
            raise S3BrowserError("The downloaded data does not match the object's checksum (MD5).", kind="verify")


def _chunks(file: BinaryIO):  # noqa: ANN202 - a plain generator
    file.seek(0)
    return iter(lambda: file.read(_CHUNK), b"")


def _checksum(file: BinaryIO, algorithm: str) -> str:
    if algorithm == "CRC32":
        crc = 0
        for chunk in _chunks(file):
            crc = zlib.crc32(chunk, crc)
        return base64.b64encode(crc.to_bytes(4, "big")).decode()
    digest = hashlib.new(algorithm.lower())
    for chunk in _chunks(file):
        digest.update(chunk)
    return base64.b64encode(digest.digest()).decode()

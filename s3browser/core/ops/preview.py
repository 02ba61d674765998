"""What the preview pane shows: the start of an object (one ranged GET) and a guess at its text encoding."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from s3browser.core.s3.connection import Connection

TEXT_LIMIT = 256 * 1024  # text and code: the first 256 KiB
IMAGE_LIMIT = 20 * 1024 * 1024  # images are read whole (a decoder needs all of it) up to this size
IMAGE_SUFFIXES = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "ico"})
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class PreviewData:
    bucket: str
    key: str
    data: bytes
    size: int  # of the whole object
    content_type: str
    version_id: str = ""

    @property
    def truncated(self) -> bool:
        return len(self.data) < self.size


def is_image_name(key: str) -> bool:
    return key.rpartition(".")[2].casefold() in IMAGE_SUFFIXES


def fetch_preview(conn: Connection, bucket: str, key: str, size: int, version_id: str = "") -> PreviewData:
    """The bytes to preview: a whole image up to 20 MiB, else the first 256 KiB (a ranged GET)."""
    limit = IMAGE_LIMIT if is_image_name(key) else TEXT_LIMIT
    extra = {"VersionId": version_id} if version_id else {}
    if size == 0:
        return PreviewData(bucket, key, b"", 0, "", version_id)
    response = conn.call(bucket, lambda c: c.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{limit - 1}",
                                                        **extra))
    with response["Body"] as body:
        data = body.read(limit)
    total = _total_size(response.get("ContentRange", ""), size)
    return PreviewData(bucket, key, data, total, response.get("ContentType", "") or "", version_id)


def _total_size(content_range: str, fallback: int) -> int:
    """The object's size from "bytes 0-99/1234"."""
    _, _, total = content_range.rpartition("/")
    return int(total) if total.isdigit() else fallback


def decode_text(data: bytes, truncated: bool = False) -> tuple[str, str] | None:
    """(text, encoding name) when ``data`` looks like text, None when it looks binary.

    A byte-order mark decides; otherwise UTF-8 (a character cut at the end of a truncated read is
    dropped), and failing that Windows-1252, the usual legacy encoding of Western text files.
    Data with NUL bytes (outside UTF-16/32) or many control characters is binary.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (with BOM)"
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(data, final=not truncated)
        encoding = "UTF-8"
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        encoding = "Windows-1252"
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\t\n\r\f\v\x1b")
    if controls > max(2, len(text[:4096]) // 50):
        return None
    return text, encoding

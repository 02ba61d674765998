"""The one place content types are guessed from a file name.

A private ``mimetypes.MimeTypes()`` holds only Python's built-in table, so the answer does not
depend on the host's /etc/mime.types (or the Windows registry): the same file gets the same
Content-Type on every machine.
"""

from __future__ import annotations

import mimetypes

_TYPES = mimetypes.MimeTypes()
DEFAULT_CONTENT_TYPE = "application/octet-stream"
# Common in buckets, missing from Python's built-in table (found only in some hosts' files).
_EXTRA = {".md": "text/markdown", ".markdown": "text/markdown", ".yaml": "application/yaml",
          ".yml": "application/yaml", ".toml": "application/toml", ".jsonl": "application/jsonl",
          ".ndjson": "application/x-ndjson", ".log": "text/plain", ".ini": "text/plain", ".conf": "text/plain",
          ".sql": "application/sql", ".go": "text/x-go", ".rs": "text/x-rust", ".ts": "text/typescript",
          ".tsx": "text/typescript", ".mkv": "video/x-matroska", ".flac": "audio/flac", ".m4a": "audio/mp4",
          ".7z": "application/x-7z-compressed", ".zst": "application/zstd", ".gz": "application/gzip",
          ".parquet": "application/vnd.apache.parquet", ".woff2": "font/woff2", ".epub": "application/epub+zip"}
for _extension, _type in _EXTRA.items():
    _TYPES.add_type(_type, _extension, strict=False)


def guess_content_type(name: str) -> str:
    return _TYPES.guess_type(name, strict=False)[0] or DEFAULT_CONTENT_TYPE

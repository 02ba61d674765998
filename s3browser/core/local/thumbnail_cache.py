"""Thumbnails kept on disk between runs, under a size limit (least recently used go first).

Plain bytes in, plain bytes out: the window makes and decodes the pictures.  An entry's name is a
hash of bucket, key, size and date, so a changed object never shows an old picture.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from s3browser.core.settings.dirs import cache_dir

DEFAULT_LIMIT = 64 * 1024 * 1024


class ThumbnailCache:
    def __init__(self, folder: Path | None = None, limit: int = DEFAULT_LIMIT) -> None:
        self.folder = folder or cache_dir() / "thumbnails"
        self.limit = limit
        self._lock = threading.Lock()
        self._total: int | None = None  # bytes on disk, counted once and then kept up to date

    def _path(self, bucket: str, key: str, size: int, mtime: float) -> Path:
        digest = hashlib.sha256(f"{bucket}\0{key}\0{size}\0{mtime:.3f}".encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.png"

    def get(self, bucket: str, key: str, size: int, mtime: float) -> bytes | None:
        path = self._path(bucket, key, size, mtime)
        try:
            data = path.read_bytes()
            os.utime(path)  # recently used: trimmed last
        except OSError:
            return None
        return data

    def put(self, bucket: str, key: str, size: int, mtime: float, data: bytes) -> None:
        path = self._path(bucket, key, size, mtime)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{threading.get_ident()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
        with self._lock:
            if self._total is not None:
                self._total += len(data)
        if self._total is None or self._total > self.limit:  # the folder is walked only when it may be too big
            self.trim()

    def trim(self) -> None:
        """Delete the least recently used entries until the cache fits its limit."""
        with self._lock:
            entries = []
            for path in self.folder.glob("*/*.png"):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                entries.append((stat.st_mtime, stat.st_size, path))
            total = sum(size for _, size, _ in entries)
            for _, size, path in sorted(entries):
                if total <= self.limit:
                    break
                path.unlink(missing_ok=True)
                total -= size
            self._total = total

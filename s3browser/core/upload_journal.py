"""A small SQLite journal of multipart uploads in flight, so an interrupted upload can resume.

s3transfer cannot resume: once the process that started a multipart upload is gone, only the
upload id (kept here) and the server's ListParts answer can tell which parts already arrived.
A row is written when CreateMultipartUpload answers, and removed when the upload completes or
is aborted; a row left behind means "an interrupted upload the user can resume or discard".
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from s3browser.core.paths import state_dir

JOURNAL_FILE_NAME = "uploads.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY,
    connection TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    local_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    part_size INTEGER NOT NULL,
    options TEXT NOT NULL,
    created REAL NOT NULL
)
"""


@dataclass(frozen=True)
class JournalEntry:
    upload_id: str
    connection: str  # which endpoint and credentials: see ``connection_identity``
    bucket: str
    key: str
    local_path: Path
    size: int
    mtime_ns: int
    part_size: int
    options: dict = field(default_factory=dict)  # UploadOptions fields, for re-queueing after restart
    created: float = 0.0

    @property
    def part_count(self) -> int:
        return max(1, -(-self.size // self.part_size))

    def part_range(self, number: int) -> tuple[int, int]:
        """(offset, length) of part ``number`` (1-based), as s3transfer cut it."""
        offset = (number - 1) * self.part_size
        return offset, min(self.part_size, self.size - offset)


def default_journal_path() -> Path:
    return state_dir() / JOURNAL_FILE_NAME


class UploadJournal:
    """Thread-safe; one connection per instance (SQLite in WAL mode, shared by two processes)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_journal_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.upload_id, entry.connection, entry.bucket, entry.key, str(entry.local_path), entry.size,
                 entry.mtime_ns, entry.part_size, json.dumps(entry.options), entry.created or time.time()))

    def forget(self, upload_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))

    def get(self, upload_id: str) -> JournalEntry | None:
        rows = self._select("WHERE upload_id = ?", (upload_id,))
        return rows[0] if rows else None

    def find(self, connection: str, bucket: str, key: str, local_path: Path) -> JournalEntry | None:
        """The newest interrupted upload of this file to this key, if any."""
        rows = self._select("WHERE connection = ? AND bucket = ? AND key = ? AND local_path = ? "
                            "ORDER BY created DESC", (connection, bucket, key, str(local_path)))
        return rows[0] if rows else None

    def entries(self, connection: str) -> list[JournalEntry]:
        return self._select("WHERE connection = ? ORDER BY created", (connection,))

    def _select(self, where: str, args: tuple) -> list[JournalEntry]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM uploads {where}", args).fetchall()
        return [JournalEntry(r[0], r[1], r[2], r[3], Path(r[4]), r[5], r[6], r[7], json.loads(r[8]), r[9])
                for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

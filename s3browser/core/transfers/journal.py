"""A small SQLite journal of transfers in flight, so an interrupted one can resume.

Multipart uploads: once the process that started one is gone, only the upload id (kept here) and
the server's ListParts answer can tell which parts already arrived.  A row is written when
CreateMultipartUpload answers and removed only after the upload was completed or aborted; an abort
that failed leaves its row marked ``abort_pending`` and is retried at the next connect, so no billed
parts are ever left untracked.  Any other row left behind is "an interrupted upload the user can
resume or discard".

Partial downloads: the random name of the temporary file and how many bytes at its start are
complete, so a download resumes with a ranged GET guarded by ``If-Match``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from s3browser.core.settings.dirs import state_dir
from s3browser.core.settings.state_db import open_state_db

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
);
CREATE TABLE IF NOT EXISTS downloads (
    temp_path TEXT PRIMARY KEY,
    connection TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    target TEXT NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    valid_bytes INTEGER NOT NULL
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
    abort_pending: bool = False  # an abort was wanted but failed: retried at the next connect

    @property
    def part_count(self) -> int:
        return max(1, -(-self.size // self.part_size))

    def part_range(self, number: int) -> tuple[int, int]:
        """(offset, length) of part ``number`` (1-based), as s3transfer cut it."""
        offset = (number - 1) * self.part_size
        return offset, min(self.part_size, self.size - offset)


@dataclass(frozen=True)
class PartialDownload:
    """A download's temporary file whose first ``valid_bytes`` are the object's first bytes."""

    temp_path: Path
    connection: str
    bucket: str
    key: str
    target: Path
    etag: str
    size: int
    valid_bytes: int


def default_journal_path() -> Path:
    return state_dir() / JOURNAL_FILE_NAME


class UploadJournal:
    """Thread-safe; one connection per instance (SQLite in WAL mode, shared by two processes)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_journal_path()
        self._lock = threading.Lock()
        self._db = open_state_db(self.path, _SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(uploads)")}
        if "abort_pending" not in columns:  # journals written before aborts were tracked
            self._db.execute("ALTER TABLE uploads ADD COLUMN abort_pending INTEGER NOT NULL DEFAULT 0")

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.upload_id, entry.connection, entry.bucket, entry.key, str(entry.local_path), entry.size,
                 entry.mtime_ns, entry.part_size, json.dumps(entry.options), entry.created or time.time(),
                 int(entry.abort_pending)))

    def mark_abort_pending(self, upload_id: str) -> None:
        """The abort failed: keep the row, out of the resumable list, for a retry at the next connect."""
        with self._lock:
            self._db.execute("UPDATE uploads SET abort_pending = 1 WHERE upload_id = ?", (upload_id,))

    def forget(self, upload_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))

    def get(self, upload_id: str) -> JournalEntry | None:
        rows = self._select("WHERE upload_id = ?", (upload_id,))
        return rows[0] if rows else None

    def find(self, connection: str, bucket: str, key: str, local_path: Path) -> JournalEntry | None:
        """The newest interrupted upload of this file to this key, if any."""
        rows = self._select("WHERE connection = ? AND bucket = ? AND key = ? AND local_path = ? "
                            "AND abort_pending = 0 ORDER BY created DESC", (connection, bucket, key, str(local_path)))
        return rows[0] if rows else None

    def entries(self, connection: str) -> list[JournalEntry]:
        """Interrupted uploads the user may resume or discard."""
        return self._select("WHERE connection = ? AND abort_pending = 0 ORDER BY created", (connection,))

    def pending_aborts(self, connection: str) -> list[JournalEntry]:
        return self._select("WHERE connection = ? AND abort_pending = 1 ORDER BY created", (connection,))

    def _select(self, where: str, args: tuple) -> list[JournalEntry]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM uploads {where}", args).fetchall()
        return [JournalEntry(r[0], r[1], r[2], r[3], Path(r[4]), r[5], r[6], r[7], json.loads(r[8]), r[9],
                             bool(r[10])) for r in rows]

    # ---------------------------------------------------------------- partial downloads
    def record_download(self, partial: PartialDownload) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO downloads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (str(partial.temp_path), partial.connection, partial.bucket, partial.key,
                              str(partial.target), partial.etag, partial.size, partial.valid_bytes))

    def forget_download(self, temp_path: Path) -> None:
        with self._lock:
            self._db.execute("DELETE FROM downloads WHERE temp_path = ?", (str(temp_path),))

    def discard_download(self, connection: str, bucket: str, key: str, target: Path) -> None:
        """Forget an interrupted download nobody will resume, and delete its temporary file."""
        partial = self.find_download(connection, bucket, key, target)
        if partial is not None:
            self.forget_download(partial.temp_path)
            partial.temp_path.unlink(missing_ok=True)

    def find_download(self, connection: str, bucket: str, key: str, target: Path) -> PartialDownload | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM downloads WHERE connection = ? AND bucket = ? AND key = ? "
                                   "AND target = ? ORDER BY valid_bytes DESC",
                                   (connection, bucket, key, str(target))).fetchone()
        if row is None:
            return None
        return PartialDownload(Path(row[0]), row[1], row[2], row[3], Path(row[4]), row[5], row[6], row[7])

    def close(self) -> None:
        with self._lock:
            self._db.close()

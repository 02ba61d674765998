"""The transfer queue on disk, so pending, paused and failed transfers survive quitting and crashes.

One SQLite table in the platform state folder, a row per unfinished transfer, keyed by the
connection it belongs to (``Connection.identity``: endpoint and access key, never the secret).
Rows are written in batches by the queue (a few times a second at most), on a writer thread of
their own (:class:`QueueWriter`) so that saving thousands of new items never stalls the window,
and deleted when a transfer finishes, is cancelled or is cleared.  Ids are handed out by the
store at once (:meth:`QueueStore.new_id`), so the queue can refer to a row before it is written.
What a transfer needs to continue where it stopped is not here but in the transfer journal:
multipart upload ids and partial download files.
"""

from __future__ import annotations

import itertools
import json
import logging
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path

from s3browser.core.settings.dirs import state_dir
from s3browser.core.settings.state_db import open_state_db, transaction

log = logging.getLogger(__name__)
QUEUE_FILE_NAME = "queue.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    connection TEXT NOT NULL,
    direction TEXT NOT NULL,
    state TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    local_path TEXT,
    root TEXT,
    size INTEGER NOT NULL,
    options TEXT,
    source_bucket TEXT NOT NULL DEFAULT '',
    source_key TEXT NOT NULL DEFAULT '',
    etag TEXT NOT NULL DEFAULT '',
    mtime REAL NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
)
"""
_COLUMNS = ("connection", "direction", "state", "bucket", "key", "local_path", "root", "size", "options",
            "source_bucket", "source_key", "etag", "mtime", "error", "note")


@dataclass
class SavedTransfer:
    """One unfinished transfer as stored; ``direction`` and ``state`` are the queue's enum values."""

    connection: str
    direction: str
    state: str
    bucket: str
    key: str
    local_path: Path | None
    root: Path | None
    size: int
    options: dict | None = None
    source_bucket: str = ""
    source_key: str = ""
    etag: str = ""
    mtime: float = 0.0
    error: str = ""
    note: str = ""
    id: int | None = field(default=None, compare=False)

    def _row(self) -> tuple:
        return (self.connection, self.direction, self.state, self.bucket, self.key,
                str(self.local_path) if self.local_path else None, str(self.root) if self.root else None,
                self.size, json.dumps(self.options) if self.options is not None else None, self.source_bucket,
                self.source_key, self.etag, self.mtime, self.error, self.note)


def default_queue_path() -> Path:
    return state_dir() / QUEUE_FILE_NAME


class QueueStore:
    """Thread-safe; writes go in one transaction per call."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_queue_path()
        self._lock = threading.Lock()
        self._db = open_state_db(self.path, _SCHEMA, durable=False)
        highest = self._db.execute("SELECT MAX(id) FROM transfers").fetchone()[0] or 0
        self._ids = itertools.count(highest + 1)

    def new_id(self) -> int:
        """An id no row has, for an item about to be saved."""
        with self._lock:
            return next(self._ids)

    def apply(self, save: list[SavedTransfer], delete: list[int]) -> None:
        """Insert or replace ``save`` (ids are filled in where missing) and delete the ``delete`` ids."""
        for item in save:
            if item.id is None:
                item.id = self.new_id()
        with self._lock, transaction(self._db):
            self._db.executemany(
                f"INSERT OR REPLACE INTO transfers (id, {', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})", [(item.id, *item._row()) for item in save])
            self._db.executemany("DELETE FROM transfers WHERE id = ?", [(i,) for i in delete])

    def load(self, connection: str) -> list[SavedTransfer]:
        with self._lock:
            rows = self._db.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM transfers WHERE connection = ? "
                                    "ORDER BY id", (connection,)).fetchall()
        return [SavedTransfer(r[1], r[2], r[3], r[4], r[5], Path(r[6]) if r[6] else None,
                              Path(r[7]) if r[7] else None, r[8], json.loads(r[9]) if r[9] else None, r[10], r[11],
                              r[12], r[13], r[14], r[15], id=r[0]) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class QueueWriter:
    """Applies batches to a :class:`QueueStore` on one thread of its own, in the order given."""

    def __init__(self, store: QueueStore) -> None:
        self.store = store
        self._batches: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="s3b-queue-writer", daemon=True)
        self._thread.start()

    def submit(self, save: list[SavedTransfer], delete: list[int]) -> None:
        if save or delete:
            self._batches.put((save, delete))

    def flush(self) -> None:
        """Wait until everything submitted so far is written."""
        self._batches.join()

    def close(self) -> None:
        self._batches.put(None)
        self._thread.join()
        self.store.close()

    def _run(self) -> None:
        while True:
            batch = self._batches.get()
            try:
                if batch is None:
                    return
                self.store.apply(*batch)
            except Exception as exc:  # noqa: BLE001 - a full disk must not stop the transfers themselves
                log.warning("could not save the transfer queue: %s", exc)
            finally:
                self._batches.task_done()

"""The transfer queue on disk, so pending, paused and failed transfers survive quitting and crashes.

One SQLite table in the platform state folder, a row per unfinished transfer, keyed by the
connection it belongs to (``Connection.identity``: endpoint and access key, never the secret).
Rows are written in batches by the queue (a few times a second at most), on a writer thread of
their own (:class:`QueueWriter`, which also opens the file and reads it) so that saving thousands
of new items never stalls the window, and deleted when a transfer finishes, is cancelled or is
cleared.  Ids are handed out at once without the file (:meth:`QueueWriter.new_id`: a counter that
starts from the clock, so each run's ids are above every earlier run's), so the queue can refer
to a row before it is written.  Directions and states are stored as stable codes; rows an earlier
release wrote with labels are read as they are (the queue parses both).
What a transfer needs to continue where it stopped is not here but in the transfer journal:
multipart upload ids and partial download files.
"""

from __future__ import annotations

import itertools
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
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
# Columns added since the first release: a file written by an earlier one gets them on open.
_ADDED_COLUMNS = {"error_kind": "TEXT NOT NULL DEFAULT ''", "error_detail": "TEXT NOT NULL DEFAULT ''",
                  "expect": "TEXT"}
_COLUMNS = ("connection", "direction", "state", "bucket", "key", "local_path", "root", "size", "options",
            "source_bucket", "source_key", "etag", "mtime", "error", "note", *_ADDED_COLUMNS)


@dataclass
class SavedTransfer:
    """One unfinished transfer as stored; ``direction`` and ``state`` are the queue's codes (or, in a
    row an earlier release wrote, their labels)."""

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
    error_kind: str = ""
    error_detail: str = ""
    expect: str | None = None  # an upload's planned ETag
    id: int | None = field(default=None, compare=False)

    def _row(self, options_json: dict[int, str] | None = None) -> tuple:
        """The row's values; ``options_json`` keeps each options dict's JSON by identity (a batch of
        files shares one: it is encoded once, not once per row)."""
        options = None
        if self.options is not None:
            memo = {} if options_json is None else options_json
            options = memo.get(id(self.options))
            if options is None:
                options = memo[id(self.options)] = json.dumps(self.options)
        return (self.connection, self.direction, self.state, self.bucket, self.key,
                str(self.local_path) if self.local_path else None, str(self.root) if self.root else None,
                self.size, options, self.source_bucket,
                self.source_key, self.etag, self.mtime, self.error, self.note, self.error_kind, self.error_detail,
                self.expect)


def default_queue_path() -> Path:
    return state_dir() / QUEUE_FILE_NAME


class QueueStore:
    """One open queue file; used by one thread at a time (the writer's)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_queue_path()
        self._db = open_state_db(self.path, _SCHEMA, durable=False)
        present = {row[1] for row in self._db.execute("PRAGMA table_info(transfers)")}
        for name, declaration in _ADDED_COLUMNS.items():
            if name not in present:
                self._db.execute(f"ALTER TABLE transfers ADD COLUMN {name} {declaration}")

    def apply(self, save: list[SavedTransfer], delete: list[int]) -> None:
        """Insert or replace ``save`` (each with its id) and delete the ``delete`` ids, in one transaction."""
        options_json: dict[int, str] = {}  # the rows are built here, while ``save`` holds their options
        with transaction(self._db):
            self._db.executemany(
                f"INSERT OR REPLACE INTO transfers (id, {', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})",
                [(item.id, *item._row(options_json)) for item in save])
            self._db.executemany("DELETE FROM transfers WHERE id = ?", [(i,) for i in delete])

    def load(self, connection: str) -> list[SavedTransfer]:
        rows = self._db.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM transfers WHERE connection = ? "
                                "ORDER BY id", (connection,)).fetchall()
        return [SavedTransfer(r[1], r[2], r[3], r[4], r[5], Path(r[6]) if r[6] else None,
                              Path(r[7]) if r[7] else None, r[8], json.loads(r[9]) if r[9] else None, r[10], r[11],
                              r[12], r[13], r[14], r[15], r[16], r[17], r[18], id=r[0]) for r in rows]

    def close(self) -> None:
        self._db.close()


class QueueWriter:
    """Opens a :class:`QueueStore` and applies batches to it on one thread of its own, in the order given."""

    def __init__(self, open_store: Callable[[], QueueStore]) -> None:
        self._open_store = open_store
        self.store: QueueStore | None = None
        self._ids = itertools.count(time.time_ns() // 1000)
        self._id_lock = threading.Lock()
        self._batches: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="s3b-queue-writer", daemon=True)
        self._thread.start()

    def new_id(self) -> int:
        """An id no row has, for an item about to be saved (no file access: any thread may ask)."""
        with self._id_lock:
            return next(self._ids)

    def submit(self, save: list[SavedTransfer], delete: list[int]) -> None:
        if save or delete:
            self._batches.put((save, delete))

    def load(self, connection: str) -> list[SavedTransfer]:
        """The saved rows of ``connection``, after everything submitted so far is written.  Waits for
        the writer's thread: call it from a worker thread, never a GUI thread."""
        answer: Future[list[SavedTransfer]] = Future()
        self._batches.put(("load", connection, answer))
        return answer.result()

    def flush(self) -> None:
        """Wait until everything submitted so far is written."""
        self._batches.join()

    def close(self) -> None:
        self._batches.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            while True:
                batch = self._batches.get()
                try:
                    if batch is None:
                        return
                    if self.store is None:
                        self.store = self._open_store()
                    if batch[0] == "load":
                        _, connection, answer = batch
                        try:
                            answer.set_result(self.store.load(connection))
                        except Exception as exc:  # noqa: BLE001 - the caller gets it
                            answer.set_exception(exc)
                    else:
                        self.store.apply(*batch)
                except Exception as exc:  # noqa: BLE001 - a full disk must not stop the transfers themselves
                    log.warning("could not save the transfer queue: %s", exc)
                    if batch is not None and batch[0] == "load" and not batch[2].done():
                        batch[2].set_exception(exc)
                finally:
                    self._batches.task_done()
        finally:
            if self.store is not None:
                self.store.close()

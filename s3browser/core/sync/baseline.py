"""What both sides looked like after the last successful sync of each path, per pair, in SQLite.

With it a two-way sync tells a deletion from a creation.  A row is written as soon as its item
succeeds (each in its own transaction), so a cancelled or crashed run leaves a baseline that is
right for every item that finished and says nothing of the others.

A damaged, truncated or unreadable file is never overwritten: it is moved aside (``.damaged-…``)
and the run goes on as a first run, which carries no deletions, with :attr:`Baseline.problem`
saying so in one sentence.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from s3browser.core.settings.dirs import state_dir
from s3browser.core.settings.state_db import open_state_db, transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    local_size: int
    local_mtime_ns: int
    remote_etag: str
    remote_size: int
    remote_mtime: float  # LastModified, epoch seconds (0 when not known)
    version_id: str = ""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS baseline (
    pair TEXT NOT NULL,
    path TEXT NOT NULL,
    local_size INTEGER NOT NULL,
    local_mtime_ns INTEGER NOT NULL,
    remote_etag TEXT NOT NULL,
    remote_size INTEGER NOT NULL,
    remote_mtime REAL NOT NULL,
    version_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (pair, path)
) WITHOUT ROWID;
"""


def default_baseline_path() -> Path:
    return state_dir() / "sync" / "baseline.sqlite3"


def _open_checked(path: Path) -> sqlite3.Connection:
    """Open the file and prove it readable: garbage fails at open, a truncated file at the check."""
    db = open_state_db(path, _SCHEMA, durable=False)
    try:
        verdict = db.execute("PRAGMA quick_check").fetchone()
        db.execute("SELECT COUNT(*) FROM baseline").fetchone()
        if verdict is None or verdict[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check: {verdict[0] if verdict else 'no answer'}")
    except BaseException:
        db.close()
        raise
    return db


class Baseline:
    """The baseline of one pair.  Safe to share between threads (one connection, one lock)."""

    def __init__(self, pair_id: str, path: Path | None = None) -> None:
        self.pair_id = pair_id
        self.path = path or default_baseline_path()
        self._lock = threading.Lock()
        self.problem = ""  # one sentence when the file was damaged and set aside
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        damage: sqlite3.DatabaseError
        try:
            return _open_checked(self.path)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            damage = exc
        except sqlite3.DatabaseError as exc:
            damage = exc
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        log.warning("sync state %s could not be used (%s)", self.path, damage)
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                if os.path.exists(f"{self.path}{suffix}"):
                    os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
            db = _open_checked(self.path)
        except (OSError, sqlite3.DatabaseError):
            self.problem = (f"The sync state file {self.path} could not be read and could not be set aside; it was "
                            "left as it is, and this run is treated as a first run: no deletions are carried and "
                            "differences are shown as conflicts.")
            return open_state_db(Path(":memory:"), _SCHEMA, durable=False)
        self.problem = (f"The sync state file was damaged; it was kept as {aside.name} and this run is treated as a "
                        "first run: no deletions are carried and differences are shown as conflicts.")
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Baseline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load(self) -> dict[str, BaselineEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path, local_size, local_mtime_ns, remote_etag, remote_size, remote_mtime, version_id "
                "FROM baseline WHERE pair = ?", (self.pair_id,)).fetchall()
        return {row[0]: BaselineEntry(*row[1:]) for row in rows}

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM baseline WHERE pair = ?", (self.pair_id,)).fetchone()[0])

    def record(self, path: str, entry: BaselineEntry) -> None:
        self.record_many([(path, entry)])

    def record_many(self, items: Iterable[tuple[str, BaselineEntry]]) -> None:
        rows = [(self.pair_id, path, e.local_size, e.local_mtime_ns, e.remote_etag, e.remote_size, e.remote_mtime,
                 e.version_id) for path, e in items]
        if not rows:
            return
        with self._lock, transaction(self._db):
            self._db.executemany("INSERT OR REPLACE INTO baseline VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def forget(self, paths: Iterable[str]) -> None:
        rows = [(self.pair_id, p) for p in paths]
        if not rows:
            return
        with self._lock, transaction(self._db):
            self._db.executemany("DELETE FROM baseline WHERE pair = ? AND path = ?", rows)

    def reset(self) -> None:
        """Forget everything about this pair: the next two-way run carries no deletions."""
        with self._lock, transaction(self._db):
            self._db.execute("DELETE FROM baseline WHERE pair = ?", (self.pair_id,))


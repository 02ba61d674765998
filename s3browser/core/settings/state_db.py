"""The state databases (upload journal, saved queue, sync baselines) open and write the same way."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def open_state_db(path: Path, schema: str, durable: bool = True) -> sqlite3.Connection:
    """A connection shared by threads (callers hold their own lock), in WAL mode, schema applied.

    ``durable=False`` relaxes fsync to SQLite's NORMAL level: a power cut may lose the last
    transactions but never corrupts the file (fine for state that is rebuilt or re-checked).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, timeout=10, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    if not durable:
        db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(schema)
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """All statements inside commit together, or none do."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")

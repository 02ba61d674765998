"""The transfer engines of the queue's connections: the current one, and earlier ones while they have work.

Each item runs on the engine of the connection it was queued on.  Switching connections makes
a new engine current (with its worker processes); an earlier one is stopped as soon as nothing
of its own is running, queued or paused, so switching back and forth does not pile up workers.
An item whose engine was stopped runs on the current one when that is the same account.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from s3browser.core.transfers.engine import TransferEngine
from s3browser.core.transfers.journal import UploadJournal, default_journal_path
from s3browser.core.transfers.process_engine import ProcessTransferEngine, processes_supported
from s3browser.core.transfers.queue_items import TransferItem
from s3browser.core.transfers.routes import use_engine

if TYPE_CHECKING:
    from s3browser.core.s3.connection import Connection

log = logging.getLogger(__name__)

Engine = TransferEngine | ProcessTransferEngine


class EngineSet:
    def __init__(self) -> None:
        self.current: Engine | None = None
        self.on_created: Callable[[Engine], None] | None = None  # e.g. to start its first worker early
        self._engines: dict[int, Engine] = {}
        self._item_engine: dict[int, Engine] = {}

    def connect(self, connection: Connection, in_use: Callable[[Engine], bool]) -> Engine:
        """Make ``connection``'s engine current (made on first use) and stop earlier ones not ``in_use``."""
        engine = self._engines.get(id(connection))
        if engine is None:
            if processes_supported():
                engine = ProcessTransferEngine(connection, journal_path=default_journal_path())
            else:
                engine = TransferEngine(connection, journal=UploadJournal())
                use_engine(connection, engine)  # jobs' transfers (sync items) share it
            self._engines[id(connection)] = engine
            if self.on_created is not None:
                self.on_created(engine)
        self.current = engine
        for key, other in list(self._engines.items()):
            if other is engine or in_use(other):
                continue
            del self._engines[key]
            log.info("stopping the idle transfer engine of an earlier connection")
            # Off the caller's thread: a worker that does not answer is waited for, then killed.
            threading.Thread(target=other.shutdown, kwargs={"cancel": True, "keep_multipart": True},
                             name="s3b-stop-engine", daemon=True).start()
        return engine

    def assign(self, items: Iterable[TransferItem], engine: Engine) -> None:
        self._item_engine.update(dict.fromkeys(map(id, items), engine))

    def assigned(self, item: TransferItem) -> Engine | None:
        return self._item_engine.get(id(item))

    def of(self, item: TransferItem) -> Engine | None:
        """The engine an item runs on: its own, or the current one if that is the same account."""
        engine = self._item_engine.get(id(item))
        if engine is not None and engine in self._engines.values():
            return engine
        current = self.current
        if current is not None and engine is not None and engine.connection.identity == current.connection.identity:
            self._item_engine[id(item)] = current
            return current
        return None

    def identity_of(self, item: TransferItem) -> str:
        """The account an item belongs to (``Connection.identity``), "" before any connection."""
        engine = self._item_engine.get(id(item)) or self.current
        return engine.connection.identity if engine else ""

    def holds(self, engine: Engine) -> bool:
        return engine in self._engines.values()

    def all(self) -> list[Engine]:
        return list(self._engines.values())

    def shutdown(self) -> None:
        """Stop every engine; running multipart uploads keep their parts, large downloads their file."""
        for engine in self._engines.values():
            engine.shutdown(cancel=True, keep_multipart=True)
        self._engines.clear()

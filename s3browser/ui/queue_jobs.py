"""One-step operations run by the transfer queue's own threads (property edits, version restores,
version downloads), so they show, fail, retry and cancel like any transfer."""

from __future__ import annotations

from collections.abc import Callable


class OperationJob:
    """A queue job around one call; the call's return value is the note on its row."""

    def __init__(self, batch_title: str, work: Callable[[], str | None]) -> None:
        self.batch_title = batch_title
        self._work = work

    def run(self) -> str:  # on a queue thread
        return self._work() or ""

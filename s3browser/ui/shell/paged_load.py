"""One listing at a time for a model: what the object table and the versions view share.

A model asks for a listing; the pages come from a worker through the task runner.  Starting a
new one cancels the old, and anything the old one still delivers (a late page, its error, its
end) is dropped by generation, so a slow listing of the folder just left never lands in the one
just opened.  The model hears of pages, a failure, and the end, and whether it is loading.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject

from s3browser.ui.shell.tasks import POOL_LISTING, Task, TaskRunner

log = logging.getLogger(__name__)


class PagedLoad:
    def __init__(self, runner: TaskRunner, owner: QObject, on_page: Callable[[Any], None],
                 on_error: Callable[[BaseException], None], on_finished: Callable[[], None],
                 on_loading: Callable[[bool], None]) -> None:
        self._runner = runner
        self._owner = owner  # closing it cancels the listing and drops its results
        self._on_page = on_page
        self._on_error = on_error
        self._on_finished = on_finished
        self._on_loading = on_loading
        self._task: Task | None = None
        self.generation = 0

    @property
    def is_loading(self) -> bool:
        return self._task is not None

    def next(self) -> int:
        """Stop the current listing (its late results are dropped from now on); the new generation."""
        self._stop()
        self.generation += 1
        return self.generation

    def pages(self, name: str, fn: Callable[..., Iterable[Any]], *args: Any) -> None:
        """List with ``fn(*args, should_stop=...)`` on a worker, page by page."""
        generation = self.generation
        self._task = self._runner.run_pages(
            name, fn, *args, pool=POOL_LISTING, on_page=lambda page: self._page(generation, page),
            on_error=lambda exc: self._error(generation, exc), on_finished=lambda: self._finished(generation),
            owner=self._owner)
        self._on_loading(True)

    def one(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        """As :meth:`pages`, for a listing that answers in one piece (the bucket list)."""
        generation = self.generation
        self._task = self._runner.run(
            name, fn, *args, pool=POOL_LISTING, on_result=lambda result: self._page(generation, result),
            on_error=lambda exc: self._error(generation, exc), on_finished=lambda: self._finished(generation),
            owner=self._owner)
        self._on_loading(True)

    def cancel(self) -> bool:
        """Stop the listing, keeping what arrived; whether one was running."""
        if not self._stop():
            return False
        self._on_loading(False)
        return True

    def _stop(self) -> bool:
        if self._task is None:
            return False
        self._task.cancel()
        self._task = None
        return True

    def _page(self, generation: int, page: Any) -> None:
        if generation != self.generation:
            log.debug("dropped a late page of an older listing")
            return
        self._on_page(page)

    def _error(self, generation: int, exc: BaseException) -> None:
        if generation == self.generation:
            self._on_error(exc)

    def _finished(self, generation: int) -> None:
        if generation != self.generation:
            return
        self._task = None
        self._on_finished()
        self._on_loading(False)

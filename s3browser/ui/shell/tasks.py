"""The one task runner: boto3 work on QThreadPool workers, plain results back on the GUI thread.

* A worker never touches a widget or model; it emits plain data through a relay QObject that
  lives on the GUI thread, so Qt queues the delivery to the GUI thread.
* Each :class:`Task` can be cancelled; a cancelled task's late pages and results are dropped here,
  and page producers get ``should_stop`` to stop between pages.
* Tasks are referenced until they end (nothing lost to garbage collection), and
  :meth:`TaskRunner.shutdown` cancels everything and waits at most a second per pool.
* A task may have an ``owner`` (a dialog, a model): when the owner is closed or destroyed its
  tasks are cancelled and their results dropped, so no callback ever reaches a deleted widget.
* A failed task's traceback goes to the log.
* Separate pools per kind of work, so a long listing never starves a quick operation.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QDialog

log = logging.getLogger(__name__)

POOL_LISTING = "listing"
POOL_OPERATIONS = "operations"
POOL_ORDERING = "ordering"  # sorting and filtering a big table: one at a time, never behind a listing
_POOL_SIZES = {POOL_LISTING: 3, POOL_OPERATIONS: 4, POOL_ORDERING: 1}
# A page producer runs at most this many pages ahead of the GUI thread: memory stays flat and the
# event loop is never flooded when pages come faster than the GUI can take them.
MAX_PAGES_IN_FLIGHT = 3


class Task:
    """A handle on background work: cancel it, or ask whether it still matters."""

    _ids = itertools.count(1)

    def __init__(self, name: str, on_result: Callable[[Any], None] | None,
                 on_page: Callable[[Any], None] | None, on_error: Callable[[BaseException], None] | None,
                 on_finished: Callable[[], None] | None) -> None:
        self.id = next(self._ids)
        self.name = name
        self.on_result = on_result
        self.on_page = on_page
        self.on_error = on_error
        self.on_finished = on_finished
        self._cancelled = threading.Event()
        self._in_flight = 0
        self._in_flight_changed = threading.Condition()
        self.done = False
        self.owner: QObject | None = None

    @property
    def owner_gone(self) -> bool:
        return self.owner is not None and not shiboken6.isValid(self.owner)

    def cancel(self) -> None:
        self._cancelled.set()
        with self._in_flight_changed:
            self._in_flight_changed.notify_all()

    def _wait_for_room(self) -> None:
        """Called on the worker: block while the GUI has MAX_PAGES_IN_FLIGHT pages still to take."""
        with self._in_flight_changed:
            while self._in_flight >= MAX_PAGES_IN_FLIGHT and not self._cancelled.is_set():
                self._in_flight_changed.wait(0.5)
            self._in_flight += 1

    def _page_taken(self) -> None:
        with self._in_flight_changed:
            self._in_flight -= 1
            self._in_flight_changed.notify_all()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def should_stop(self) -> bool:
        return self._cancelled.is_set()

    def __repr__(self) -> str:
        return f"Task({self.id}, {self.name!r}{', cancelled' if self.cancelled else ''})"


class _Relay(QObject):
    page = Signal(object, object)
    result = Signal(object, object)
    error = Signal(object, object)
    finished = Signal(object)


class _Worker(QRunnable):
    def __init__(self, task: Task, relay: _Relay, work: Callable[[], Any], pages: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._relay = relay
        self._work = work
        self._pages = pages

    def run(self) -> None:  # runs on a pool thread
        task = self._task
        try:
            if task.cancelled:
                return
            if self._pages:
                iterator: Iterable[Any] = self._work()
                for page in iterator:
                    task._wait_for_room()
                    if task.cancelled:
                        close = getattr(iterator, "close", None)
                        if close:
                            close()
                        break
                    self._relay.page.emit(task, page)
            else:
                result = self._work()
                if not task.cancelled:
                    self._relay.result.emit(task, result)
        except BaseException as exc:  # every failure goes to the GUI as data
            if not task.cancelled:
                log.warning("task %s failed: %s", task.name, type(exc).__name__, exc_info=exc)
                self._relay.error.emit(task, exc)
        finally:
            self._relay.finished.emit(task)


class TaskRunner(QObject):
    """Submit work, get callbacks on the GUI thread; cancel; drain on quit."""

    def __init__(self, parent: QObject | None = None, pool_sizes: dict[str, int] | None = None) -> None:
        super().__init__(parent)
        self._pools: dict[str, QThreadPool] = {}
        for name, size in (pool_sizes or _POOL_SIZES).items():
            pool = QThreadPool(self)
            pool.setMaxThreadCount(size)
            self._pools[name] = pool
        self._active: dict[int, Task] = {}
        self._closed = False
        self.drained = True  # False after a shutdown that left work running
        self._relay = _Relay(self)
        self._relay.page.connect(self._deliver_page)
        self._relay.result.connect(self._deliver_result)
        self._relay.error.connect(self._deliver_error)
        self._relay.finished.connect(self._deliver_finished)

    # ---- submitting ----
    def run(self, name: str, fn: Callable[..., Any], *args: Any, pool: str = POOL_OPERATIONS,
            on_result: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_finished: Callable[[], None] | None = None, owner: QObject | None = None, **kwargs: Any) -> Task:
        """Run ``fn(*args, **kwargs)`` on a worker; ``on_result(value)`` on the GUI thread."""
        task = Task(name, on_result, None, on_error, on_finished)
        return self._start(task, lambda: fn(*args, **kwargs), pool, pages=False, owner=owner)

    def run_pages(self, name: str, fn: Callable[..., Iterable[Any]], *args: Any, pool: str = POOL_LISTING,
                  on_page: Callable[[Any], None] | None = None,
                  on_error: Callable[[BaseException], None] | None = None,
                  on_finished: Callable[[], None] | None = None, owner: QObject | None = None,
                  **kwargs: Any) -> Task:
        """Iterate ``fn(*args, should_stop=..., **kwargs)`` on a worker; each item to ``on_page``."""
        task = Task(name, None, on_page, on_error, on_finished)
        return self._start(task, lambda: fn(*args, should_stop=task.should_stop, **kwargs), pool, pages=True,
                           owner=owner)

    def _start(self, task: Task, work: Callable[[], Any], pool: str, pages: bool,
               owner: QObject | None = None) -> Task:
        if self._closed:
            task.cancel()
            return task
        if owner is not None:
            task.owner = owner
            owner.destroyed.connect(lambda *_: task.cancel())
            if isinstance(owner, QDialog):
                owner.finished.connect(lambda *_: task.cancel())  # closed: its results have nowhere to go
        self._active[task.id] = task
        self._pools[pool].start(_Worker(task, self._relay, work, pages))
        return task

    # ---- delivery, always on the GUI thread ----
    @Slot(object, object)
    def _deliver_page(self, task: Task, page: Any) -> None:
        task._page_taken()
        if not task.cancelled and not task.owner_gone and task.on_page is not None:
            task.on_page(page)

    @Slot(object, object)
    def _deliver_result(self, task: Task, result: Any) -> None:
        if not task.cancelled and not task.owner_gone and task.on_result is not None:
            task.on_result(result)

    @Slot(object, object)
    def _deliver_error(self, task: Task, error: BaseException) -> None:
        if not task.cancelled and not task.owner_gone and task.on_error is not None:
            task.on_error(error)

    @Slot(object)
    def _deliver_finished(self, task: Task) -> None:
        task.done = True
        self._active.pop(task.id, None)
        if not task.cancelled and not task.owner_gone and task.on_finished is not None:
            task.on_finished()

    # ---- lifetime ----
    @property
    def active_count(self) -> int:
        return len(self._active)

    def cancel_all(self) -> None:
        for task in list(self._active.values()):
            task.cancel()

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Cancel all tasks and wait for the workers, at most ``timeout_ms`` per pool.

        True if every pool drained.  A worker stuck in a network call past that is left to finish on
        its own: its results are dropped (the tasks are cancelled) and the window does not wait.
        """
        self._closed = True
        self.cancel_all()
        drained = True
        for name, pool in self._pools.items():
            if not pool.waitForDone(timeout_ms):
                drained = False
                log.warning("the %s pool still had work after %d ms at shutdown; not waiting for it", name,
                            timeout_ms)
        self.drained = drained
        return drained

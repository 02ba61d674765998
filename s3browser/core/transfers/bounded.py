"""Running the pieces of one transfer (parts, ranges) side by side, stopping at the first failure."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def run_bounded(pool: ThreadPoolExecutor, items: Iterable[T], work: Callable[[T, Callable[[], bool]], None],
                concurrency: int, stopping: Callable[[], bool]) -> None:
    """Run ``work(item, should_stop)`` for each item on ``pool``, at most ``concurrency`` at once.

    After the first failure no more items start and ``should_stop()`` turns true for the running
    ones; that failure is raised once all have ended.  CancelledError if it was stopped.
    """
    slots = threading.BoundedSemaphore(max(1, concurrency))
    failed = threading.Event()

    def should_stop() -> bool:
        return failed.is_set() or stopping()

    def run(item: T) -> None:
        try:
            if should_stop():
                raise CancelledError()
            work(item, should_stop)
        except BaseException:
            failed.set()
            raise
        finally:
            slots.release()

    futures: list[Future] = []
    for item in items:
        slots.acquire()
        if should_stop():
            slots.release()
            break
        futures.append(pool.submit(run, item))
    errors = []
    for future in futures:
        try:
            future.result()
        except BaseException as exc:  # noqa: BLE001 - the first real failure is raised below
            errors.append(exc)
    real = [e for e in errors if not isinstance(e, CancelledError)]
    if real:
        raise real[0]
    if errors or stopping():
        raise CancelledError()

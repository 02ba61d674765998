"""Keep the garbage collector from pausing the window while a worker builds a large result.

Building a plan of 100,000 items allocates some 400,000 objects; each full collection then walks
all of them (20-45 ms, holding the GIL: the window stalls).  Such results hold no reference cycles,
so collections during the build find nothing.  :func:`collections_paused` turns collection off
while the build runs and then freezes what survives, so later collections skip it too; the
objects are still freed by reference counting when the result is dropped.

A listing streaming into the table is the same story (a page's XML makes thousands of short-lived
elements, and full collections walked the table's 100k-string columns for 30-50 ms, several
times per load), but it happens on every navigation: :func:`iterate_paused` turns collection off
for as long as the pages come and does not freeze, so nothing a listing leaves behind is kept.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from s3browser.core.base.gc_freeze import freeze_survivors

T = TypeVar("T")

_lock = threading.Lock()
_holders = 0
_freeze_wanted = False


@contextmanager
def collections_paused(freeze: bool = True) -> Iterator[None]:
    """No collections inside the block; with ``freeze``, what survives it is frozen at the end."""
    global _holders, _freeze_wanted
    with _lock:
        _holders += 1
        _freeze_wanted = _freeze_wanted or freeze
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                if _freeze_wanted:
                    gc.freeze()  # the result, now long-lived, stays out of later full collections
                _freeze_wanted = False
                gc.enable()


def iterate_paused(items: Iterable[T]) -> Iterator[T]:
    """``items`` one by one, with collections off until they end or the iteration is closed."""
    with collections_paused(freeze=False):
        yield from items


_connection_frozen = False


def freeze_first_connection() -> None:
    """Collect, then freeze everything alive, once per run: after the first connection is open.

    A connection's client brings tens of thousands of long-lived objects (botocore's service
    model, its handlers); every full collection walked them again, 30-38 ms each, a couple of
    times during a 1 GiB download.  Only the first connection is frozen: a later one that is
    replaced is then still collected (its client holds reference cycles).
    """
    global _connection_frozen
    if _connection_frozen:
        return
    _connection_frozen = True
    freeze_survivors()

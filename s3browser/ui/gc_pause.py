"""Keep the garbage collector from pausing the window while a worker builds a large result.

Building a plan of 100,000 items allocates some 400,000 objects; each full collection then walks
all of them (20-45 ms, holding the GIL: the window stalls).  Such results hold no reference cycles,
so collections during the build find nothing.  :func:`collections_paused` turns collection off
while the build runs and then freezes what survives, so later collections skip it too; the
objects are still freed by reference counting when the result is dropped.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0


@contextmanager
def collections_paused() -> Iterator[None]:
    global _holders
    with _lock:
        _holders += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                gc.freeze()  # the result, now long-lived, stays out of later full collections
                gc.enable()

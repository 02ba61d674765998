"""Hold off the garbage collector's full collections while a listing streams into the table.

A full collection walks every tracked container, and the table's columns are lists of a hundred
thousand strings and more: each walk costs tens of milliseconds at 100k rows (a page's XML makes
thousands of short-lived elements, so walks came every few pages).  While a listing loads, the
oldest generation's threshold is raised so the event loop is not paused by them; when the last
listing ends it is put back.  Young collections, which free the pages' garbage, go on as usual,
and nothing is frozen or leaked: the deferred full collection simply comes later.
"""

from __future__ import annotations

import gc

_HELD_THRESHOLD = 1_000_000
_holders = 0
_saved: tuple[int, int, int] | None = None


def hold() -> None:
    """One more listing is loading."""
    global _holders, _saved
    if _holders == 0:
        _saved = gc.get_threshold()
        gc.set_threshold(_saved[0], _saved[1], _HELD_THRESHOLD)
    _holders += 1


def release() -> None:
    """A listing that called :func:`hold` ended (finished, failed or cancelled)."""
    global _holders, _saved
    if _holders == 0:
        return
    _holders -= 1
    if _holders == 0 and _saved is not None:
        gc.set_threshold(*_saved)
        _saved = None

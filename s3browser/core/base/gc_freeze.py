"""Collect once, then freeze what is alive, so later full collections skip it.

Shared by the window (start-up, first connection, rows queued in bulk) and each transfer worker (once its connection
is open): botocore's model and handlers and the Qt wrappers are long-lived, and every full
collection walked them again (30-38 ms each in the window; 5-10 % of a worker's CPU in a 1 GiB
download).
"""

from __future__ import annotations

import gc


def freeze_survivors(generation: int = 2) -> None:
    """Collect, then freeze what is alive: later full collections skip it (it is still freed by
    reference counting; only cycles formed later among it are never collected).

    ``generation`` 1 collects the young generations only (a few ms, not a full collection's tens):
    for freezing in the middle of work, such as the transfer queue's rows in bulk; a cycle already
    in the oldest generation then stays frozen with the rest."""
    gc.collect(generation)
    gc.freeze()

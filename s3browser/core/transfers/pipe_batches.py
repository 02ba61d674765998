"""Messages between the window and its transfer workers, sent by a thread of their own, in batches.

Thousands of small files mean thousands of messages each way a second.  One ``send`` per message
cost a pickle, a system call and a thread wake-up each, on both ends.  Here the sending thread
takes everything waiting when it wakes (after :data:`GATHER_SECONDS`, so what comes right after
joins it) and sends it as one ``("batch", [...])`` message: under load the per-message costs are
paid once per batch (an upload's options, the same object in every message, are pickled once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection as Pipe

BATCH = "batch"
# Woken, the sender waits this long before taking what waits: small files sent a message or two per
# wake-up, each wake-up a thread switch and a GIL hand-off on both ends (50,000 x 1 KiB: 27,000 sends
# without it, 6,000 with it, and a fifth less CPU in both processes).  A listing's pages, 16 ahead of
# the window, lose nothing to it; a lone message arrives 2 ms later.
GATHER_SECONDS = 0.002
MOST_PER_BATCH = 256  # a bound on one pickle's size and on the work one wake-up hands the other end


def unbatched(message: tuple) -> Iterator[tuple]:
    """The messages ``message`` carries: itself, or each one of a batch."""
    if message[0] == BATCH:
        yield from message[1]
    else:
        yield message


class BatchingSender:
    """Sends messages over ``pipe`` from its own thread; :meth:`send` never waits for the socket.

    Messages wait in a list; the sending thread is woken once for all that came while it was busy
    (a queue woke it, a system call, for every message).  ``on_broken`` runs once, on the sending
    thread, when the pipe fails (the other end is gone)."""

    def __init__(self, pipe: Pipe, name: str, on_broken: Callable[[], None] | None = None) -> None:
        self.pipe = pipe
        self._lock = threading.Lock()
        self._waiting: list[tuple | None] = []
        self._closed = False
        self._wake = threading.Event()
        self._on_broken = on_broken
        self.broken = False
        self._thread = threading.Thread(target=self._send_all, name=name, daemon=True)
        self._thread.start()

    def send(self, message: tuple) -> None:
        self._hand_over(message)

    def close(self, timeout: float | None = None) -> None:
        """Send what is waiting, then end the thread (waiting for it at most ``timeout`` seconds)."""
        self._hand_over(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _hand_over(self, message: tuple | None) -> None:
        with self._lock:
            if self._closed:
                return  # the thread has ended or is ending: nothing would take it
            self._closed = message is None
            self._waiting.append(message)
            first = len(self._waiting) == 1
        if first:
            self._wake.set()

    def _send_all(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(GATHER_SECONDS)  # let what comes right after join this batch
            with self._lock:
                waiting, self._waiting = self._waiting, []
                self._wake.clear()
            ending = None in waiting
            if ending:
                waiting = waiting[:waiting.index(None)]
            for start in range(0, len(waiting), MOST_PER_BATCH):
                batch = waiting[start:start + MOST_PER_BATCH]
                self._send(batch[0] if len(batch) == 1 else (BATCH, batch))
            if ending:
                return

    def _send(self, message: tuple | None) -> None:
        if self.broken:
            return
        try:
            self.pipe.send(message)
        except (OSError, ValueError):  # the other end is gone, or the pipe was closed at shutdown
            self.broken = True
            if self._on_broken is not None:
                self._on_broken()

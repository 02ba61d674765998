"""Messages between the window and its transfer workers, sent by a thread of their own, in batches.

Thousands of small files mean thousands of messages each way a second.  One ``send`` per message
cost a pickle, a system call and a thread wake-up each, on both ends.  Here the sending thread
takes everything waiting when it wakes and sends it as one ``("batch", [...])`` message: nothing
waits longer than before (a lone message goes at once), and under load the per-message costs are
paid once per batch (an upload's options, the same object in every message, are pickled once).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection as Pipe

BATCH = "batch"
MOST_PER_BATCH = 256  # a bound on one pickle's size and on the work one wake-up hands the other end


def unbatched(message: tuple) -> Iterator[tuple]:
    """The messages ``message`` carries: itself, or each one of a batch."""
    if message[0] == BATCH:
        yield from message[1]
    else:
        yield message


class BatchingSender:
    """Sends messages over ``pipe`` from its own thread; :meth:`send` never waits for the socket.

    ``on_broken`` runs once, on the sending thread, when the pipe fails (the other end is gone)."""

    def __init__(self, pipe: Pipe, name: str, on_broken: Callable[[], None] | None = None) -> None:
        self.pipe = pipe
        self._outbox: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        self._on_broken = on_broken
        self.broken = False
        self._thread = threading.Thread(target=self._send_all, name=name, daemon=True)
        self._thread.start()

    def send(self, message: tuple) -> None:
        self._outbox.put(message)

    def close(self, timeout: float | None = None) -> None:
        """Send what is waiting, then end the thread (waiting for it at most ``timeout`` seconds)."""
        self._outbox.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _send_all(self) -> None:
        while True:
            first = self._outbox.get()
            if first is None:
                return
            batch = [first]
            ending = False
            while len(batch) < MOST_PER_BATCH:
                try:
                    more = self._outbox.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    ending = True
                    break
                batch.append(more)
            if not self.broken:
                try:
                    self.pipe.send(batch[0] if len(batch) == 1 else (BATCH, batch))
                except (OSError, ValueError):  # the other end is gone, or the pipe was closed at shutdown
                    self.broken = True
                    if self._on_broken is not None:
                        self._on_broken()
            if ending:
                return

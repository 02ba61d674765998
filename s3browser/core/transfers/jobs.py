"""Jobs: one-step work the transfer queue runs beside its transfers, on the same engine.

A sync item, a property edit, a version restore or download is a job.  It runs where the
transfers run (in a worker process when there is one), with that process's own connection: a
job holds only plain data and names a plain function, so it can be sent there as it is.  Its
transfers go through the same routes (:mod:`routes`), so they share the engine's pools and its
one memory budget with the queue's own transfers.

``run`` returns a note for the queue row; raising an error whose ``kind`` is "changed" marks the
row skipped (it changed since it was planned), any other error failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from s3browser.core.s3.connection import Connection


class Job(Protocol):
    @property
    def batch_title(self) -> str:  # e.g. "Sync “Photos”": the batch's finished message starts with it
        ...

    def run(self, conn: Connection) -> str: ...


@dataclass(frozen=True)
class CallJob:
    """One call of a plain core function (defined at a module's top level) with the connection first:
    ``function(conn, *args)``; what it returns (a string, or None) is the row's note."""

    batch_title: str
    function: Callable[..., Any]
    args: tuple = ()

    def run(self, conn: Connection) -> str:
        note = self.function(conn, *self.args)
        return note if isinstance(note, str) else ""

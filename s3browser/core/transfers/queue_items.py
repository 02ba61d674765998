"""What the transfer queue holds: one :class:`TransferItem` per upload, download, copy or job.

Plain data, no Qt: the queue (:mod:`queue`) schedules them and the window shows them.  Directions
and states have stable codes (what the saved queue stores) and labels (what people read); a queue
saved by a release that stored the labels still loads (:meth:`Direction.parse`, :meth:`State.parse`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.jobs import Job
from s3browser.core.transfers.options import UploadOptions

REFUSED = "refused"  # error kind of a row refused when it was planned, with no kind of its own


class Direction(enum.Enum):
    label: str

    UPLOAD = "upload"
    DOWNLOAD = "download"
    COPY = "copy"  # server-side
    MOVE = "move"  # server-side copy, then the source is deleted
    DELETE_REMOTE = "delete-remote"  # sync items
    DELETE_LOCAL = "delete-local"
    CONFLICT = "conflict"
    PROPERTIES = "properties"  # a property change (tags, or a copy of the object onto itself)
    RESTORE_VERSION = "restore-version"  # an older version copied over the latest

    @property
    def server_side(self) -> bool:
        return self in (Direction.COPY, Direction.MOVE)

    @classmethod
    def parse(cls, text: str) -> Direction:
        """A saved direction: its code, or the label an earlier release stored."""
        return _DIRECTION_BY_LABEL.get(text) or cls(text)


class State(enum.Enum):
    finished: bool  # set on each member below: read per item in loops over 50,000 rows
    label: str

    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"

    @classmethod
    def parse(cls, text: str) -> State:
        """A saved state: its code, or the label an earlier release stored."""
        return _STATE_BY_LABEL.get(text) or cls(text)


_DIRECTION_LABELS = {Direction.UPLOAD: "Upload", Direction.DOWNLOAD: "Download", Direction.COPY: "Copy",
                     Direction.MOVE: "Move", Direction.DELETE_REMOTE: "Delete on S3",
                     Direction.DELETE_LOCAL: "Delete locally", Direction.CONFLICT: "Conflict",
                     Direction.PROPERTIES: "Properties", Direction.RESTORE_VERSION: "Restore version"}
for _direction, _label in _DIRECTION_LABELS.items():
    _direction.label = _label
_DIRECTION_BY_LABEL = {label: direction for direction, label in _DIRECTION_LABELS.items()}

for _state in State:
    _state.finished = _state in (State.DONE, State.FAILED, State.CANCELLED, State.SKIPPED)
    _state.label = _state.value.capitalize()
_STATE_BY_LABEL = {state.label: state for state in State}


class _NotStarted(Progress):
    """The progress of every item that has not started: shared, so it refuses to change."""

    @property
    def done(self) -> int:
        return 0

    @done.setter
    def done(self, value: int) -> None:
        pass


NOT_STARTED = _NotStarted(0)


@dataclass(eq=False, slots=True)  # 50,000 queued files: 12 MiB of items instead of 15
class TransferItem:
    direction: Direction
    bucket: str
    key: str
    local_path: Path | None  # None for server-side copies and moves
    size: int
    batch: int
    options: UploadOptions | None = None  # uploads
    source_bucket: str = ""  # copies and moves
    source_key: str = ""
    etag: str = ""  # downloads: for verification
    mtime: float = 0.0  # downloads: LastModified to set locally
    root: Path | None = None  # downloads: the folder the user chose (nothing is written outside it)
    note: str = ""  # what was changed to make it fit, e.g. a key renamed for the local file system
    job: Job | None = None  # a one-step job (sync item, property edit) instead of a transfer
    expect: str | None = None  # uploads: the ETag the key must still hold (an edit sent back), or None
    refused: bool = False  # refused when it was planned (a name, an unreadable file): never run, nothing to retry
    saved_id: int | None = None  # its row in the saved queue
    counted_done: int = 0  # its bytes in the queue's settled total
    state: State = State.QUEUED
    error: str = ""  # one sentence for people
    error_kind: str = ""  # what the queue decides on (never the sentence): "changed", REFUSED, ...
    error_detail: str = ""  # the technical text behind the sentence (*Details*)
    progress: Progress = field(default_factory=lambda: NOT_STARTED)  # replaced when it starts
    future: Any = None
    started_at: float = 0.0
    finished_at: float = 0.0
    speed: float = 0.0  # bytes/s, smoothed
    resumed_bytes: int = 0  # already on the server when this upload resumed
    announced: bool = False  # its batch's "finished" message was shown
    row: int = -1  # position in the queue's list, kept by the queue
    _last_sample: tuple[float, int] = (0.0, 0)

    @property
    def name(self) -> str:
        return self.key.rstrip("/").rsplit("/", 1)[-1] or self.key

    def route(self) -> tuple[str, str]:
        """(from, to) as shown to the user: a local path or an ``s3://`` URI each; "" where none applies."""
        remote = f"s3://{self.bucket}/{self.key}"
        local = str(self.local_path) if self.local_path is not None else ""
        direction = self.direction
        if direction.server_side:
            return f"s3://{self.source_bucket}/{self.source_key}", remote
        if direction == Direction.UPLOAD:
            return local, remote
        if direction == Direction.DOWNLOAD:
            return remote, local
        if direction in (Direction.DELETE_REMOTE, Direction.PROPERTIES, Direction.RESTORE_VERSION):
            return remote, ""
        if direction == Direction.DELETE_LOCAL:
            return local, ""
        return local, remote  # a sync conflict: both sides

    @property
    def done_bytes(self) -> int:
        return self.size if self.state == State.DONE else min(self.progress.done, self.size)

    @property
    def fraction(self) -> float:
        if self.size == 0:
            return 1.0 if self.state == State.DONE else 0.0
        return self.done_bytes / self.size

    def sample_speed(self, now: float) -> None:
        last_time, last_bytes = self._last_sample
        done = self.done_bytes
        if last_time:
            instant = (done - last_bytes) / max(now - last_time, 1e-6)
            self.speed = instant if not self.speed else 0.7 * self.speed + 0.3 * instant
        self._last_sample = (now, done)

    @property
    def eta_seconds(self) -> float | None:
        if self.state != State.RUNNING or self.speed <= 1:
            return None
        return (self.size - self.done_bytes) / self.speed

"""The transfer queue model: one row per upload or download, refreshed a few times a second.

Workers (engine threads, or a worker process's reader) only bump byte counters; this model reads them on a GUI timer and
emits one ``dataChanged`` per refresh, so a thousand running transfers cost no signal storm.
"""

from __future__ import annotations

import enum
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from s3browser.core.transfers.engine import Progress, UploadOptions
from s3browser.core.transfers.jobs import Job
from s3browser.ui.formatting import exact_size, human_size
from s3browser.ui.models.flat_table import FlatTableModel

_Index = QModelIndex | QPersistentModelIndex


class Direction(enum.Enum):
    UPLOAD = "Upload"
    DOWNLOAD = "Download"
    COPY = "Copy"  # server-side
    MOVE = "Move"  # server-side copy, then the source is deleted
    DELETE_REMOTE = "Delete on S3"  # sync items
    DELETE_LOCAL = "Delete locally"
    CONFLICT = "Conflict"
    PROPERTIES = "Properties"  # a property change (tags, or a copy of the object onto itself)
    RESTORE_VERSION = "Restore version"  # an older version copied over the latest

    @property
    def server_side(self) -> bool:
        return self in (Direction.COPY, Direction.MOVE)


class State(enum.Enum):
    finished: bool  # set on each member below: read per item in loops over 50,000 rows

    QUEUED = "Queued"
    RUNNING = "Running"
    PAUSED = "Paused"
    DONE = "Done"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    SKIPPED = "Skipped"


for _state in State:
    _state.finished = _state in (State.DONE, State.FAILED, State.CANCELLED, State.SKIPPED)


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
    saved_id: int | None = None  # its row in the saved queue
    counted_done: int = 0  # its bytes in the controller's settled total
    state: State = State.QUEUED
    error: str = ""
    progress: Progress = field(default_factory=lambda: NOT_STARTED)  # replaced when it starts
    future: Any = None
    started_at: float = 0.0
    finished_at: float = 0.0
    speed: float = 0.0  # bytes/s, smoothed
    resumed_bytes: int = 0  # already on the server when this upload resumed
    announced: bool = False  # its batch's "finished" message was shown
    row: int = -1  # position in the queue model, kept by the model
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


COL_NAME, COL_DIRECTION, COL_SIZE, COL_PROGRESS, COL_SPEED, COL_ETA, COL_STATE, COL_ERROR, COL_ROUTE = range(9)
HEADERS = ("Name", "Direction", "Size", "Progress", "Speed", "ETA", "State", "Details", "From → To")
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 20


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds + 0.5)
    if seconds >= 3600:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}:{seconds % 60:02d}"


class TransferQueueModel(FlatTableModel):
    headers = HEADERS
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[TransferItem] = []
        # How many rows are in each state, kept as rows come, go and change state, so the queue's
        # buttons know what they can do without walking the rows.
        self.state_counts: Counter[State] = Counter()

    def add(self, items: list[TransferItem]) -> None:
        if not items:
            return
        start = len(self.items)
        self.beginInsertRows(QModelIndex(), start, start + len(items) - 1)
        for offset, item in enumerate(items):
            item.row = start + offset
        self.items.extend(items)
        self.state_counts.update(item.state for item in items)
        self.endInsertRows()

    def remove_finished(self) -> None:
        keep = [item for item in self.items if not item.state.finished]
        if len(keep) == len(self.items):
            return
        self.beginResetModel()
        self.items = keep
        self.state_counts = Counter(item.state for item in keep)
        for row, item in enumerate(keep):
            item.row = row
        self.endResetModel()

    def holds(self, item: TransferItem) -> bool:
        row = item.row
        return 0 <= row < len(self.items) and self.items[row] is item

    def state_moved(self, old: State, new: State) -> None:
        """One row changed state (called by the controller's single place that changes states)."""
        self.state_counts[old] -= 1
        self.state_counts[new] += 1

    def states_present(self) -> set[State]:
        return {state for state, count in self.state_counts.items() if count > 0}

    def row_of(self, item: TransferItem) -> int:
        return item.row

    def item_changed(self, item: TransferItem) -> None:
        if not self.holds(item):
            return  # cleared from the queue meanwhile
        row = item.row
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def refresh_running(self, running: Iterable[TransferItem]) -> None:
        """Sample the running items' speeds and repaint progress, speed and ETA (one signal, no walk)."""
        if not self.items:
            return
        now = time.monotonic()
        for item in running:
            item.sample_speed(now)
        self.dataChanged.emit(self.index(0, COL_PROGRESS), self.index(len(self.items) - 1, COL_ETA),
                              [Qt.ItemDataRole.DisplayRole, PROGRESS_ROLE])

    # ---------------------------------------------------------------- Qt model API
    def _row_count(self) -> int:
        return len(self.items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return item.name
            if column == COL_DIRECTION:
                return item.direction.value
            if column == COL_SIZE:
                return human_size(item.size)
            if column == COL_PROGRESS:
                return f"{item.fraction * 100:.0f}%"
            if column == COL_SPEED:
                return f"{human_size(int(item.speed))}/s" if item.state == State.RUNNING and item.speed else ""
            if column == COL_ETA:
                return format_eta(item.eta_seconds)
            if column == COL_STATE:
                return item.state.value
            if column == COL_ERROR:
                return item.error or item.note
            if column == COL_ROUTE:
                source, target = item.route()
                return f"{source} → {target}" if target else source
            return None
        if role == PROGRESS_ROLE and column == COL_PROGRESS:
            return item.fraction
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SIZE:
                return exact_size(item.size)
            if column == COL_ERROR and (item.error or item.note):
                return item.error or item.note
            resumed = f"\nResumed: {human_size(item.resumed_bytes)} were already uploaded" if item.resumed_bytes else ""
            source, target = item.route()
            where = f"From: {source}\nTo: {target}" if target else f"{item.direction.value}: {source}"
            return f"{where}{resumed}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_SIZE, COL_SPEED, COL_ETA):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

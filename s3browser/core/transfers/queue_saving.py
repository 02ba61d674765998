"""The queue's saved form: which items are written, when, and how they come back after a restart.

Unfinished items (queued, running, paused, and failed ones that a Retry could still run) are
written to the :class:`QueueStore` in batches on the writer's thread; finished, cancelled and
refused ones are deleted.  Jobs (sync items) are never saved: after a restart their pair is
planned again.  Rows an earlier release saved (with labels, without kinds) read back as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from s3browser.core.transfers.options import UploadOptions
from s3browser.core.transfers.queue_items import Direction, State, TransferItem
from s3browser.core.transfers.queue_store import QueueStore, QueueWriter, SavedTransfer

SAVE_CHUNK = 1000  # queue items saved per call at most


def item_from_saved(saved: SavedTransfer, batch: int) -> TransferItem:
    """A saved row as a queue item: failed ones come back failed (ready for Retry), the rest queued."""
    failed = State.parse(saved.state) == State.FAILED
    options = UploadOptions.from_dict(saved.options) if saved.options is not None else None
    item = TransferItem(Direction.parse(saved.direction), saved.bucket, saved.key, saved.local_path, saved.size,
                        batch, options=options, source_bucket=saved.source_bucket, source_key=saved.source_key,
                        etag=saved.etag, mtime=saved.mtime, root=saved.root, note=saved.note, expect=saved.expect,
                        state=State.FAILED if failed else State.QUEUED, error=saved.error if failed else "",
                        error_kind=saved.error_kind if failed else "",
                        error_detail=saved.error_detail if failed else "")
    item.saved_id = saved.id
    return item


def worth_saving(item: TransferItem) -> bool:
    if item.job is not None:
        return False  # a sync item belongs to its plan: after a restart the pair is planned again
    if item.state in (State.QUEUED, State.RUNNING, State.PAUSED):
        return True
    # Failed at planning (refused name, unreadable file): there is nothing to retry later.
    return item.state == State.FAILED and not item.refused


class QueueSaver:
    """Collects changed items and hands them to the writer in batches; owned by the queue's thread."""

    def __init__(self, identity_of: Callable[[TransferItem], str], store_path: Path | None = None) -> None:
        self._identity_of = identity_of  # the connection an item belongs to
        self._store_path = store_path
        self._writer: QueueWriter | None = None
        self._dirty: dict[int, TransferItem] = {}
        self._saved_as: dict[int, tuple[State, str]] = {}  # saved id -> (state, error) last written
        self._deleted: list[int] = []
        self.closing = False

    @property
    def writer(self) -> QueueWriter:
        if self._writer is None:
            path = self._store_path
            self._writer = QueueWriter(lambda: QueueStore(path))  # opened on the writer's thread
        return self._writer

    def mark(self, items: Iterable[TransferItem]) -> bool:
        """Note items to save (or delete) with the next save; True when the queue just became dirty."""
        if self.closing:
            return False
        had = bool(self._dirty)
        self._dirty.update((id(item), item) for item in items)
        return bool(self._dirty) and not had

    def forget(self, item: TransferItem) -> None:
        """A finished item cleared from the queue: its row goes with the next save."""
        if item.saved_id is not None:
            self._deleted.append(item.saved_id)
            self._saved_as.pop(item.saved_id, None)
            item.saved_id = None

    def delete(self, ids: list[int]) -> None:
        self.writer.submit([], ids)

    def _saved_form(self, item: TransferItem, options_cache: dict[int, dict]) -> SavedTransfer:
        state = {State.RUNNING: State.QUEUED}.get(item.state, item.state)
        options = None
        if item.options is not None:  # one options object per batch: turned into a dict once
            options = options_cache.get(id(item.options))
            if options is None:
                options = options_cache[id(item.options)] = item.options.to_dict()
        if item.saved_id is None:
            item.saved_id = self.writer.new_id()
        return SavedTransfer(self._identity_of(item), item.direction.value, state.value,
                             item.bucket, item.key, item.local_path, item.root, item.size, options,
                             item.source_bucket, item.source_key, item.etag, item.mtime, item.error, item.note,
                             error_kind=item.error_kind, error_detail=item.error_detail, expect=item.expect,
                             id=item.saved_id)

    def save(self, limit: int | None = SAVE_CHUNK) -> bool:
        """Hand the changed items to the writer thread: unfinished ones saved, the rest deleted.

        At most ``limit`` items per call; returns whether more wait (call again soon), so queueing
        thousands of files costs the owner's thread a few milliseconds at a time.
        """
        if not self._dirty and not self._deleted:
            return False
        keys = list(self._dirty)[:limit] if limit is not None else list(self._dirty)
        items = [self._dirty.pop(key) for key in keys]
        save: list[SavedTransfer] = []
        delete, self._deleted = self._deleted, []
        options_cache: dict[int, dict] = {}
        for item in items:
            if worth_saving(item):
                form = (State.QUEUED if item.state == State.RUNNING else item.state, item.error)
                if item.saved_id is not None and self._saved_as.get(item.saved_id) == form:
                    continue  # e.g. queued -> running: saved as "queued" either way
                row = self._saved_form(item, options_cache)
                assert row.id is not None
                self._saved_as[row.id] = form
                save.append(row)
            elif item.saved_id is not None:
                delete.append(item.saved_id)
                self._saved_as.pop(item.saved_id, None)
                item.saved_id = None
        self.writer.submit(save, delete)
        return bool(self._dirty) and not self.closing

    def save_all(self, items: Iterable[TransferItem]) -> None:
        """Quitting: every unfinished item written now, and nothing more accepted."""
        self._dirty.update((id(item), item) for item in items if not item.state.finished)
        self.save(limit=None)
        self.closing = True

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

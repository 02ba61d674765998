"""Queue items made from planned batches: uploads, downloads and server-side copies.

What the plan already knows is settled here: an upload that the overwrite policy skips arrives
skipped, a name refused at planning arrives failed and marked ``refused`` (never run, nothing to
retry), a key saved under another name carries a note saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from s3browser.core.local.paths import LocalTarget
from s3browser.core.transfers.options import Overwrite, UploadOptions, needs_upload
from s3browser.core.transfers.queue_items import REFUSED, Direction, State, TransferItem

if TYPE_CHECKING:
    from s3browser.core.transfers.plans import CopyPlan, DownloadPlan, UploadPlan


def renamed_note(target: LocalTarget) -> str:
    """What the queue row says about a key saved under another name ("" when it kept its name)."""
    if not target.note or target.path is None:
        return ""
    return f"Saved as “{target.path.name}”: {target.note}."


def upload_items(plan: UploadPlan, options: UploadOptions, batch: int,
                 expect: dict[str, str] | None = None) -> Iterator[TransferItem]:
    """The batch's items, made as they are taken (the queue adds a big batch a slice at a time)."""
    options = replace(options)  # one copy per batch, shared by its items (never changed after this)
    for local in plan.files:
        item = TransferItem(Direction.UPLOAD, plan.bucket, local.key, local.path, local.size, batch,
                            options=options, expect=(expect or {}).get(local.key))
        if not needs_upload(options.overwrite, local.size, local.mtime, plan.existing.get(local.key)):
            item.state = State.SKIPPED
            item.error = ("already on S3, kept as it is" if options.overwrite == Overwrite.SKIP
                          else "unchanged, not sent again")
        yield item
    for problem in plan.problems:
        path, _, reason = problem.rpartition(": ")
        yield TransferItem(Direction.UPLOAD, plan.bucket, plan.prefix + Path(path).name, Path(path), 0,
                           batch, options=options, state=State.FAILED,
                           error=f"Cannot read the local file: {reason}", error_kind="unreadable", refused=True)


def download_items(plan: DownloadPlan, batch: int) -> list[TransferItem]:
    items = [TransferItem(Direction.DOWNLOAD, plan.bucket, f.key, f.target.path, f.size, batch, etag=f.etag,
                          mtime=f.mtime, root=plan.root, note=renamed_note(f.target))
             for f in plan.files]
    items += [TransferItem(Direction.DOWNLOAD, plan.bucket, r.key, plan.root, 0, batch, state=State.FAILED,
                           error=f"Not downloaded: the key {r.note}.", error_kind=r.kind or REFUSED, refused=True)
              for r in plan.refused]
    items += [TransferItem(Direction.DOWNLOAD, plan.bucket, f.key, f.target.path, f.size, batch, root=plan.root,
                           state=State.SKIPPED, error="A local file of that name exists; skipped as asked.")
              for f in plan.skipped]
    return items


def copy_items(plan: CopyPlan, batch: int) -> list[TransferItem]:
    direction = Direction.MOVE if plan.move else Direction.COPY
    return [TransferItem(direction, plan.bucket, i.key, None, i.size, batch, source_bucket=plan.source_bucket,
                         source_key=i.source_key) for i in plan.items]

"""Undelete: in a versioned bucket a delete only adds a delete marker; removing it brings the object back.

Like Delete, nothing happens without a count first: :func:`iter_plan_undelete` finds the keys
(one object, or every key under a folder) whose latest entry is a delete marker with a version
still underneath, and :func:`undelete` removes exactly those markers.

The trash's own copies are left out of a folder's undelete unless the folder is inside the trash:
a copy deleted from the trash (emptied, or restored) is not a deleted object of the user's, and
bringing it back would offer the same object again in the trash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from s3browser.core.ops.delete import delete_batches
from s3browser.core.ops.trash import TRASH_PREFIX
from s3browser.core.ops.versions import Target, iter_version_pages
from s3browser.core.s3.connection import Connection


@dataclass
class UndeletePlan:
    """Delete markers whose removal brings deleted objects back: the newest marker of each key whose
    latest entry is a marker and which still has a version underneath."""

    bucket: str
    markers: list[Target] = field(default_factory=list)
    total_size: int = 0  # of the versions that come back
    gone_for_good: int = 0  # deleted keys with no version left to bring back
    complete: bool = False

    @property
    def count(self) -> int:
        return len(self.markers)


def iter_plan_undelete(conn: Connection, bucket: str, keys: list[str], folders: list[str],
                       should_stop: Callable[[], bool] = lambda: False) -> Iterator[UndeletePlan]:
    """Count what undeleting ``keys`` and everything under ``folders`` would bring back, yielding
    the plan as it grows (after each page) and once more at the end."""
    plan = UndeletePlan(bucket)
    for prefix, exact in [(key, True) for key in keys] + [(folder, False) for folder in folders]:
        state: dict[str, Any] = {}
        in_trash = prefix.startswith(TRASH_PREFIX)
        for page in iter_version_pages(conn, bucket, prefix, delimiter="", should_stop=should_stop):
            for i, key in enumerate(page.keys):
                if (exact and key != prefix) or (not in_trash and key.startswith(TRASH_PREFIX)):
                    continue
                _note_entry(plan, state, key, page.version_ids[i], page.sizes[i], bool(page.latest[i]),
                            bool(page.delete_markers[i]))
            yield plan
        _close_key(plan, state)
    plan.complete = not should_stop()
    yield plan


def _note_entry(plan: UndeletePlan, state: dict[str, Any], key: str, version_id: str, size: int, latest: bool,
                marker: bool) -> None:
    """Follow one key's entries (newest first): a latest marker, then whether a version lies under it."""
    if state.get("key") != key:
        _close_key(plan, state)
        state.clear()
        state.update(key=key, marker=version_id if (latest and marker) else None, size=None)
        return
    if state.get("marker") and state.get("size") is None and not marker:
        state["size"] = size


def _close_key(plan: UndeletePlan, state: dict[str, Any]) -> None:
    if not state.get("marker"):
        return
    if state.get("size") is None:
        plan.gone_for_good += 1
        return
    plan.markers.append((state["key"], state["marker"]))
    plan.total_size += state["size"]


def plan_undelete(conn: Connection, bucket: str, keys: list[str], folders: list[str],
                  should_stop: Callable[[], bool] = lambda: False) -> UndeletePlan:
    plan = UndeletePlan(bucket)
    for step in iter_plan_undelete(conn, bucket, keys, folders, should_stop):
        plan = step
    return plan


def undelete(conn: Connection, bucket: str, plan: UndeletePlan,
             should_stop: Callable[[], bool] = lambda: False) -> tuple[int, list[tuple[str, str, str]]]:
    """Remove the plan's delete markers (1,000 per request); a key deleted twice over has its next
    marker removed too, so every counted object really comes back.  Returns (restored, failures)."""
    restored, failures = 0, []
    markers = list(plan.markers)
    for _round in range(5):
        failed_now: set[str] = set()
        for result in delete_batches(conn, bucket, markers, should_stop=should_stop):
            failures.extend(result.failures)
            failed_now.update(key for key, _code, _text in result.failures)
        if should_stop():
            break
        keys = sorted({key for key, _ in markers} - failed_now)
        again = plan_undelete(conn, bucket, keys, [], should_stop) if keys else UndeletePlan(bucket)
        still = {key for key, _ in again.markers}
        restored += len([k for k in keys if k not in still])
        markers = again.markers
        if not markers:
            break
    return restored, failures

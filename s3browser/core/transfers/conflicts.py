"""What to do when a download would land on a file that is already there.

The planner (on a worker) notes which targets exist; the caller decides per file, or once for
all of them: replace it, skip it, or keep both (the download gets a free name such as
``report (1).pdf`` beside the existing file).  Nothing here asks anyone; the window passes a
``decide`` function that does.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from s3browser.core.local.paths import LocalTarget, split_extension
from s3browser.core.transfers.plans import DownloadPlan, RemoteFile

MAX_NAME_BYTES = 255


class Conflict(enum.Enum):
    REPLACE = "replace"
    SKIP = "skip"
    KEEP_BOTH = "keep both"


# (the file, how many conflicts remain after it) -> (choice, apply it to the rest) or None to cancel
Decide = Callable[[RemoteFile, int], "tuple[Conflict, bool] | None"]


def free_name(path: Path, taken: set[Path]) -> Path:
    """``name (1).ext``, ``name (2).ext``… beside ``path``: the first not on disk nor in ``taken``."""
    stem, suffix = split_extension(path.name)
    number = 1
    while True:
        tail = f" ({number}){suffix}"
        room = MAX_NAME_BYTES - len(tail.encode())
        short = stem.encode()[:room].decode(errors="ignore")
        candidate = path.with_name(short + tail)
        if candidate not in taken and not os.path.lexists(candidate):
            return candidate
        number += 1


def free_key(key: str, taken: set[str]) -> str:
    """``name (1).ext``, ``name (2).ext``… beside ``key`` in its folder: the first not in ``taken``
    (the caller adds what the server holds)."""
    folder, _, base = key.rpartition("/")
    stem, suffix = split_extension(base)
    number = 1
    while True:
        name = f"{stem} ({number}){suffix}"
        candidate = f"{folder}/{name}" if folder else name
        if candidate not in taken:
            return candidate
        number += 1


def resolve_conflicts(plan: DownloadPlan, conflicting: list[RemoteFile], decide: Decide) -> bool:
    """Apply a decision to each conflicting file of ``plan``, in place; False if the user cancelled
    (then the plan is left as it was).  Skipped files move to ``plan.skipped``."""
    if not conflicting:
        return True
    decisions: dict[str, Conflict] = {}
    for_all: Conflict | None = None
    for position, remote in enumerate(conflicting):
        if for_all is None:
            answer = decide(remote, len(conflicting) - position - 1)
            if answer is None:
                return False
            choice, apply_to_rest = answer
            if apply_to_rest:
                for_all = choice
        else:
            choice = for_all
        decisions[remote.key] = choice
    taken = {f.target.path for f in plan.files if f.target.path is not None}
    files: list[RemoteFile] = []
    for remote in plan.files:
        decision = decisions.get(remote.key)
        if decision == Conflict.SKIP:
            plan.skipped.append(remote)
            continue
        if decision == Conflict.KEEP_BOTH and remote.target.path is not None:
            path = free_name(remote.target.path, taken)
            taken.add(path)
            note = (remote.target.note + "; " if remote.target.note else "") + "a file of that name was already there"
            remote = replace(remote, target=LocalTarget(remote.key, path, note))
        files.append(remote)
    plan.files = files
    return True

"""The decision table: what a run of a pair would do to each path, as data.

For each path seen on either side or in the baseline, :func:`plan_sync` decides one action
(upload, download, delete on S3, delete locally, conflict) with a reason in words, or nothing.
Local changes are size or mtime against the baseline; remote changes are ETag or size against
it.

What the app cannot see or cannot prove is never treated as deleted or as equal:

* a path at or under a hole in either scan (an unreadable folder, a link, a name that cannot be a
  key, a key that cannot be a file) is kept on both sides and in the baseline;
* two present files are *in step* (and enter the baseline) only when their contents are proven
  equal: the file's MD5 against the ETag (multipart ETags by the likely part sizes).  Where both
  sides changed, or on a first two-way run, an equality that cannot be proven is a conflict.  A
  one-way run may still skip a copy on size and time (as ``aws s3 sync`` does), but what it did not
  prove it does not record;
* a local name and a key that differ only in Unicode normalization (NFD from macOS, NFC from most
  tools) are one path; each side keeps its own form.

Conflicts are never resolved silently: each carries a resolution (keep both by default) that the
preview may change.
"""

from __future__ import annotations

import enum
import heapq
import unicodedata
from collections.abc import Callable, Iterable, Iterator, KeysView
from dataclasses import dataclass, field
from pathlib import Path

from s3browser.core.sync.baseline import BaselineEntry
from s3browser.core.sync.checksums import file_matches_checksum
from s3browser.core.sync.etags import file_matches_etag, same_etag
from s3browser.core.sync.scan import (
    KEPT,
    WHOLE_SCAN,
    LocalEntry,
    LocalScan,
    RemoteEntry,
    RemoteScan,
    let_others_run,
    unknown_root,
)


class Mode(str, enum.Enum):
    UPLOAD = "upload"
    DOWNLOAD = "download"
    MIRROR_TO_S3 = "mirror-to-s3"
    MIRROR_TO_LOCAL = "mirror-to-local"
    TWO_WAY = "two-way"

    @property
    def label(self) -> str:
        return {"upload": "Upload", "download": "Download", "mirror-to-s3": "Mirror to S3",
                "mirror-to-local": "Mirror to local", "two-way": "Two-way"}[self.value]


class Compare(str, enum.Enum):
    SIZE_TIME = "size-time"
    CHECKSUM = "checksum"


class Action(str, enum.Enum):
    UPLOAD = "upload"
    DOWNLOAD = "download"
    DELETE_REMOTE = "delete-remote"
    DELETE_LOCAL = "delete-local"
    CONFLICT = "conflict"

    @property
    def label(self) -> str:
        return {"upload": "Upload", "download": "Download", "delete-remote": "Delete on S3",
                "delete-local": "Delete locally", "conflict": "Conflict"}[self.value]


class Resolution(str, enum.Enum):
    KEEP_BOTH = "keep-both"
    LOCAL = "local"
    S3 = "s3"
    SKIP = "skip"


@dataclass(slots=True)
class SyncItem:
    action: Action
    path: str
    reason: str
    local: LocalEntry | None
    remote: RemoteEntry | None
    resolution: Resolution | None = None  # conflicts only
    selected: bool = True
    local_name: str = ""  # the path's form on disk, when it differs from ``path`` (Unicode normalization)
    remote_name: str = ""  # the path's form in the key, when it differs from ``path``
    restore: bool = False  # a deletion turned into the copy the other way ("download it again")

    @property
    def effective_action(self) -> Action:
        """What running the item does: a restored deletion copies back instead of deleting."""
        if self.restore and self.action == Action.DELETE_REMOTE:
            return Action.DOWNLOAD
        if self.restore and self.action == Action.DELETE_LOCAL:
            return Action.UPLOAD
        return self.action

    @property
    def local_path(self) -> str:
        """Where this item is on disk, relative to the root."""
        return self.local_name or self.path

    @property
    def remote_path(self) -> str:
        """Where this item is on S3, relative to the prefix."""
        return self.remote_name or self.path

    @property
    def size(self) -> int:
        """The bytes this item moves or removes."""
        if self.action in (Action.UPLOAD, Action.DELETE_LOCAL):
            return self.local.size if self.local else 0
        if self.action in (Action.DOWNLOAD, Action.DELETE_REMOTE):
            return self.remote.size if self.remote else 0
        return max(self.local.size if self.local else 0, self.remote.size if self.remote else 0)

    @property
    def deletes_local(self) -> bool:
        if self.restore:
            return False
        return self.action == Action.DELETE_LOCAL or (
            self.action == Action.CONFLICT and self.resolution == Resolution.S3 and self.remote is None)

    @property
    def deletes_remote(self) -> bool:
        if self.restore:
            return False
        return self.action == Action.DELETE_REMOTE or (
            self.action == Action.CONFLICT and self.resolution == Resolution.LOCAL and self.local is None)

    def as_json(self) -> dict:
        data: dict = {"action": self.effective_action.value, "path": self.path, "size": self.size,
                      "reason": self.reason}
        if self.resolution is not None:
            data["resolution"] = self.resolution.value
        return data


@dataclass
class SyncPlan:
    mode: Mode
    items: list[SyncItem] = field(default_factory=list)
    in_step: dict[str, tuple[LocalEntry, RemoteEntry]] = field(default_factory=dict)  # proven equal, no baseline
    stale: list[str] = field(default_factory=list)  # in the baseline, gone from both sides
    problems: dict[str, str] = field(default_factory=dict)  # path -> why it is left out
    folders: list[str] = field(default_factory=list)  # folder markers to make locally (download modes)
    local_count: int = 0
    remote_count: int = 0
    baseline_count: int = 0
    unchanged_local: int = 0  # local files no item touches (counted once, when planned)
    notes: list[str] = field(default_factory=list)  # sentences about the whole run ("sync state missing: …")

    def selected(self) -> list[SyncItem]:
        return [item for item in self.items if item.selected and item.resolution != Resolution.SKIP]

    def totals(self, selected_only: bool = True) -> dict[Action, tuple[int, int]]:
        """Per action: (count, bytes)."""
        totals = {action: (0, 0) for action in Action}
        for item in self.selected() if selected_only else self.items:
            count, size = totals[item.effective_action]
            totals[item.effective_action] = (count + 1, size + item.size)
        return totals

    def local_deletions(self) -> int:
        return sum(1 for item in self.selected() if item.deletes_local)

    def remote_deletions(self) -> int:
        return sum(1 for item in self.selected() if item.deletes_remote)

    def summary(self) -> dict:
        totals = self.totals()
        return {
            "mode": self.mode.value,
            **{action.value: {"count": count, "bytes": size} for action, (count, size) in totals.items()},
            "unchanged_local_files": self.unchanged_local,
            "problems": len(self.problems),
        }

    def as_json(self) -> dict:
        return {"actions": [item.as_json() for item in self.items], "summary": self.summary(),
                "problems": [{"path": path, "reason": reason} for path, reason in sorted(self.problems.items())],
                "notes": list(self.notes)}


# ---------------------------------------------------------------- content comparison
RemoteTime = Callable[[str], float | None]  # the object's `mtime` metadata (a HEAD), or None
RemoteHead = Callable[[str], dict]  # a HEAD with checksums asked for ({} when there is none)


def local_changed(local: LocalEntry, base: BaselineEntry) -> bool:
    return local.size != base.local_size or local.mtime_ns != base.local_mtime_ns


def remote_changed(remote: RemoteEntry, base: BaselineEntry) -> bool:
    return not same_etag(remote.etag, base.remote_etag) or remote.size != base.remote_size


@dataclass
class ContentCheck:
    """Whether a local file and an object hold the same bytes, when no baseline can say.

    Paths given to it are the local form (relative to ``root``) and the remote form (relative to
    the prefix); they differ only in Unicode normalization."""

    root: Path
    method: Compare
    remote_time: RemoteTime | None = None  # asked only for same-size pairs in one-way runs
    remote_head: RemoteHead | None = None  # asked only when the ETag cannot tell

    def proven(self, local_path: str, remote_path: str, local: LocalEntry, remote: RemoteEntry) -> bool | None:
        """True when the bytes are proven equal, False when proven different, None when it can't be told
        (a multipart ETag of an unknown part size or an encrypted object's ETag, with no full-object
        checksum on the server; an unreadable file)."""
        if local.size != remote.size:
            return False
        path = self.root / local_path
        try:
            matches = file_matches_etag(path, remote.etag)
            if matches is None and self.remote_head is not None:
                matches = file_matches_checksum(path, self.remote_head(remote_path))
        except OSError:
            return None
        return matches

    def looks_same(self, local_path: str, remote_path: str, local: LocalEntry, remote: RemoteEntry,
                   source: str) -> bool:
        """Whether a one-way run may leave the destination alone.  ``source`` ("local" or "s3") decides,
        with size and time and no ``mtime`` metadata, which side counts as newer: as ``aws s3 sync``, a
        copy is made when the source is newer.  Never a reason to record the pair as equal."""
        if local.size != remote.size:
            return False
        if self.method == Compare.CHECKSUM:
            matches = self.proven(local_path, remote_path, local, remote)
            if matches is not None:
                return matches
        local_seconds = local.mtime_ns / 1e9
        metadata_time = self.remote_time(remote_path) if self.remote_time is not None else None
        if metadata_time is not None:
            return abs(local_seconds - metadata_time) < 1.0
        if source == "s3":
            return remote.mtime <= local_seconds + 1.0  # the object is not newer than the local copy
        return local_seconds <= remote.mtime + 1.0  # written to S3 after the file last changed


# ---------------------------------------------------------------- the table
_IN_STEP = "in-step"
Decision = tuple[Action, str] | str | None


@dataclass(frozen=True, slots=True)
class Names:
    """One path's forms: ``path`` as the plan shows it, and its forms on disk and in the key."""

    path: str
    local: str = ""
    remote: str = ""

    @property
    def local_path(self) -> str:
        return self.local or self.path

    @property
    def remote_path(self) -> str:
        return self.remote or self.path


def _forms(names: str | Names) -> tuple[str, str]:
    """(on disk, in the key): a plain path is both (built only for the few pairs whose bytes are compared)."""
    return (names.local_path, names.remote_path) if isinstance(names, Names) else (names, names)


def _proven_or_conflict(names: str | Names, local: LocalEntry, remote: RemoteEntry, check: ContentCheck,
                        reason: str) -> Decision:
    proven = check.proven(*_forms(names), local, remote)
    if proven:
        return _IN_STEP
    if proven is None:
        return Action.CONFLICT, f"{reason}; the contents could not be compared"
    return Action.CONFLICT, f"{reason}, contents differ"


def _two_way(names: str | Names, local: LocalEntry | None, remote: RemoteEntry | None, base: BaselineEntry | None,
             check: ContentCheck) -> Decision:
    if base is None:
        if local is not None and remote is None:
            return Action.UPLOAD, "new locally"
        if remote is not None and local is None:
            return Action.DOWNLOAD, "new on S3"
        assert local is not None and remote is not None
        return _proven_or_conflict(names, local, remote, check, "new on both sides")
    lc = local is not None and local_changed(local, base)
    rc = remote is not None and remote_changed(remote, base)
    if local is not None and remote is not None:
        if lc and rc:
            return _proven_or_conflict(names, local, remote, check, "changed on both sides since last sync")
        if lc:
            return Action.UPLOAD, "changed locally since last sync"
        if rc:
            return Action.DOWNLOAD, "changed on S3 since last sync"
        return None
    if local is not None:
        return (Action.CONFLICT, "changed locally, deleted on S3 since last sync") if lc else (
            Action.DELETE_LOCAL, "deleted on S3 since last sync")
    if remote is not None:
        return (Action.CONFLICT, "changed on S3, deleted locally since last sync") if rc else (
            Action.DELETE_REMOTE, "deleted locally since last sync")
    return None


def _one_way(names: str | Names, source_is_local: bool, mirror: bool, local: LocalEntry | None,
             remote: RemoteEntry | None, base: BaselineEntry | None, check: ContentCheck) -> Decision:
    source, destination = (local, remote) if source_is_local else (remote, local)
    copy = Action.UPLOAD if source_is_local else Action.DOWNLOAD
    here, there = ("locally", "on S3") if source_is_local else ("on S3", "locally")
    if source is None:
        if destination is not None and mirror:
            delete = Action.DELETE_REMOTE if source_is_local else Action.DELETE_LOCAL
            return delete, f"not {here}" + (" (deleted since last sync)" if base is not None else "")
        return None
    if destination is None:
        return copy, f"new {here}" if base is None else f"missing {there}"
    assert local is not None and remote is not None
    if base is None:
        if check.method == Compare.CHECKSUM:
            proven = check.proven(*_forms(names), local, remote)
            if proven is not None:
                return _IN_STEP if proven else (copy, f"differs {there}")
        if check.looks_same(*_forms(names), local, remote, "local" if source_is_local else "s3"):
            return None  # left alone, but not proven equal: the baseline does not learn it
        return copy, f"differs {there}"
    source_changed = local_changed(local, base) if source_is_local else remote_changed(remote, base)
    destination_changed = remote_changed(remote, base) if source_is_local else local_changed(local, base)
    if not source_changed and not destination_changed:
        return None
    if source_changed and destination_changed and not mirror:
        return _proven_or_conflict(names, local, remote, check, "changed on both sides since last sync")
    if source_changed:
        return copy, f"changed {here} since last sync"
    if mirror:
        return copy, f"changed {there} since last sync; the {'local' if source_is_local else 'S3'} copy wins"
    return None  # only the destination changed: not this mode's business


def decide(mode: Mode, path: str | Names, local: LocalEntry | None, remote: RemoteEntry | None,
           base: BaselineEntry | None, check: ContentCheck) -> Decision:
    """One cell of the decision table: an (action, reason), "in-step", or None for nothing to do."""
    if mode == Mode.TWO_WAY:
        return _two_way(path, local, remote, base, check)
    source_is_local = mode in (Mode.UPLOAD, Mode.MIRROR_TO_S3)
    mirror = mode in (Mode.MIRROR_TO_S3, Mode.MIRROR_TO_LOCAL)
    return _one_way(path, source_is_local, mirror, local, remote, base, check)


# ---------------------------------------------------------------- one name per path
def canonical(path: str) -> str:
    """The form paths are matched in: NFC (what S3 keys from most tools and Linux names use)."""
    return path if path.isascii() else unicodedata.normalize("NFC", path)


def _aliases(names: Iterable[str], problems: dict[str, str], side: str) -> dict[str, str]:
    """canonical -> the side's own form, for the names whose form is not the canonical one (none, on
    most trees: plain ASCII is canonical, so nothing is normalized per name).  Two names of one side
    that differ only in normalization are one path with two contents: a problem, kept on both sides."""
    aliases: dict[str, str] = {}
    odd = [name for name in names if not name.isascii()]
    if not odd:
        return aliases
    present = set(names)
    for name in odd:
        key = unicodedata.normalize("NFC", name)
        if key == name:
            continue
        other = aliases.get(key) or (key if key in present else None)
        if other is None:
            aliases[key] = name
            continue
        problems[key] = problems[name] = (f"{side} has two names for it that differ only in Unicode "
                                          f"normalization (“{other}” and “{name}”); {KEPT}")
    return aliases


def _canonical_names(names: KeysView[str], aliases: dict[str, str]) -> KeysView[str] | set[str]:
    if not aliases:
        return names
    return (set(names) - set(aliases.values())) | aliases.keys()


def _holes(problems: dict[str, str]) -> dict[str, str]:
    return {canonical(path): reason for path, reason in problems.items()}


def sorted_in_slices(paths: Iterable[str], slice_size: int = 20_000) -> Iterator[str]:
    """``sorted(paths)``, but never one long sort holding the GIL (30 ms at 100,000 paths): slices
    are sorted one at a time, other threads get a turn in between, and the slices are merged."""
    everything = list(paths)
    slices = []
    for start in range(0, len(everything), slice_size):
        slices.append(sorted(everything[start:start + slice_size]))
        let_others_run()
    return heapq.merge(*slices)


def plan_sync(mode: Mode, local: LocalScan, remote: RemoteScan, baseline: dict[str, BaselineEntry],
              check: ContentCheck, conflict: Resolution = Resolution.KEEP_BOTH) -> SyncPlan:
    """Decide every path; the plan is data (shown by the preview, printed by the command line)."""
    plan = SyncPlan(mode, local_count=len(local.files), remote_count=len(remote.files),
                    baseline_count=len(baseline))
    holes = {**_holes(local.problems), **_holes(remote.problems)}
    local_aliases = _aliases(local.files, holes, "the folder")
    remote_aliases = _aliases(remote.files, holes, "the prefix")
    base_entries = {canonical(path): entry for path, entry in baseline.items()}
    plan.problems.update(holes)
    deletes_allowed = mode in (Mode.MIRROR_TO_S3, Mode.MIRROR_TO_LOCAL, Mode.TWO_WAY)
    local_files, remote_files = local.files, remote.files
    # One list per action, filled in path order: the plan comes out grouped without a sort of its items.
    by_action: dict[Action, list[SyncItem]] = {action: [] for action in _ORDER}
    paths = (_canonical_names(local_files.keys(), local_aliases) | _canonical_names(remote_files.keys(), remote_aliases)
             | base_entries.keys())
    for count, path in enumerate(sorted_in_slices(paths)):
        if count % 2000 == 1999:
            let_others_run()
        local_name = local_aliases.get(path, path) if local_aliases else path
        remote_name = remote_aliases.get(path, path) if remote_aliases else path
        local_entry = local_files.get(local_name)
        remote_entry = remote_files.get(remote_name)
        if holes:
            hole = unknown_root(path, holes)
            if hole is not None:
                # Not seen, or not seen whole: neither copied, deleted nor forgotten.
                if path != hole and path not in plan.problems:
                    where = "the whole scan" if hole == WHOLE_SCAN else f"“{hole}”"
                    plan.problems[path] = f"not readable: under {where}, which {holes[hole]}"
                continue
        base = base_entries.get(path)
        if local_entry is None and remote_entry is None:
            plan.stale.append(path)
            continue
        own_local = local_name if local_entry is not None and local_name != path else ""
        own_remote = remote_name if remote_entry is not None and remote_name != path else ""
        names: str | Names = Names(path, own_local, own_remote) if own_local or own_remote else path
        decision = decide(mode, names, local_entry, remote_entry, base, check)
        if decision is None:
            continue
        if decision == _IN_STEP:
            assert local_entry is not None and remote_entry is not None
            plan.in_step[path] = (local_entry, remote_entry)
            continue
        assert isinstance(decision, tuple)
        action, reason = decision
        if action in (Action.DELETE_LOCAL, Action.DELETE_REMOTE) and not deletes_allowed:
            continue
        item = SyncItem(action, path, reason, local_entry, remote_entry)
        if own_local or own_remote:  # forms differ only in Unicode normalization: each side keeps its own
            # a key downloaded new keeps its form on disk; a file uploaded new keeps its form in the key
            item.local_name = own_local or (own_remote if local_entry is None else "")
            item.remote_name = own_remote or (own_local if remote_entry is None else "")
        if action == Action.CONFLICT:
            item.resolution = conflict
        by_action[action].append(item)
    if mode in (Mode.DOWNLOAD, Mode.MIRROR_TO_LOCAL, Mode.TWO_WAY):
        plan.folders = sorted(f for f in remote.folders
                              if unknown_root(canonical(f), holes) is None and not (local.root / f).is_dir())
    plan.items = [item for action in _ORDER for item in by_action[action]]
    plan.unchanged_local = plan.local_count - sum(1 for item in plan.items if item.local is not None)
    return plan


# The order of the groups in a plan (and in the preview): conflicts first, they need a decision.
_ORDER = (Action.CONFLICT, Action.UPLOAD, Action.DOWNLOAD, Action.DELETE_REMOTE, Action.DELETE_LOCAL)

"""A confirmed sync item as a queue job: sent to where the transfers run and carried out there.

The job is plain data (the item, the pair's bucket, prefix, folder and log file), so it runs in a
transfer worker process with that process's connection: the window's process does no S3 work
for a sync.  The pair's baseline is opened once per process and pair (SQLite in WAL mode, so
the window and a worker may both have it open), and each outcome gets its line in the run log
as it happens, from wherever the item ran.
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from s3browser.core.s3.errors import describe
from s3browser.core.sync.apply import ChangedSincePlan, Outcome, SyncTarget, apply_item
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.plan import SyncItem
from s3browser.core.sync.runlog import append_outcome

if TYPE_CHECKING:
    from s3browser.core.s3.connection import Connection

_baselines: dict[str, Baseline] = {}
_targets: dict[tuple[SyncTargetSpec, int], SyncTarget] = {}
_lock = threading.Lock()


def _baseline(pair_id: str) -> Baseline:
    with _lock:
        baseline = _baselines.get(pair_id)
        if baseline is None:
            baseline = _baselines[pair_id] = Baseline(pair_id)
        return baseline


def _target(spec: SyncTargetSpec, conn: Connection) -> SyncTarget:
    """The run's target in this process, made once per run and connection (not once per item)."""
    key = (spec, id(conn))
    with _lock:
        found = _targets.get(key)
    if found is None:
        found = SyncTarget(conn, spec.bucket, spec.prefix, Path(spec.root), _baseline(spec.pair_id), spec.soft_delete)
        with _lock:
            _targets[key] = found
    return found


@atexit.register
def close_baselines() -> None:
    """Close the baselines this process opened for jobs (also at exit)."""
    with _lock:
        for baseline in _baselines.values():
            baseline.close()
        _baselines.clear()
        _targets.clear()


@dataclass(frozen=True)
class SyncTargetSpec:
    """Where a run is carried out, as plain data (the connection is the runner's own).  Paths travel
    as strings: a Path is parsed again each time it is unpickled, once per item."""

    bucket: str
    prefix: str
    root: str  # the folder the plan saw (the pair's folder, a link resolved once)
    pair_id: str
    soft_delete: bool
    log_path: str = ""


@dataclass(frozen=True)
class SyncItemJob:
    batch_title: str
    spec: SyncTargetSpec
    item: SyncItem

    def run(self, conn: Connection) -> str:
        spec, item = self.spec, self.item
        target = _target(spec, conn)
        try:
            note = apply_item(target, item)
        except ChangedSincePlan as exc:
            self._log(Outcome(item, "skipped", exc.message))
            raise
        except Exception as exc:
            self._log(Outcome(item, "failed", describe(exc, bucket=spec.bucket,
                                                       key=target.key(item.remote_path)).message))
            raise
        self._log(Outcome(item, "done", note))
        return note

    def _log(self, outcome: Outcome) -> None:
        if self.spec.log_path:
            append_outcome(Path(self.spec.log_path), outcome)

"""One log file per run of a pair: start, end, mode, counts, and each action with its outcome."""

from __future__ import annotations

import atexit
import threading
import time
from pathlib import Path
from typing import TextIO

from s3browser.core.local.display import one_line
from s3browser.core.settings.dirs import log_dir
from s3browser.core.sync.apply import ApplyReport, Outcome
from s3browser.core.sync.plan import SyncPlan


def run_log_folder(pair_id: str) -> Path:
    return log_dir() / "sync" / pair_id


def latest_run_log(pair_id: str) -> Path | None:
    """The newest log of a pair (what the Sync panel opens), or None before its first run."""
    folder = run_log_folder(pair_id)
    logs = sorted(folder.glob("*.log")) if folder.is_dir() else []
    return logs[-1] if logs else None


class RunLog:
    """Written line by line as the run goes (each line appended and flushed), so a crash leaves what
    happened up to it, and items retried after the end still get their line.  Safe across threads."""

    def __init__(self, pair_id: str, local: str, uri: str, plan: SyncPlan, dry_run: bool = False) -> None:
        folder = run_log_folder(pair_id)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = folder / f"{stamp}{'-dry-run' if dry_run else ''}.log"
        self._lock = threading.Lock()
        totals = ", ".join(f"{action.value} {count}" for action, (count, _size) in plan.totals().items() if count)
        self._line(f"start {plan.mode.value} {local} <-> {uri}" + (" (dry run)" if dry_run else ""))
        self._line(f"planned: {totals or 'nothing to do'}; {len(plan.problems)} left out")
        for path, reason in sorted(plan.problems.items()):
            self._line(f"left out {path}: {reason}")
        for note in plan.notes:
            self._line(note)

    def _line(self, text: str) -> None:
        with self._lock:
            append_line(self.path, text)

    def outcome(self, outcome: Outcome) -> None:
        with self._lock:
            append_outcome(self.path, outcome)

    def note(self, text: str) -> None:
        self._line(text)

    def finish(self, report: ApplyReport | None) -> None:
        if report is None:
            self._line("end: nothing was changed")
        else:
            self._line(f"end: {report.done} done, {report.skipped} skipped, {report.failed} failed"
                       + (" (cancelled)" if report.cancelled else ""))


_open_logs: dict[str, TextIO] = {}
_open_lock = threading.Lock()


def append_line(path: Path, text: str) -> None:
    """Append one timestamped line: one write of one line (O_APPEND), so lines from several processes
    never mix.  The file stays open for the next line (a sync writes one per item), flushed each time."""
    line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {one_line(text)}\n"  # one line, whatever a name holds
    with _open_lock:
        handle = _open_logs.get(str(path))
        if handle is None:
            handle = _open_logs[str(path)] = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
            if len(_open_logs) > 8:  # earlier runs' logs: closed
                for old in [name for name in _open_logs if name != str(path)][:-4]:
                    _open_logs.pop(old).close()
        handle.write(line)
        handle.flush()


@atexit.register
def close_logs() -> None:
    with _open_lock:
        for handle in _open_logs.values():
            handle.close()
        _open_logs.clear()


def append_outcome(path: Path, outcome: Outcome) -> None:
    item = outcome.item
    note = f": {outcome.message}" if outcome.message else ""
    append_line(path, f"{outcome.status} {item.effective_action.value} {item.path}{note}")

"""One log file per run of a pair: start, end, mode, counts, and each action with its outcome."""

from __future__ import annotations

import time
from pathlib import Path

from s3browser.core.settings.dirs import log_dir
from s3browser.core.sync.apply import ApplyReport, Outcome
from s3browser.core.sync.plan import SyncPlan


def run_log_folder(pair_id: str) -> Path:
    return log_dir() / "sync" / pair_id


class RunLog:
    """Written as the run goes, so a crash leaves what happened up to it."""

    def __init__(self, pair_id: str, local: str, uri: str, plan: SyncPlan, dry_run: bool = False) -> None:
        folder = run_log_folder(pair_id)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = folder / f"{stamp}{'-dry-run' if dry_run else ''}.log"
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed by finish()
        totals = ", ".join(f"{action.value} {count}" for action, (count, _size) in plan.totals().items() if count)
        self._line(f"start {plan.mode.value} {local} <-> {uri}" + (" (dry run)" if dry_run else ""))
        self._line(f"planned: {totals or 'nothing to do'}; {len(plan.problems)} left out")
        for path, reason in sorted(plan.problems.items()):
            self._line(f"left out {path}: {reason}")

    def _line(self, text: str) -> None:
        self._file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}\n")
        self._file.flush()

    def outcome(self, outcome: Outcome) -> None:
        item = outcome.item
        note = f": {outcome.message}" if outcome.message else ""
        self._line(f"{outcome.status} {item.action.value} {item.path}{note}")

    def finish(self, report: ApplyReport | None) -> None:
        if report is None:
            self._line("end: nothing was changed")
        else:
            self._line(f"end: {report.done} done, {report.skipped} skipped, {report.failed} failed"
                       + (" (cancelled)" if report.cancelled else ""))
        self._file.close()

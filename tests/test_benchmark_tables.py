"""The README's Performance tables are generated from the committed raw results and must agree."""

from __future__ import annotations

import json
import re
import statistics

from tests.benchmarks import readme


def test_readme_tables_match_the_committed_results() -> None:
    results = json.loads(readme.RESULTS.read_text())
    text = readme.README.read_text()
    assert readme.updated(text, results) == text, "run: python -m tests.benchmarks.readme"


def test_the_tables_come_from_the_raw_runs() -> None:
    results = json.loads(readme.RESULTS.read_text())
    ours = results["raw"]["T3: upload small files | s3browser"]
    rendered = readme.render(results)
    median_seconds = statistics.median(r["seconds"] for r in ours)
    assert re.search(rf"\| T3: upload small files +\| s3browser +\| {median_seconds:.2f} ", rendered)


def test_the_stall_breakdown_splits_each_runs_worst_stall() -> None:
    from tests.benchmarks.__main__ import report_stalls

    runs = [{"stall": 0.060, "stall_cpu": 0.010, "stall_wait": 0.045},
            {"stall": 0.090, "stall_cpu": 0.020, "stall_wait": 0.050},
            {"stall": 0.030, "stall_cpu": 0.001, "stall_wait": 0.009}]
    text = report_stalls({"T2: download 1 file | s3browser": runs}, {})
    assert re.search(r"\| T2: download 1 file +\| 60 +\| 10 +\| 45 +\| 5 +\|", text), text
    assert report_stalls({"T2: download 1 file | s3browser": [{"stall": 0.1}]}, {}) == "", \
        "runs from before the breakdown existed give no table"


def test_the_heartbeat_tells_the_gui_threads_own_work_from_waiting(qapp) -> None:  # noqa: ANN001
    import time

    from tests.benchmarks.probes import Heartbeat

    heartbeat = Heartbeat()
    heartbeat.start()
    busy_until = time.thread_time() + 0.08
    while time.thread_time() < busy_until:  # the GUI thread itself busy for 80 ms of its own CPU (wall
        pass                               # time would give it less CPU on a loaded machine)
    deadline = time.perf_counter() + 0.05
    while time.perf_counter() < deadline:
        qapp.processEvents()
    assert heartbeat.stop() >= 0.07
    assert heartbeat.worst_parts("stall")["stall_cpu"] >= 0.06, "the busy loop was the GUI thread's own CPU"

    heartbeat.start()
    time.sleep(0.08)  # blocked, not running and not waiting for a core
    deadline = time.perf_counter() + 0.05
    while time.perf_counter() < deadline:
        qapp.processEvents()
    assert heartbeat.stop() >= 0.07
    assert heartbeat.worst_parts("stall")["stall_cpu"] < 0.03

"""Measurements of s3browser itself, each run in a fresh process and printed as one JSON line.

    python -m tests.benchmarks.probes core-list ENDPOINT AK SK BUCKET PREFIX
    python -m tests.benchmarks.probes gui-list ENDPOINT AK SK BUCKET PREFIX
    python -m tests.benchmarks.probes synthetic COUNT
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def proc_peak_rss_kb(pid: int) -> int:
    """A process's own high-water mark (VmHWM starts afresh at exec, unlike ru_maxrss)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_stat(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state first), or [] if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return []


def proc_cpu_seconds(pid: int | str, fields: list[str] | None = None) -> float:
    """User plus system CPU of one process so far."""
    fields = proc_stat(pid) if fields is None else fields
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def current_rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def connection(endpoint: str, access_key: str, secret_key: str):
    from s3browser.core.s3.connection import Connection
    from s3browser.core.settings.profiles import SOURCE_ADHOC, Profile
    from s3browser.core.settings.secrets import Secrets

    profile = Profile(name="bench", endpoint_url=endpoint, region="us-east-1", access_key_id=access_key,
                      path_style=True, source=SOURCE_ADHOC)
    return Connection(profile, Secrets(secret_key))


def core_list(endpoint: str, access_key: str, secret_key: str, bucket: str, prefix: str) -> dict[str, Any]:
    from s3browser.core.s3.listing import iter_pages

    conn = connection(endpoint, access_key, secret_key)
    start = time.perf_counter()
    count = sum(len(page) for page in iter_pages(conn, bucket, prefix))
    return {"seconds": time.perf_counter() - start, "count": count, "peak_rss_kb": peak_rss_kb()}


def run_queue_wait_seconds() -> float:
    """How long the calling thread has waited for a core so far (Linux schedstat; 0 elsewhere)."""
    try:
        with open("/proc/thread-self/schedstat") as handle:
            return int(handle.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class Heartbeat:
    """A 5 ms QTimer; the largest lateness is the longest the event loop was blocked.

    For the worst lateness it also keeps where that time went: the GUI thread's own CPU, and its
    wait on the run queue for a core (the rest is waiting for the GIL or another lock).
    """

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)
        self.reset()

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.last_wait = run_queue_wait_seconds()
        self.worst = 0.0
        self.worst_cpu = self.worst_wait = 0.0

    def _beat(self) -> None:
        now, cpu, wait = time.perf_counter(), time.thread_time(), run_queue_wait_seconds()
        late = now - self.last - self.interval
        if late > self.worst:
            self.worst, self.worst_cpu, self.worst_wait = late, cpu - self.last_cpu, wait - self.last_wait
        self.last, self.last_cpu, self.last_wait = now, cpu, wait

    def start(self) -> None:
        self.reset()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(0.0, self.worst)

    def worst_parts(self, name: str) -> dict[str, float]:
        """The last worst stall's GUI CPU and run-queue wait, as ``{name}_cpu`` and ``{name}_wait``."""
        return {f"{name}_cpu": self.worst_cpu, f"{name}_wait": self.worst_wait}


def _app_and_window():
    from keyring.backends import fail
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from s3browser.core.settings.logs import setup_logging
    from s3browser.core.settings.profiles import ProfileStore
    from s3browser.core.settings.secrets import SecretStore
    from s3browser.ui.main_window import MainWindow

    setup_logging()  # as s3browser.app.main does: what the log costs is part of what a user waits for
    home = tempfile.mkdtemp(prefix="s3browser-bench-")
    QCoreApplication.setOrganizationName("s3browser-bench")
    QCoreApplication.setApplicationName("s3browser-bench")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, home)
    app = QApplication.instance() or QApplication([])
    store = ProfileStore(SecretStore(fail.Keyring()), path=__import__("pathlib").Path(home) / "p.json",
                         include_aws=False)
    window = MainWindow(store)
    window.resize(1200, 800)
    window.show()
    app.processEvents()
    from s3browser.app import freeze_startup_objects

    freeze_startup_objects()  # as s3browser.app.main does
    return app, window


def _wait(app, condition: Callable[[], bool], timeout: float = 600) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        app.processEvents()
        time.sleep(0.0005)


class FirstPaint:
    """Records when the table's viewport first paints with rows in the model."""

    def __init__(self, window) -> None:  # noqa: ANN001
        from PySide6.QtCore import QEvent, QObject

        outer = self
        self.at: float | None = None

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: ANN001, N802
                if event.type() == QEvent.Type.Paint and outer.at is None and window.table_model.rowCount():
                    outer.at = time.perf_counter()
                return False

        self._filter = Filter()
        window.table.viewport().installEventFilter(self._filter)


def _interaction_stalls(app, window, heartbeat: Heartbeat) -> dict[str, float]:
    """Scroll through, sort by size and date, and type a filter; the worst stall of each, in seconds."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from s3browser.ui.browsing.object_table import COL_MODIFIED, COL_NAME, COL_SIZE

    results: dict[str, float] = {}
    bar = window.table.verticalScrollBar()
    heartbeat.start()
    for step in range(0, 101):
        bar.setValue(bar.maximum() * step // 100)
        app.processEvents()
    for _ in range(0, 60):  # then a fling of single-page scrolls
        bar.triggerAction(bar.SliderAction.SliderPageStepSub)
        app.processEvents()
    results["scroll_stall"] = heartbeat.stop()

    model = window.table_model

    def answered() -> None:
        """Until the sort or filter is shown (it runs on a worker for a big listing), then painted."""
        _wait(app, lambda: not model.ordering)
        window.table.viewport().repaint()

    for name, column in (("size", COL_SIZE), ("date", COL_MODIFIED)):
        heartbeat.start()
        start = time.perf_counter()
        window.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
        answered()
        results[f"sort_{name}_seconds"] = time.perf_counter() - start
        app.processEvents()
        results[f"sort_{name}_stall"] = heartbeat.stop()
    window.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
    _wait(app, lambda: not model.ordering)

    worst = 0.0
    heartbeat.start()
    for key in "7":
        start = time.perf_counter()
        QTest.keyClick(window.filter_edit, key)
        answered()
        worst = max(worst, time.perf_counter() - start)
        app.processEvents()
    results["filter_keystroke_seconds"] = worst
    results["filter_stall"] = heartbeat.stop()
    results["filtered_rows"] = window.table_model.rowCount()
    window.filter_edit.clear()
    app.processEvents()
    return results


def gui_list(endpoint: str, access_key: str, secret_key: str, bucket: str, prefix: str) -> dict[str, Any]:
    from s3browser.core.s3.locations import Location

    app, window = _app_and_window()
    conn = connection(endpoint, access_key, secret_key)
    window.connections.use_connection(conn, remember=False)
    _wait(app, lambda: not window.table_model.is_loading)
    # The window lists folders in its transfer worker once that is up (about a second after
    # connecting, before a user has picked a folder); before, in its own process.
    engine = window.transfers.queue.engine
    _wait(app, lambda: not hasattr(engine, "listing_ready") or engine.listing_ready(), timeout=60)
    paint = FirstPaint(window)
    heartbeat = Heartbeat()
    heartbeat.start()
    start = time.perf_counter()
    window.navigation.navigate(Location(bucket, prefix))
    _wait(app, lambda: not window.table_model.is_loading)
    loaded = time.perf_counter()
    load_stall = heartbeat.stop()
    result = {"seconds": loaded - start, "count": window.table_model.rowCount(),
              "first_paint_seconds": (paint.at - start) if paint.at else None, "load_stall": load_stall,
              "peak_rss_kb": peak_rss_kb(), **heartbeat.worst_parts("load_stall")}
    result.update(_interaction_stalls(app, window, heartbeat))
    window.shutdown()
    return result


def synthetic_pages(count: int, page_size: int = 1000) -> Callable[..., Iterator[Any]]:
    """A page source shaped like ListObjectsV2 answers (sorted keys, sizes, times), without a server."""
    from s3browser.core.s3.listing import ListingPage

    def pages(connection, bucket: str, prefix: str, should_stop: Callable[[], bool]):  # noqa: ANN001
        base = 1_760_000_000.0
        for first in range(0, count, page_size):
            if should_stop():
                return
            last = min(count, first + page_size)
            yield ListingPage(bucket=bucket, prefix=prefix,
                              keys=[f"{prefix}object-{i:08d}.dat" for i in range(first, last)],
                              sizes=[(i * 7919) % 1_000_003 for i in range(first, last)],
                              mtimes=[base + (i * 104729) % 86_400_000 for i in range(first, last)],
                              storage_classes=["STANDARD"] * (last - first), is_last=last == count)
    return pages


def synthetic(count: int) -> dict[str, Any]:
    """B4/B5: the real model and view fed ``count`` synthetic rows through the task runner."""
    from s3browser.core.s3.locations import Location
    from s3browser.ui.browsing import object_table

    app, window = _app_and_window()
    window.table_model.set_connection(object())  # any non-None connection: pages come from the fake source
    object_table.iter_pages = synthetic_pages(count)
    gc.collect()
    app.processEvents()
    before = current_rss_bytes()
    heartbeat = Heartbeat()
    heartbeat.start()
    start = time.perf_counter()
    window.navigation.navigate(Location("synthetic", "data/"))
    _wait(app, lambda: not window.table_model.is_loading)
    load_seconds = time.perf_counter() - start
    load_stall = heartbeat.stop()
    gc.collect()
    app.processEvents()
    after = current_rss_bytes()
    rows = window.table_model.rowCount()
    result = {"count": rows, "load_seconds": load_seconds, "load_stall": load_stall,
              "bytes_per_object": (after - before) / rows, "peak_rss_kb": peak_rss_kb()}
    result.update(_interaction_stalls(app, window, heartbeat))
    window.shutdown()
    return result


def gui_transfer(mode: str, endpoint: str, access_key: str, secret_key: str, bucket: str, local: str,
                 remote: str) -> dict[str, Any]:
    """Transfers through the real window and queue: upload a file or folder, or download a key."""
    from pathlib import Path

    from s3browser.core.s3.locations import Location
    from s3browser.core.transfers.options import Overwrite, UploadOptions
    from s3browser.core.transfers.plans import plan_downloads

    app, window = _app_and_window()
    conn = connection(endpoint, access_key, secret_key)
    window.connections.use_connection(conn, remember=False)
    _wait(app, lambda: not window.table_model.is_loading)
    # The window starts its transfer worker on connecting, and a user's drop comes after it has
    # loaded (about 0.6 s here), so the clock starts with the worker ready.  The peers' times
    # include starting their own process (milliseconds for s5cmd and rclone, ~0.4 s for aws).
    engine = window.transfers.queue.engine
    _wait(app, lambda: not hasattr(engine, "ready") or engine.ready(), timeout=60)
    heartbeat = Heartbeat()
    plan = plan_downloads(conn, bucket, [remote], [], "", Path(local)) if mode == "download" else None
    heartbeat.start()
    start = time.perf_counter()
    if mode == "download":
        window.transfers.add_downloads(plan)
    else:
        window.transfer_actions.upload_paths([Path(local)], Location(bucket, remote),
                                             UploadOptions(overwrite=Overwrite.OVERWRITE))
    cpu_start = time.process_time()
    _wait(app, lambda: bool(window.transfers.model.items) and window.transfers.active_count == 0, timeout=1800)
    seconds = time.perf_counter() - start
    gui_cpu = time.process_time() - cpu_start
    stall = heartbeat.stop()
    stall_parts = heartbeat.worst_parts("stall")
    failed = [i.error for i in window.transfers.model.items if i.state.label != "Done"]
    # The workers' own peaks and CPU, read before they stop (RUSAGE_CHILDREN would count the
    # window's memory again: ru_maxrss survives fork and exec).
    pids = [w.process.pid for engine in window.transfers.queue.engines.all() for w in getattr(engine, "_workers", [])
            if w.process is not None]
    workers_rss = [proc_peak_rss_kb(pid) for pid in pids]
    workers_cpu = sum(proc_cpu_seconds(pid) for pid in pids)
    window.shutdown()
    return {"seconds": seconds, "stall": stall, **stall_parts, "files": len(window.transfers.model.items),
            "failed": failed[:3], "peak_rss_kb": peak_rss_kb(), "workers": len(pids),
            "workers_rss_kb": sum(workers_rss), "workers_peak_rss_kb": workers_rss,
            "gui_cpu_seconds": gui_cpu, "workers_cpu_seconds": workers_cpu}


def gui_sync_apply(endpoint: str, access_key: str, secret_key: str, bucket: str, local: str,
                   prefix: str) -> dict[str, Any]:
    """S4: a two-way sync of ``local`` to an empty ``prefix`` (every file new: all uploads), planned in
    the preview and applied through the window's queue and its worker, as a user's Start does."""
    from s3browser.core.sync.pairs import PairStore, SyncPair
    from s3browser.core.sync.plan import Mode

    app, window = _app_and_window()
    conn = connection(endpoint, access_key, secret_key)
    window.connections.use_connection(conn, remember=False)
    _wait(app, lambda: not window.table_model.is_loading)
    engine = window.transfers.queue.engine
    _wait(app, lambda: not hasattr(engine, "ready") or engine.ready(), timeout=60)  # as for T1-T4
    pair = SyncPair("bench-apply", window.ctx.connection.profile.name, local, bucket, prefix, mode=Mode.TWO_WAY)
    PairStore().save(pair)
    preview = window.sync.sync_pair(pair)
    _wait(app, lambda: preview.run is not None)
    run = preview.run
    batches: list[int] = []
    window.transfers.batch_done.connect(batches.append)
    heartbeat = Heartbeat()
    heartbeat.start()
    start = time.perf_counter()
    cpu_start = time.process_time()
    window.sync.start_run(run)
    _wait(app, lambda: bool(batches), timeout=1800)
    seconds = time.perf_counter() - start
    gui_cpu = time.process_time() - cpu_start
    stall = heartbeat.stop()
    stall_parts = heartbeat.worst_parts("stall")
    rows = window.transfers.batch_items(batches[0])
    failed = [i.error for i in rows if i.state.label != "Done"]
    pids = [w.process.pid for engine in window.transfers.queue.engines.all() for w in getattr(engine, "_workers", [])
            if w.process is not None]
    workers_rss = [proc_peak_rss_kb(pid) for pid in pids]
    workers_cpu = sum(proc_cpu_seconds(pid) for pid in pids)
    window.shutdown()
    return {"seconds": seconds, "stall": stall, **stall_parts, "files": len(rows), "failed": failed[:3],
            "peak_rss_kb": peak_rss_kb(), "workers": len(pids), "workers_rss_kb": sum(workers_rss),
            "gui_cpu_seconds": gui_cpu, "workers_cpu_seconds": workers_cpu}


def _count_calls(conn) -> dict[str, int]:  # noqa: ANN001
    """Every S3 request the connection's client makes, by operation (HeadObject must stay at zero)."""
    calls: dict[str, int] = {}

    def count(model, **kwargs) -> None:  # noqa: ANN001
        calls[model.name] = calls.get(model.name, 0) + 1

    conn.client.meta.events.register("before-call.s3", count)
    return calls


def sync_plan(endpoint: str, access_key: str, secret_key: str, bucket: str, prefix: str, local: str,
              mode: str) -> dict[str, Any]:
    """S1/S2: one plan of a pair (the scans, the decision table and the guard), as the preview makes it."""
    from s3browser.core.sync.pairs import SyncPair
    from s3browser.core.sync.plan import Mode
    from s3browser.core.sync.run import plan_pair

    conn = connection(endpoint, access_key, secret_key)
    calls = _count_calls(conn)
    # The pair as ``s3browser sync --endpoint-url`` names it, so the first sync's baseline is found.
    pair = SyncPair("bench", endpoint, local, bucket, prefix, mode=Mode(mode))
    start = time.perf_counter()
    run = plan_pair(conn, pair)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "items": len(run.plan.items), "in_step": len(run.plan.in_step),
            "local": run.plan.local_count, "remote": run.plan.remote_count, "calls": calls,
            "head_requests": calls.get("HeadObject", 0), "peak_rss_kb": peak_rss_kb()}


def sync_preview(endpoint: str, access_key: str, secret_key: str, bucket: str, prefix: str, local: str,
                 mode: str) -> dict[str, Any]:
    """S3: the longest the window's event loop is blocked from Sync now… to the filled preview."""
    from s3browser.core.sync.pairs import PairStore, SyncPair
    from s3browser.core.sync.plan import Mode

    app, window = _app_and_window()
    conn = connection(endpoint, access_key, secret_key)
    window.connections.use_connection(conn)
    pair = SyncPair("bench", window.ctx.connection.profile.name, local, bucket, prefix, mode=Mode(mode))
    PairStore().save(pair)
    heartbeat = Heartbeat()
    heartbeat.start()
    start = time.perf_counter()
    preview = window.sync.sync_pair(pair)
    _wait(app, lambda: preview.run is not None)
    for _ in range(20):  # the first paints of the filled tree
        app.processEvents()
        time.sleep(0.005)
    stall = heartbeat.stop()
    return {"seconds": time.perf_counter() - start, "stall": stall, "items": len(preview.run.plan.items),
            "peak_rss_kb": peak_rss_kb()}


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "core-list":
        result = core_list(*args)
    elif command == "gui-list":
        result = gui_list(*args)
    elif command == "gui-transfer":
        result = gui_transfer(*args)
    elif command == "gui-sync-apply":
        result = gui_sync_apply(*args)
    elif command == "sync-plan":
        result = sync_plan(*args)
    elif command == "sync-preview":
        result = sync_preview(*args)
    elif command == "synthetic":
        result = synthetic(int(args[0]))
    else:
        raise SystemExit(f"unknown probe {command}")
    print(json.dumps(result), flush=True)
    os._exit(0)  # skip interpreter teardown: it is not part of any measurement


if __name__ == "__main__":
    main(sys.argv[1:])

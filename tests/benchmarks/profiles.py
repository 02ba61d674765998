"""Where the CPU goes, as cProfile sees it: the profiles behind the README's performance notes.

    python -m tests.benchmarks.profiles list ENDPOINT AK SK BUCKET PREFIX [STREAMS]
    python -m tests.benchmarks.profiles put ENDPOINT AK SK BUCKET COUNT [botocore|crt]
    python -m tests.benchmarks.profiles filter COUNT

``list`` profiles one core listing of a prefix (after one unprofiled run that warms the
connection); ``put`` uploads COUNT files of 4 KiB one after another through the engine (its botocore
path, or the awscrt one); ``filter`` types one character into the filter box of the real window over
COUNT synthetic rows.  Each prints the wall and CPU time without the profiler, then the top
functions by their own time with it.  Compare a run on the old tree with one on the new.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _report(name: str, run: Callable[[], object], top: int = 20) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    run()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"{name}: {wall:.3f} s wall, {used:.3f} s CPU without the profiler")
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(top)


def profile_listing(endpoint: str, access_key: str, secret_key: str, bucket: str, prefix: str,
                    streams: str = "1") -> None:
    from s3browser.core.s3.listing import iter_pages
    from tests.benchmarks.probes import connection

    conn = connection(endpoint, access_key, secret_key)

    def run() -> int:
        return sum(len(page) for page in iter_pages(conn, bucket, prefix, streams=int(streams)))

    run()
    _report(f"list {bucket}/{prefix} in {streams} stream(s)", run)


def profile_puts(endpoint: str, access_key: str, secret_key: str, bucket: str, count: str,
                 path: str = "botocore") -> None:
    import threading

    from s3browser.core.transfers.engine import TransferEngine
    from s3browser.core.transfers.handles import Progress
    from s3browser.core.transfers.options import UploadOptions
    from tests.benchmarks.probes import connection

    conn = connection(endpoint, access_key, secret_key)
    folder = Path(tempfile.mkdtemp(prefix="s3browser-profile-"))
    files = []
    for i in range(int(count)):
        path = folder / f"file-{i:05d}.bin"
        path.write_bytes(os.urandom(4096))
        files.append(path)
    engine = TransferEngine(conn, use_crt=path == "crt")  # botocore: what every request costs in Python
    conn.client.head_bucket(Bucket=bucket)

    def run() -> None:
        for file in files:
            outcome: list[BaseException | None] = []
            done = threading.Event()

            def finished(error: BaseException | None, outcome: list = outcome, done: threading.Event = done) -> None:
                outcome.append(error)
                done.set()

            engine.upload(file, bucket, f"profile/{file.name}", UploadOptions(), Progress(4096), finished)
            done.wait()
            if outcome[0] is not None:
                raise outcome[0]

    _report(f"{count} sequential PUTs of 4 KiB through {path}", run)


def profile_filter(count: str) -> None:
    from PySide6.QtTest import QTest

    from s3browser.core.s3.locations import Location
    from s3browser.ui.browsing import object_table
    from tests.benchmarks.probes import _app_and_window, _wait, synthetic_pages

    app, window = _app_and_window()
    window.table_model.set_connection(object())
    object_table.iter_pages = synthetic_pages(int(count))
    window.navigation.navigate(Location("synthetic", "data/"))
    _wait(app, lambda: not window.table_model.is_loading)

    def run() -> None:
        QTest.keyClick(window.filter_edit, "7")
        window.table.viewport().repaint()
        window.filter_edit.clear()
        app.processEvents()

    _report(f"type '7' and clear the filter at {int(count):,} rows", run)
    window.shutdown()


def main(argv: list[str]) -> None:
    command, *args = argv
    commands: dict[str, Callable[..., None]] = {"list": profile_listing, "put": profile_puts,
                                                 "filter": profile_filter}
    if command not in commands:
        raise SystemExit(__doc__)
    commands[command](*args)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])

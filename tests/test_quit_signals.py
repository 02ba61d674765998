"""SIGTERM (what a desktop session sends at logout) at random moments always quits, within 5 s.

The real program runs as a subprocess against moto: during start-up, while it lists, and while
it runs transfers in its worker processes (a saved queue resumed with ``--resume-transfers``).
A signal that arrived while a worker was being started used to run the whole shutdown inside the
signal handler, which then waited for ever on the lock the interrupted code held.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from s3browser.core.settings.profiles import SOURCE_ADHOC, Profile
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.queue_store import QueueStore, SavedTransfer

RUNS = 50
AT_ONCE = 3  # app processes started side by side
EXIT_LIMIT = 5.0


def worker_processes_of(home: Path) -> list[int]:
    """Transfer workers still running with this test's HOME (none may outlive the app)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"s3browser.core.transfers.worker" in cmdline and f"HOME={home}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def seed_queue(home: Path, endpoint: str, files: list[Path]) -> None:
    """A queue the last session left: uploads that the app resumes at once (--resume-transfers)."""
    identity = Profile(name=endpoint, endpoint_url=endpoint, source=SOURCE_ADHOC)
    connection = f"{identity.source}:{identity.name}|{identity.endpoint_url}|{identity.access_key_id}"
    store = QueueStore(home / "state" / "s3browser" / "queue.sqlite3")
    options = UploadOptions(overwrite=Overwrite.OVERWRITE, part_size=5 * 1024 * 1024).to_dict()
    store.apply([SavedTransfer(connection, "Upload", "Queued", "quitting", f"up/{f.name}", f, None,
                               f.stat().st_size, options) for f in files], [])
    store.close()


@pytest.mark.slow
@pytest.mark.timeout(600)  # 50 app starts: ~150 s with both cores loaded, over the suite's 120 s default
def test_sigterm_at_random_moments_always_quits(isolated_home: Path, s3_endpoint: str, s3_admin,
                                                tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX signals")
    s3_admin.create_bucket(Bucket="quitting")
    for i in range(300):
        s3_admin.put_object(Bucket="quitting", Key=f"list/{i:04d}.txt", Body=b"x")
    files = []
    for i in range(12):
        files.append(tmp_path / f"upload-{i}.bin")
        files[-1].write_bytes(os.urandom((7 if i % 3 == 0 else 1) * 1024 * 1024))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AWS_ACCESS_KEY_ID="test-access-key",
               AWS_SECRET_ACCESS_KEY="test-secret-key-do-not-log-0123456789", AWS_DEFAULT_REGION="us-east-1")
    state = isolated_home / "state" / "s3browser"
    state.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261121)
    moments = [("start-up", 0.0, 1.2), ("listing", 1.2, 2.5), ("transfers", 1.5, 4.0)]
    failures = []
    handled = 0
    run = 0
    while run < RUNS:
        batch = []
        for _ in range(min(AT_ONCE, RUNS - run)):
            phase, low, high = moments[run % len(moments)]
            args = ["--endpoint-url", s3_endpoint]
            if phase == "transfers":
                seed_queue(isolated_home, s3_endpoint, files)
                args.append("--resume-transfers")
            process = subprocess.Popen([sys.executable, "-m", "s3browser", *args], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            batch.append((run, phase, rng.uniform(low, high), time.monotonic(), process))
            run += 1
        for number, phase, delay, started, process in batch:
            time.sleep(max(0.0, started + delay - time.monotonic()))
            process.send_signal(signal.SIGTERM)
            sent = time.monotonic()
            try:
                _out, err = process.communicate(timeout=EXIT_LIMIT + 25)
            except subprocess.TimeoutExpired:
                process.kill()
                _out, err = process.communicate()
                failures.append(f"run {number} ({phase}, {delay:.2f} s): never exited")
                continue
            took = time.monotonic() - sent
            # -SIGTERM: the signal came before Python had even loaded s3browser (the default action
            # ended it, and nothing had started). Any other code is a failure.
            clean = process.returncode == 0 or (process.returncode == -signal.SIGTERM and delay < 0.5)
            handled += process.returncode == 0
            if took > EXIT_LIMIT or not clean or b"Traceback" in err:
                failures.append(f"run {number} ({phase}, {delay:.2f} s): exit {process.returncode} after "
                                f"{took:.1f} s {err.decode(errors='replace')[-400:]}")
    deadline = time.monotonic() + 10
    while worker_processes_of(isolated_home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert failures == [], "\n".join(failures)
    assert handled >= RUNS - 5, "nearly every run went through the app's own quit path"
    assert worker_processes_of(isolated_home) == [], "no transfer worker outlives its window"

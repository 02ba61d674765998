"""``s3browser sync`` under stress (issue 28, points 5 and 9): the saved pair left as the window
saved it, JSON on every way out, no secret echoed, one line per item, Ctrl+C, a flaky server."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.pairs import PairStore, SyncPair
from s3browser.core.sync.plan import Compare, Mode, Resolution
from tests.conftest import ACCESS_KEY, SECRET_KEY
from tests.core.test_sync_runs import write
from tests.support.fault_proxy import s3_error


@pytest.fixture
def cli_env(s3_endpoint: str) -> dict[str, str]:
    return dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                AWS_DEFAULT_REGION="us-east-1", QT_QPA_PLATFORM="offscreen")


def run_cli(*args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 180
            ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "s3browser", "sync", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, input=stdin)




def assert_one_sentence(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_command_line_leaves_a_pair_saved_in_the_window_as_it_was(s3_endpoint, s3_admin, tmp_path: Path,
                                                                     cli_env) -> None:
    s3_admin.create_bucket(Bucket="saved")
    root = tmp_path / "work"
    write(root, "a.txt", b"a")
    store = PairStore()
    saved = SyncPair(name="My pair", profile=s3_endpoint, local=str(root), bucket="saved", prefix="p/",
                     mode=Mode.TWO_WAY, compare=Compare.CHECKSUM, conflict=Resolution.SKIP,
                     ignore=("*.secret",))
    assert store.save(saved)
    result = run_cli(str(root), "s3://saved/p", "--mode", "upload", "--endpoint-url", s3_endpoint, "--yes",
                     "--conflict", "local", env=cli_env)
    assert result.returncode == 0, result.stderr
    after = PairStore().pairs()
    assert len(after) == 1
    kept = after[0]
    assert (kept.name, kept.mode, kept.compare, kept.conflict, kept.ignore) == (
        "My pair", Mode.TWO_WAY, Compare.CHECKSUM, Resolution.SKIP, ("*.secret",))
    assert "p/a.txt" in [o["Key"] for o in s3_admin.list_objects_v2(Bucket="saved")["Contents"]]


def test_json_is_printed_on_every_way_out(s3_endpoint, s3_admin, tmp_path: Path, cli_env) -> None:
    s3_admin.create_bucket(Bucket="jsonexit")
    root = tmp_path / "work"
    write(root, "a.txt", b"a")
    cases = {
        "bad uri": ([str(root), "nowhere", "--mode", "upload"], 2),
        "bad option": ([str(root), "s3://jsonexit/p", "--mode", "sideways"], 2),
        "missing folder": ([str(tmp_path / "typo"), "s3://jsonexit/p", "--mode", "upload",
                            "--endpoint-url", s3_endpoint], 2),
        "unreachable": ([str(root), "s3://jsonexit/p", "--mode", "upload", "--endpoint-url", "http://127.0.0.1:9"],
                        2),
        "no bucket": ([str(root), "s3://no-such-bucket-here/p", "--mode", "upload", "--endpoint-url",
                       s3_endpoint], 2),
        "unconfirmed": ([str(root), "s3://jsonexit/p", "--mode", "upload", "--endpoint-url", s3_endpoint], 3),
        "done": ([str(root), "s3://jsonexit/p", "--mode", "upload", "--endpoint-url", s3_endpoint, "--yes"], 0),
        "in step": ([str(root), "s3://jsonexit/p", "--mode", "upload", "--endpoint-url", s3_endpoint, "--yes"], 0),
    }
    for name, (args, code) in cases.items():
        result = run_cli(*args, "--json", env=dict(cli_env, AWS_MAX_ATTEMPTS="1"), stdin="")
        assert result.returncode == code, (name, result.stderr)
        document = json.loads(result.stdout)  # exactly one valid JSON document
        assert document["exit_code"] == code, name
        if code:
            assert document.get("error") or document.get("refused"), name
        assert "Traceback" not in result.stderr, name


@pytest.mark.parametrize("url", ["http://AKIAEXAMPLE:wJalrXUtnFEMIsupersecret@127.0.0.1:9",
                                 "http://127.0.0.1:9/?X-Amz-Credential=AKIA&password=wJalrXUtnFEMIsupersecret",
                                 "ftp://user:wJalrXUtnFEMIsupersecret@host"])
def test_an_endpoint_with_credentials_is_refused_without_echoing_them(tmp_path: Path, cli_env, url: str) -> None:
    root = tmp_path / "work"
    root.mkdir()
    for extra in ([], ["--json"]):
        result = run_cli(str(root), "s3://b/p", "--mode", "upload", "--endpoint-url", url, *extra, env=cli_env)
        assert result.returncode == 2
        assert "supersecret" not in result.stderr + result.stdout
        assert_one_sentence(result)


def test_hostile_names_give_one_line_per_item(s3_endpoint, s3_admin, tmp_path: Path, cli_env) -> None:
    s3_admin.create_bucket(Bucket="hostile")
    root = tmp_path / "work"
    write(root, "plain.txt", b"x")
    write(root, "local\nnewline.txt", b"x")  # moto cannot take a newline in a key; a file can have one
    hostile = ["fake\rreturn.txt", "esc\x1b[31mred.txt", "rtl\u202etxt.exe", "tab\there.txt"]
    for name in hostile:
        s3_admin.put_object(Bucket="hostile", Key=f"p/{name}", Body=b"x")
    result = run_cli(str(root), "s3://hostile/p", "--mode", "two-way", "--endpoint-url", s3_endpoint, "--dry-run",
                     env=cli_env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(hostile) + 3, lines  # one per item, two uploads, the plan's total
    assert all(line.startswith(("download ", "upload ", "Plan:")) for line in lines), lines
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\r" not in result.stdout
    (root / "local\nnewline.txt").unlink()
    done = run_cli(str(root), "s3://hostile/p", "--mode", "two-way", "--endpoint-url", s3_endpoint, "--yes",
                   env=cli_env)
    assert done.returncode == 0, done.stderr
    assert (root / "fake\rreturn.txt").read_bytes() == b"x"


def test_undecodable_local_names_never_raise(s3_endpoint, s3_admin, tmp_path: Path, cli_env) -> None:
    s3_admin.create_bucket(Bucket="latin")
    root = tmp_path / "work"
    root.mkdir()
    with open(os.path.join(os.fsencode(root), b"caf\xe9.txt"), "wb") as file:
        file.write(b"x")
    for extra in ([], ["--json"]):
        result = run_cli(str(root), "s3://latin/p", "--mode", "mirror-to-s3", "--endpoint-url", s3_endpoint,
                         "--yes", *extra, env=cli_env)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert "caf\\xe9.txt" in (result.stdout if not extra else json.loads(result.stdout)["problems"][0]["path"]
                                  .encode("utf-8", "surrogateescape").decode("latin-1").replace("é", "\\xe9"))


def test_ctrl_c_finishes_the_running_items_and_leaves_a_true_baseline(s3_endpoint, s3_admin, tmp_path: Path,
                                                                      cli_env) -> None:
    s3_admin.create_bucket(Bucket="interrupt")
    root = tmp_path / "work"
    for n in range(150):
        write(root, f"up/{n:03}.txt", f"local {n}".encode() * 50)
        s3_admin.put_object(Bucket="interrupt", Key=f"p/down/{n:03}.txt", Body=f"remote {n}".encode() * 50)
    process = subprocess.Popen(
        [sys.executable, "-m", "s3browser", "sync", str(root), "s3://interrupt/p", "--mode", "two-way",
         "--endpoint-url", s3_endpoint, "--yes", "--json"], env=cli_env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until the run is under way: some uploads have landed
            listed = s3_admin.list_objects_v2(Bucket="interrupt", Prefix="p/up/").get("KeyCount", 0)
            if listed >= 5 or process.poll() is not None:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert "interrupted" in stderr
    document = json.loads(stdout)
    assert document["exit_code"] == 130
    leftovers = [p for p in root.rglob("*") if p.name.startswith(".s3b-")]
    assert leftovers == [], "no temporary files stay"
    uploaded = {o["Key"][2:] for o in s3_admin.list_objects_v2(Bucket="interrupt", Prefix="p/up/").get("Contents", [])}
    downloaded = {p.relative_to(root).as_posix() for p in (root / "down").rglob("*")} if (root / "down").exists() \
        else set()
    assert len(uploaded) + len(downloaded) < 300, "interrupted before the end"
    pair = SyncPair(name="work", profile=s3_endpoint, local=str(root), bucket="interrupt", prefix="p/")
    with Baseline(pair.id) as baseline:
        recorded = set(baseline.load())
    assert recorded == uploaded | downloaded, "the baseline holds exactly what finished"


def test_a_flaky_server_ends_every_item_done_or_failed_and_a_rerun_finishes(s3_admin, fault_proxy, tmp_path: Path,
                                                                            cli_env) -> None:
    """One request in four answered 500 (seeded, so the same share every run): new files' existence
    checks must not use up botocore's retry quota, which failed a fifth of the items before."""
    s3_admin.create_bucket(Bucket="flaky")
    root = tmp_path / "work"
    for n in range(150):
        write(root, f"{n:03}.txt", f"file {n}".encode())
    rng = random.Random(28)
    lock = threading.Lock()

    def one_in_four(request):  # noqa: ANN001, ANN202
        with lock:
            bad = rng.random() < 0.25
        return s3_error(500, "InternalError", "We encountered an internal error.") if bad else None

    fault_proxy.rules.append(one_in_four)
    args = [str(root), "s3://flaky/p", "--mode", "two-way", "--endpoint-url", fault_proxy.url, "--yes", "--json"]
    first = run_cli(*args, env=cli_env)
    assert first.returncode in (0, 1), first.stderr
    outcome = json.loads(first.stdout)["outcome"]
    assert outcome["done"] + outcome["failed"] + outcome["skipped"] == 150
    assert all(item["message"] for item in outcome["items"]), "every failure says why"
    # Five failed attempts in a row on one request is one in a thousand: a few at most, not a fifth.
    assert outcome["failed"] <= 8, outcome["items"][:3]
    second = run_cli(*args, env=cli_env)
    assert second.returncode in (0, 1), second.stderr
    fault_proxy.rules.clear()
    third = run_cli(*args, env=cli_env)
    assert third.returncode == 0, third.stderr
    keys = {o["Key"] for o in s3_admin.list_objects_v2(Bucket="flaky")["Contents"]}
    assert keys == {f"p/{n:03}.txt" for n in range(150)}


def without_read_override() -> list[str]:
    """A command prefix under which mode 000 really hides a folder: as root (CI runs so), the
    capabilities that read anything are dropped; as anyone else, nothing is needed."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a folder cannot be made unreadable")
    prefix = [setpriv, "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("this container may not drop capabilities: a folder cannot be made unreadable to root")
    return prefix


def test_a_really_unreadable_folder_keeps_its_objects(s3_endpoint, s3_admin, tmp_path: Path, cli_env) -> None:
    s3_admin.create_bucket(Bucket="perm")
    root = tmp_path / "work"
    for name in ("a.txt", "private/one.txt", "private/deep/two.txt"):
        write(root, name, name.encode())
    common = [str(root), "s3://perm/p", "--endpoint-url", s3_endpoint, "--yes", "--max-delete", "100"]
    command = [*without_read_override(), sys.executable, "-m", "s3browser", "sync"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*command, *common, *args], env=cli_env, capture_output=True, text=True, timeout=120)

    assert run("--mode", "two-way").returncode == 0
    (root / "private").chmod(0)
    try:
        for mode in ("mirror-to-s3", "two-way"):
            result = run("--mode", mode)
            assert result.returncode == 0, result.stderr
            assert "private  (cannot be read (Permission denied); kept on both sides)" in result.stdout
        keys = {o["Key"] for o in s3_admin.list_objects_v2(Bucket="perm")["Contents"]}
        assert keys == {"p/a.txt", "p/private/one.txt", "p/private/deep/two.txt"}
        root.chmod(0)
        locked = run("--mode", "mirror-to-s3")
        assert locked.returncode == 2 and "cannot be read" in locked.stderr
    finally:
        root.chmod(0o755)
        (root / "private").chmod(0o755)

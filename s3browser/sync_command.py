"""``s3browser sync LOCAL s3://BUCKET/PREFIX``: the sync engine of the window, on the command line.

Exit codes: 0 success (nothing to do included), 1 some items failed, 2 usage or connection
error (a missing folder included, and a sign-in or MFA code needed with no terminal to ask on),
3 refused by the deletion guard or without confirmation, 130 interrupted (Ctrl+C).

Credentials that need the user are asked for on the terminal before anything is planned: an MFA
code (again after a wrong one), or an IAM Identity Center sign-in (the code and address printed on
stderr, the browser opened).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import threading
import time
import webbrowser
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.base.redaction import redact
from s3browser.core.local.display import one_line
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.settings.logs import setup_logging
from s3browser.core.settings.profiles import Profile, ProfileStore, profile_for_command_line
from s3browser.core.settings.secrets import SecretStore
from s3browser.core.sync.apply import Outcome, SyncTarget, apply_plan
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.guard import files
from s3browser.core.sync.ignore import DEFAULT_PATTERNS, IgnoreRules
from s3browser.core.sync.pairs import LastRun, PairStore, SyncPair, parse_s3_uri
from s3browser.core.sync.plan import Compare, Mode, Resolution
from s3browser.core.sync.run import PreparedRun, local_root, prepare_run
from s3browser.core.sync.runlog import RunLog

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="s3browser sync",
        description="Compare a local folder with an S3 prefix, show the plan, and carry it out once confirmed.")
    parser.add_argument("local", help="the local folder")
    parser.add_argument("remote", metavar="s3://BUCKET/PREFIX", help="the S3 prefix")
    parser.add_argument("--mode", required=True, choices=[m.value for m in Mode],
                        help="upload and download never delete; the mirrors make the destination equal the "
                             "source, deletions included; two-way carries changes and deletions both ways")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--profile", metavar="NAME", help="a saved profile (or aws:NAME for an AWS config profile)")
    source.add_argument("--endpoint-url", metavar="URL",
                        help="an S3 endpoint; credentials come from the environment or the AWS config")
    parser.add_argument("--checksum", action="store_true",
                        help="without a baseline, compare contents by reading local files (MD5 against ETag)")
    parser.add_argument("--exclude", metavar="PATTERN", action="append", default=[],
                        help="ignore paths matching this gitignore-style pattern (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="show the plan; change nothing")
    parser.add_argument("--json", action="store_true", help="print the plan (and the outcome) as JSON")
    parser.add_argument("--yes", action="store_true", help="carry out the plan without asking")
    parser.add_argument("--max-delete", metavar="N", type=int, default=None,
                        help="allow up to N deletions when the run would delete more than 50 files or 25%% "
                             "of a side")
    parser.add_argument("--conflict", choices=[r.value for r in Resolution], default=Resolution.KEEP_BOTH.value,
                        help="how conflicts are resolved (default: keep both)")
    return parser


EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl+C (128 + SIGINT)


class _Output:
    """Everything the command prints: one line per item whatever the threads do, names escaped so
    that a key holding a newline is still one line, and with ``--json`` exactly one JSON document
    on stdout on every way out."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.document: dict = {}
        self._lock = threading.Lock()
        self._printed = False

    def line(self, text: str, error: bool = False) -> None:
        stream = sys.stderr if error else sys.stdout
        with self._lock:
            stream.write(one_line(text) + "\n")
            stream.flush()

    def error(self, text: str) -> None:
        self.line(f"s3browser sync: {text}", error=True)

    def finish(self, code: int, error: str = "") -> int:
        """Print the sentence (stderr) and the JSON document (stdout, once); return ``code``."""
        if error:
            self.error(error)
        if self.as_json and not self._printed:
            self._printed = True
            if error:
                self.document["error"] = error
            self.document["exit_code"] = code
            with self._lock:
                sys.stdout.write(json.dumps(self.document) + "\n")
                sys.stdout.flush()
        return code


def _connect(args: argparse.Namespace) -> tuple[Connection, Profile]:
    """Raises ValueError (one sentence) for a bad --profile or --endpoint-url."""
    store = ProfileStore(SecretStore())
    profile, secrets = profile_for_command_line(store, args.profile, args.endpoint_url)
    prompt = _terminal_mfa_prompt if sys.stdin.isatty() else _no_terminal_for_mfa
    return Connection(profile, secrets, mfa_prompt=prompt, base=store.role_base(profile)), profile


def _terminal_mfa_prompt(serial: str) -> str:
    """The MFA code, typed on the terminal (not echoed)."""
    return getpass.getpass(f"MFA code for {serial}: ")


def _no_terminal_for_mfa(serial: str) -> str:
    raise S3BrowserError(f"the MFA device {serial} must give a code and there is no terminal to ask on: run the "
                         "command in a terminal, or sign in in the window first.", kind="no_terminal")


MFA_TRIES = 3


def _sign_in_first(conn: Connection, out: _Output) -> int | None:
    """Make sure the credentials can be had before planning: ask for an MFA code (again after a wrong
    one), or sign in to IAM Identity Center on the terminal; an exit code when that cannot be done."""
    interactive = sys.stdin.isatty()
    for attempt in range(MFA_TRIES + 1):
        try:
            (conn.renew_credentials if attempt else conn.credentials_end)()
            return None
        except Exception as exc:  # noqa: BLE001 - one sentence below
            error = describe(exc)
        if error.kind not in ("signin", "expired", "no_terminal"):
            return None  # not a sign-in matter: the plan's first request reports it
        if error.kind == "no_terminal" or not interactive or not conn.can_sign_in:
            return out.finish(EXIT_USAGE, error.message)
        if conn.sign_in_target is not None:
            if attempt:
                return out.finish(EXIT_USAGE, error.message)
            _sign_in_on_terminal(conn, out)
        elif attempt < MFA_TRIES:
            out.error(error.message)  # a wrong code: say so, and ask again
    return out.finish(EXIT_USAGE, error.message)


def _sign_in_on_terminal(conn: Connection, out: _Output) -> None:
    """The device flow, told on stderr (stdout stays the plan's, or the JSON's)."""
    target = conn.sign_in_target
    if target is None:
        return
    login = target.login()
    code = login.start()
    out.line(f"Sign in to IAM Identity Center: open {code.verification_uri} and enter the code {code.user_code} "
             "(waiting for your approval; Ctrl+C stops).", error=True)
    try:
        webbrowser.open(code.verification_uri_complete)
    except Exception:  # noqa: BLE001 - the address is printed anyway
        pass
    until = login.wait_for_token(code)
    out.line(f"Signed in until {until.astimezone().strftime('%Y-%m-%d %H:%M')}.", error=True)


def _print_plan(out: _Output, run: PreparedRun) -> None:
    plan = run.plan
    for item in plan.items:
        resolution = f" [{item.resolution.value}]" if item.resolution else ""
        out.line(f"{item.action.value:14} {item.path}  ({item.reason}){resolution}")
    for path, reason in sorted(plan.problems.items()):
        out.line(f"{'left out':14} {path}  ({reason})")
    for note in plan.notes:
        out.line(note)
    totals = plan.totals()
    parts = [f"{action.label[0].lower()}{action.label[1:]} {count:,}" for action, (count, _) in totals.items() if count]
    out.line("Plan: " + (", ".join(parts) if parts else "nothing to do") + ".")
    if run.deletes_permanently:
        out.line("Deletions on S3 are permanent: the bucket is not versioned and soft delete is off.")


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        if exc.code and "--json" in argv:
            return _Output(True).finish(EXIT_USAGE, "the command line is not valid (see the usage above)")
        return EXIT_USAGE if exc.code else EXIT_OK
    out = _Output(args.json)
    try:
        return _main(args, out)
    except KeyboardInterrupt:
        return out.finish(EXIT_INTERRUPTED, "interrupted; nothing more was started, and every finished item "
                                            "is recorded.")
    except Exception:  # noqa: BLE001 - never a traceback: one sentence, the detail in the log
        log.exception("sync command failed")
        return out.finish(EXIT_USAGE, "an unexpected error stopped the run; nothing more was changed "
                                      "(the details are in the log).")


def _main(args: argparse.Namespace, out: _Output) -> int:
    setup_logging()
    target = parse_s3_uri(args.remote)
    if target is None:
        return out.finish(EXIT_USAGE, "the second argument is not an s3://BUCKET/PREFIX address")
    if args.max_delete is not None and args.max_delete < 0:
        return out.finish(EXIT_USAGE, "--max-delete must be 0 or more")
    try:
        IgnoreRules(args.exclude)
    except (ValueError, TypeError) as exc:
        return out.finish(EXIT_USAGE, f"an --exclude pattern is not valid: {exc}")
    bucket, prefix = target
    try:
        local = Path(args.local).expanduser().absolute()
        local_root(local)
    except S3BrowserError as exc:
        return out.finish(EXIT_USAGE, exc.message)
    except ValueError:  # a NUL in the path
        return out.finish(EXIT_USAGE, "the local folder's path is not a valid path")
    try:
        conn, profile = _connect(args)
    except ValueError as exc:
        return out.finish(EXIT_USAGE, redact(str(exc)))
    except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
        return out.finish(EXIT_USAGE, describe(exc).message)
    try:
        refused = _sign_in_first(conn, out)
    except Exception as exc:  # noqa: BLE001 - the sign-in itself failed (denied, expired code): one sentence
        refused = out.finish(EXIT_USAGE, describe(exc).message)
    if refused is not None:
        conn.close()
        return refused
    store = PairStore()
    pair = SyncPair(name=local.name or str(local), profile=profile.name, local=str(local), bucket=bucket,
                    prefix=prefix, mode=Mode(args.mode),
                    compare=Compare.CHECKSUM if args.checksum else Compare.SIZE_TIME,
                    conflict=Resolution(args.conflict), ignore=(*DEFAULT_PATTERNS, *args.exclude))
    saved = next((p for p in store.pairs(profile.name) if p.id == pair.id), None)
    if saved is not None:  # this run's own settings; the saved pair's stay as the window left them
        pair = replace(pair, name=saved.name, last_run=saved.last_run)
    try:
        with Baseline(pair.id) as baseline:
            try:
                run = prepare_run(conn, pair, baseline, soft_delete=profile.soft_delete)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # noqa: BLE001
                return out.finish(EXIT_USAGE, describe(exc, bucket=bucket).message)
            return _carry_out(args, out, run, conn, profile, baseline, store, saved)
    finally:
        conn.close()


def _carry_out(args: argparse.Namespace, out: _Output, run: PreparedRun, conn: Connection, profile: Profile,
               baseline: Baseline, store: PairStore, saved: SyncPair | None) -> int:
    plan, verdict, pair = run.plan, run.verdict, run.pair
    if args.json:
        out.document.update(plan.as_json())
    else:
        _print_plan(out, run)
    if verdict.refusal is not None:
        out.document["refused"] = verdict.refusal
        return out.finish(EXIT_REFUSED, verdict.refusal)
    if args.dry_run:
        return out.finish(EXIT_OK)
    if not plan.selected() and not plan.in_step and not plan.stale and not plan.folders:
        if not args.json and not plan.problems:
            out.line("Already in step.")
        return out.finish(EXIT_OK)
    if not verdict.allows(max_delete=args.max_delete):
        text = (f"This run would delete {files(verdict.deletions)}, more than 50 or more than a quarter of a side; "
                f"nothing was changed. Review the plan (--dry-run) and allow it with --max-delete "
                f"{verdict.deletions}.")
        out.document["refused"] = text
        return out.finish(EXIT_REFUSED, text)
    if not args.yes:
        if not sys.stdin.isatty():
            return out.finish(EXIT_REFUSED, "not carried out: confirm with --yes (there is no terminal to ask on).")
        answer = input(f"Carry out this plan on {one_line(pair.local)} and {one_line(pair.uri)}? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            out.line("Nothing was changed.")
            return out.finish(EXIT_REFUSED)
    log_file = RunLog(pair.id, pair.local, pair.uri, plan)
    target = SyncTarget(conn, pair.bucket, pair.prefix, run.local.root, baseline, profile.soft_delete)

    def report(outcome: Outcome) -> None:
        log_file.outcome(outcome)
        if not args.json and outcome.status != "done":
            out.line(f"{outcome.status:8} {outcome.item.path}: {outcome.message}", error=True)

    result = apply_plan(target, plan, on_outcome=report)
    log_file.finish(result)
    summary = f"{result.done:,} done, {result.skipped:,} skipped, {result.failed:,} failed"
    store.record_run(saved or pair, LastRun(time.time(), result.done, result.skipped, result.failed, summary))
    out.document["outcome"] = {
        "done": result.done, "skipped": result.skipped, "failed": result.failed, "log": str(log_file.path),
        "interrupted": result.interrupted,
        "items": [{"path": o.item.path, "action": o.item.action.value, "status": o.status, "message": o.message}
                  for o in result.outcomes if o.status != "done"]}
    if result.interrupted:
        return out.finish(EXIT_INTERRUPTED, f"interrupted after {summary}; the items that were running finished, "
                                            f"nothing more was started. Log: {log_file.path}")
    if not args.json:
        out.line(f"Sync finished: {summary}. Log: {log_file.path}")
    return out.finish(EXIT_FAILED if result.failed else EXIT_OK)

"""``s3browser sync LOCAL s3://BUCKET/PREFIX``: the sync engine of the window, on the command line.

Exit codes: 0 success (nothing to do included), 1 some items failed, 2 usage or connection
error, 3 refused by the deletion guard or without confirmation.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

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
from s3browser.core.sync.run import PreparedRun, prepare_run
from s3browser.core.sync.runlog import RunLog

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3


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


def _error(text: str) -> None:
    print(f"s3browser sync: {text}", file=sys.stderr)


def _connect(args: argparse.Namespace) -> tuple[Connection, Profile]:
    """Raises ValueError (one sentence) for a bad --profile or --endpoint-url."""
    profile, secrets = profile_for_command_line(ProfileStore(SecretStore()), args.profile, args.endpoint_url)
    return Connection(profile, secrets), profile


def _print_plan(run: PreparedRun) -> None:
    plan = run.plan
    for item in plan.items:
        resolution = f" [{item.resolution.value}]" if item.resolution else ""
        print(f"{item.action.value:14} {item.path}  ({item.reason}){resolution}")
    for path, reason in sorted(plan.problems.items()):
        print(f"{'left out':14} {path}  ({reason})")
    totals = plan.totals()
    parts = [f"{action.label.lower()} {count:,}" for action, (count, _) in totals.items() if count]
    print("Plan: " + (", ".join(parts) if parts else "nothing to do") + ".")
    if run.deletes_permanently:
        print("Deletions on S3 are permanent: the bucket is not versioned and soft delete is off.")


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK


    setup_logging()
    target = parse_s3_uri(args.remote)
    if target is None:
        _error(f"{args.remote!r} is not an s3://BUCKET/PREFIX address")
        return EXIT_USAGE
    try:
        IgnoreRules(args.exclude)
    except (ValueError, TypeError) as exc:
        _error(f"an --exclude pattern is not valid: {exc}")
        return EXIT_USAGE
    bucket, prefix = target
    local = Path(args.local).expanduser().absolute()
    try:
        conn, profile = _connect(args)
    except ValueError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
        _error(describe(exc).message)
        return EXIT_USAGE
    store = PairStore()
    pair = SyncPair(name=local.name or str(local), profile=profile.name, local=str(local), bucket=bucket,
                    prefix=prefix, mode=Mode(args.mode),
                    compare=Compare.CHECKSUM if args.checksum else Compare.SIZE_TIME,
                    conflict=Resolution(args.conflict), ignore=(*DEFAULT_PATTERNS, *args.exclude))
    saved = next((p for p in store.pairs(profile.name) if p.id == pair.id), None)
    if saved is not None:
        pair = replace(pair, name=saved.name, last_run=saved.last_run)
    try:
        with Baseline(pair.id) as baseline:
            try:
                run = prepare_run(conn, pair, baseline, soft_delete=profile.soft_delete)
            except Exception as exc:  # noqa: BLE001
                _error(describe(exc, bucket=bucket).message)
                return EXIT_USAGE
            return _carry_out(args, run, conn, profile, baseline, store)
    finally:
        conn.close()


def _carry_out(args: argparse.Namespace, run: PreparedRun, conn: Connection, profile: Profile, baseline: Baseline,
               store: PairStore) -> int:
    plan, verdict, pair = run.plan, run.verdict, run.pair
    if not args.json:
        _print_plan(run)
    output: dict = plan.as_json() if args.json else {}
    if verdict.refusal is not None:
        if args.json:
            output["refused"] = verdict.refusal
            print(json.dumps(output))
        _error(verdict.refusal)
        return EXIT_REFUSED
    if args.dry_run:
        if args.json:
            print(json.dumps(output))
        return EXIT_OK
    if not plan.selected() and not plan.in_step and not plan.stale and not plan.folders:
        if args.json:
            print(json.dumps(output))
        elif not plan.problems:
            print("Already in step.")
        return EXIT_OK
    if not verdict.allows(max_delete=args.max_delete):
        text = (f"This run would delete {files(verdict.deletions)}, more than 50 or more than a quarter of a side; "
                f"nothing was changed. Review the plan (--dry-run) and allow it with --max-delete "
                f"{verdict.deletions}.")
        if args.json:
            output["refused"] = text
            print(json.dumps(output))
        _error(text)
        return EXIT_REFUSED
    if not args.yes:
        if not sys.stdin.isatty():
            _error("not carried out: confirm with --yes (there is no terminal to ask on).")
            if args.json:
                print(json.dumps(output))
            return EXIT_REFUSED
        answer = input(f"Carry out this plan on {pair.local} and {pair.uri}? [y/N] ").strip().lower()
        if answer not in {"y", "yes"}:
            print("Nothing was changed.")
            return EXIT_REFUSED
    log = RunLog(pair.id, pair.local, pair.uri, plan)
    target = SyncTarget(conn, pair.bucket, pair.prefix, Path(pair.local), baseline, profile.soft_delete)

    def report(outcome: Outcome) -> None:
        log.outcome(outcome)
        if not args.json and outcome.status != "done":
            print(f"{outcome.status:8} {outcome.item.path}: {outcome.message}", file=sys.stderr)

    result = apply_plan(target, plan, on_outcome=report)
    log.finish(result)
    summary = f"{result.done:,} done, {result.skipped:,} skipped, {result.failed:,} failed"
    store.record_run(pair, LastRun(time.time(), result.done, result.skipped, result.failed, summary))
    if args.json:
        output["outcome"] = {"done": result.done, "skipped": result.skipped, "failed": result.failed,
                             "log": str(log.path),
                             "items": [{"path": o.item.path, "action": o.item.action.value, "status": o.status,
                                        "message": o.message} for o in result.outcomes if o.status != "done"]}
        print(json.dumps(output))
    else:
        print(f"Sync finished: {summary}. Log: {log.path}")
    return EXIT_FAILED if result.failed else EXIT_OK

"""Deleting objects and folders: count first, then DeleteObjects in batches of 1,000.

Nothing here deletes without a plan the user has seen: ``count_for_delete`` lists what a delete
would touch (every key under a folder, or every version and delete marker when deleting
permanently), and ``delete_batches`` deletes exactly those, reporting failures key by key.

In a versioned bucket a plain delete only adds delete markers (the data stays as older
versions); deleting permanently removes each version by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from s3browser.core.ops.versions import Target, is_versioned, list_versions
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe, error_code
from s3browser.core.s3.listing import iter_pages

BATCH_SIZE = 1000  # DeleteObjects' limit


@dataclass
class DeletePlan:
    bucket: str
    targets: list[Target] = field(default_factory=list)
    total_size: int = 0
    versioned: bool = False
    all_versions: bool = False  # delete every version permanently (else: delete markers if versioned)
    complete: bool = False  # counting finished (not stopped)
    sizes: dict[str, int] = field(default_factory=dict)  # key -> size (not for all_versions plans)

    @property
    def count(self) -> int:
        return len(self.targets)

    @property
    def object_count(self) -> int:
        return len({key for key, _ in self.targets})

    def first_names(self, limit: int = 10) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        for key, _ in self.targets:
            if key not in seen:
                seen.add(key)
                names.append(key)
                if len(names) == limit:
                    break
        return names


@dataclass
class BatchResult:
    deleted: int
    failures: list[tuple[str, str, str]]  # (key, code, message)


def count_for_delete(conn: Connection, bucket: str, keys: dict[str, int], folders: list[str],
                     all_versions: bool = False, versioned: bool | None = None,
                     should_stop: Callable[[], bool] = lambda: False,
                     on_progress: Callable[[DeletePlan], None] | None = None) -> DeletePlan:
    """Everything deleting ``keys`` (key -> size) and ``folders`` (prefixes, recursively) would touch."""
    plan = DeletePlan(bucket)
    for plan in iter_count_for_delete(conn, bucket, keys, folders, all_versions, versioned, should_stop):
        if on_progress and not plan.complete:
            on_progress(plan)
    return plan


def iter_count_for_delete(conn: Connection, bucket: str, keys: dict[str, int], folders: list[str],
                          all_versions: bool = False, versioned: bool | None = None,
                          should_stop: Callable[[], bool] = lambda: False) -> Iterator[DeletePlan]:
    """The same plan, yielded as it grows (after each listing page) and once more when complete."""
    if versioned is None:
        versioned = is_versioned(conn, bucket)
    plan = DeletePlan(bucket, versioned=versioned, all_versions=all_versions and versioned)
    if plan.all_versions:
        sources = [(key, True) for key in keys] + [(folder, False) for folder in folders]
        for prefix, exact in sources:
            for target, size in list_versions(conn, bucket, prefix, exact=exact, should_stop=should_stop):
                plan.targets.append(target)
                plan.total_size += size
                if len(plan.targets) % BATCH_SIZE == 0:
                    yield plan
    else:
        for key, size in keys.items():
            plan.targets.append((key, None))
            plan.total_size += size
            plan.sizes[key] = size
        if plan.targets:
            yield plan
        for folder in folders:
            for page in iter_pages(conn, bucket, folder, delimiter="", should_stop=should_stop, include_marker=True):
                plan.targets.extend((key, None) for key in page.keys)
                plan.total_size += sum(page.sizes)
                plan.sizes.update(zip(page.keys, page.sizes, strict=True))
                yield plan
    plan.complete = not should_stop()
    yield plan


def delete_batches(conn: Connection, bucket: str, targets: Iterable[Target],
                   should_stop: Callable[[], bool] = lambda: False) -> Iterator[BatchResult]:
    """Delete ``targets`` with DeleteObjects, 1,000 at a time; stop between batches when asked.

    A request refused as a whole (say access denied for the batch) fails its keys and the next
    batch is still tried: one refusal never hides what else could be deleted.
    """
    batch: list[Target] = []
    for target in targets:
        batch.append(target)
        if len(batch) == BATCH_SIZE:
            if should_stop():
                return
            yield _delete_one_batch(conn, bucket, batch)
            batch = []
    if batch and not should_stop():
        yield _delete_one_batch(conn, bucket, batch)


def _delete_one_batch(conn: Connection, bucket: str, batch: list[Target]) -> BatchResult:
    objects = [{"Key": key, "VersionId": version} if version else {"Key": key} for key, version in batch]
    try:
        response = conn.call(bucket, lambda c: c.delete_objects(
            Bucket=bucket, Delete={"Objects": objects, "Quiet": True}))
    except ClientError as exc:
        message = describe(exc, bucket=bucket).message
        code = error_code(exc) or "Error"
        return BatchResult(0, [(key, code, message) for key, _ in batch])
    failures = [(e.get("Key", ""), e.get("Code", ""), _failure_text(e)) for e in response.get("Errors", [])]
    return BatchResult(len(batch) - len(failures), failures)


def _failure_text(error: dict) -> str:
    code = error.get("Code", "")
    if code == "AccessDenied":
        return "Access denied" + (f": {error['Message']}" if error.get("Message") else ".")
    return f"{code}: {error.get('Message', '')}".strip(": ")

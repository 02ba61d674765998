"""Planning server-side copies, moves and renames, and making new folders.

The copies themselves run through the one server-side copy
(:mod:`s3browser.core.transfers.server_copy`), on the transfer queue; a move is a copy followed by
deleting the source, only once the copy succeeded.
"""

from __future__ import annotations

from collections.abc import Callable

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.objects import exists
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import find_existing, iter_pages
from s3browser.core.transfers.plans import CopyItem, CopyPlan
from s3browser.core.transfers.upload import put_bytes


def plan_copy(conn: Connection, source_bucket: str, base_prefix: str, keys: dict[str, int], folders: list[str],
              bucket: str, prefix: str, move: bool = False,
              should_stop: Callable[[], bool] = lambda: False) -> CopyPlan:
    """Map ``keys`` and everything under ``folders`` from ``base_prefix`` to ``prefix`` in ``bucket``."""
    plan = CopyPlan(source_bucket, bucket, move=move)
    for folder in folders:
        if bucket == source_bucket and (prefix + folder[len(base_prefix):]).startswith(folder):
            raise S3BrowserError(f"Cannot copy or move “{folder}” into itself.", kind="invalid")
    for key, size in keys.items():
        plan.items.append(CopyItem(key, prefix + key[len(base_prefix):], size))
    for folder in folders:
        for page in iter_pages(conn, source_bucket, folder, delimiter="", should_stop=should_stop,
                               include_marker=True):
            plan.items.extend(CopyItem(k, prefix + k[len(base_prefix):], s)
                              for k, s in zip(page.keys, page.sizes, strict=True))
    if any(i.key == i.source_key for i in plan.items) and bucket == source_bucket:
        raise S3BrowserError("The source and the destination are the same.", kind="invalid")
    wanted = sorted({i.key for i in plan.items})
    if wanted:
        plan.existing = sorted(find_existing(conn, bucket, wanted, should_stop=should_stop))
    return plan


def plan_rename(conn: Connection, bucket: str, key: str, new_name: str, is_folder: bool, size: int = 0) -> CopyPlan:
    """A rename is a move of one object, or of a folder's keys, to a new name in the same folder."""
    problem = object_name_problem(new_name)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    parent = key.rstrip("/").rpartition("/")[0]
    parent = parent + "/" if parent else ""
    target = parent + new_name + ("/" if is_folder else "")
    if target == key:
        raise S3BrowserError("The new name is the same as the old one.", kind="invalid")
    if is_folder:
        plan = plan_copy(conn, bucket, key, {}, [key], bucket, target, move=True)
    else:
        plan = CopyPlan(bucket, bucket, [CopyItem(key, target, size)], move=True)
        plan.existing = [target] if _exists(conn, bucket, target) else []
    if plan.existing or (is_folder and _prefix_exists(conn, bucket, target)):
        raise S3BrowserError(f"“{new_name}” already exists here; choose another name.", kind="exists")
    return plan


def object_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the name of a new object or folder in the current folder, or None."""
    if not name or not name.strip():
        return "Enter a name."
    if "/" in name:
        return "A name cannot contain “/” (that would make a folder path)."
    if name in (".", ".."):
        return "“.” and “..” are not allowed as names: most tools would misread them."
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "A name cannot contain control characters."
    if len(name.encode()) > 1024:
        return "A key can be at most 1,024 bytes long."
    return None


def create_folder(conn: Connection, bucket: str, prefix: str, name: str) -> str:
    """Create the folder marker ``prefix + name + "/"`` (an empty object); its key."""
    problem = object_name_problem(name)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    key = f"{prefix}{name}/"
    if _prefix_exists(conn, bucket, key):
        raise S3BrowserError(f"A folder named “{name}” already exists here.", kind="exists")
    put_bytes(conn, bucket, key, b"", {})
    return key


def _exists(conn: Connection, bucket: str, key: str) -> bool:
    return exists(conn, bucket, key)


def _prefix_exists(conn: Connection, bucket: str, prefix: str) -> bool:
    response = conn.call(bucket, lambda c: c.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1))
    return bool(response.get("KeyCount") or response.get("Contents"))

"""The bucket list's extra columns: each bucket's region and versioning, read one bucket at a time.

ListBuckets gives names and dates only; the region (GetBucketLocation) and versioning status
(GetBucketVersioning) cost one request each per bucket, so they are streamed as they arrive and a
bucket these keys may not read just stays blank.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from s3browser.core.ops.bucket_settings.general import bucket_region
from s3browser.core.ops.bucket_settings.versioning import get_versioning
from s3browser.core.s3.connection import Connection

PARALLEL = 8
PAGE = 8  # buckets per yielded batch


@dataclass(frozen=True)
class BucketDetails:
    name: str
    region: str = ""  # "" when it could not be read
    versioning: str | None = None  # "Enabled", "Suspended", "" (never), None (unknown)


def bucket_details(conn: Connection, name: str) -> BucketDetails:
    """Region and versioning of one bucket; what cannot be read stays unknown."""
    region, versioning = "", None
    try:
        region = bucket_region(conn, name)
    except (ClientError, BotoCoreError):
        pass
    try:
        versioning = get_versioning(conn, name).status
    except (ClientError, BotoCoreError):
        pass
    return BucketDetails(name, region, versioning)


def iter_bucket_details(conn: Connection, names: Iterable[str], should_stop: Callable[[], bool] = lambda: False
                        ) -> Iterator[list[BucketDetails]]:
    """Batches of details, in ``names`` order, read by a few threads at once."""
    names = list(names)
    with ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="bucket-details") as pool:
        for start in range(0, len(names), PAGE):
            if should_stop():
                return
            yield list(pool.map(lambda name: bucket_details(conn, name), names[start:start + PAGE]))

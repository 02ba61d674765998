"""Calculate size: objects and bytes under a folder or a whole bucket, by storage class, with the largest.

A recursive listing (no HEAD per object); the running totals are yielded after every page so a
dialog can show progress and stop at any point with what it has.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import iter_pages

LARGEST = 10


@dataclass
class FolderStats:
    bucket: str
    prefix: str
    objects: int = 0
    total_bytes: int = 0
    by_class: dict[str, list[int]] = field(default_factory=dict)  # class -> [objects, bytes]
    largest: list[tuple[int, str]] = field(default_factory=list)  # (size, key), a min-heap while counting
    complete: bool = False

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def largest_first(self) -> list[tuple[int, str]]:
        return sorted(self.largest, key=lambda pair: (-pair[0], pair[1]))

    def copy(self) -> FolderStats:
        """A snapshot to hand to another thread while counting goes on."""
        return FolderStats(self.bucket, self.prefix, self.objects, self.total_bytes,
                           {name: list(pair) for name, pair in self.by_class.items()}, list(self.largest),
                           self.complete)


def iter_folder_stats(conn: Connection, bucket: str, prefix: str,
                      should_stop: Callable[[], bool] | None = None) -> Iterator[FolderStats]:
    """Running totals under ``prefix`` ("" for the whole bucket), one snapshot per listing page."""
    stats = FolderStats(bucket, prefix)
    heap = stats.largest
    for page in iter_pages(conn, bucket, prefix, delimiter="", should_stop=should_stop, include_marker=True):
        stats.objects += len(page.keys)
        stats.total_bytes += sum(page.sizes)
        for key, size, storage_class in zip(page.keys, page.sizes, page.storage_classes, strict=True):
            entry = stats.by_class.setdefault(storage_class or "STANDARD", [0, 0])
            entry[0] += 1
            entry[1] += size
            if len(heap) < LARGEST:
                heapq.heappush(heap, (size, key))
            elif size > heap[0][0]:
                heapq.heapreplace(heap, (size, key))
        stats.complete = page.is_last
        yield stats.copy()
    if not stats.complete and (should_stop is None or not should_stop()):
        stats.complete = True
        yield stats.copy()

"""Listings in key ranges against one sequential listing of the same prefix, row for row."""

from __future__ import annotations

import random
from typing import Any

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import ListingPage, iter_pages


def key_shapes(seed: int = 7) -> dict[str, list[str]]:
    """Names (under a prefix) shaped as real buckets hold them, each set spanning many small pages."""
    rng = random.Random(seed)
    return {
        "numbered": [f"obj-{i:05d}.dat" for i in range(0, 3000, 25)],
        "hashes": sorted({f"{rng.getrandbits(128):032x}" for _ in range(80)}),
        "folders": ["a/1", "a/2", "b/x/y", "c", "c/d", "c.txt", "c0", "c0/e", "d-1", "d/", "e f", "z/z/z"]
                   + [f"photos/{y}/{i:03d}.jpg" for y in (2024, 2025) for i in range(8)]
                   + [f"log-{i:04d}.txt" for i in range(40)],
        "unicode": ["é.txt", "日本/語.md", "emoji-😀", "ß", "z~", "plus+sign", "%20", "with space", "Zeta", "tab\tkey",
                    "amp&er", "lt<gt>", "quote\"'"] + [f"ü-{i:03d}" for i in range(20)],
        "stem": ["a"] + [f"a{c}" for c in "0123456789abcdef"] + [f"a5{c}" for c in "xyz"],
    }


def rows(pages: list[ListingPage]) -> tuple[list[str], list[tuple[Any, ...]]]:
    folders: list[str] = []
    objects: list[tuple[Any, ...]] = []
    for page in pages:
        folders.extend(page.folders)
        objects.extend(zip(page.keys, page.sizes, page.mtimes, page.etags, page.storage_classes, strict=True))
    return folders, objects


def assert_ranges_match(conn: Connection, bucket: str, prefix: str, delimiter: str, page_size: int,
                        streams: int, include_marker: bool = False) -> int:
    """The ranged listing gives the sequential one's rows, in order, pages in key order, one last page."""
    one = list(iter_pages(conn, bucket, prefix, delimiter, page_size, include_marker=include_marker, streams=1))
    ranged = list(iter_pages(conn, bucket, prefix, delimiter, page_size, include_marker=include_marker,
                             streams=streams))
    assert rows(ranged) == rows(one), (prefix, delimiter, page_size, streams)
    assert [page.is_last for page in ranged] == [False] * (len(ranged) - 1) + [True]
    assert {page.prefix for page in ranged} == {prefix}
    names = [name for page in ranged for name in sorted(page.folders + page.keys)]
    assert names == sorted(names), "pages out of key order"
    return len(rows(one)[1]) + len(rows(one)[0])

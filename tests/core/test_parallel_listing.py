"""Listing one prefix in key ranges at once: the same rows as one listing, on the moto server."""

from __future__ import annotations

import threading
import time

import pytest

from s3browser.core.s3.listing import iter_pages
from tests.support.listing_check import assert_ranges_match, key_shapes


@pytest.fixture
def shaped_bucket(s3_admin) -> str:
    s3_admin.create_bucket(Bucket="shapes")
    for shape, names in key_shapes().items():
        for name in names:
            s3_admin.put_object(Bucket="shapes", Key=f"{shape}/{name}", Body=name.encode()[:7])
    s3_admin.put_object(Bucket="shapes", Key="folders/", Body=b"")  # a folder marker
    return "shapes"


def _requests(conn) -> list[dict]:
    seen: list[dict] = []
    conn.client.meta.events.register("before-parameter-build.s3.ListObjectsV2",
                                     lambda params, **_: seen.append(dict(params)))
    return seen


@pytest.mark.parametrize("shape", sorted(key_shapes()))
def test_ranges_give_the_rows_of_one_listing(conn, shaped_bucket, shape) -> None:
    for delimiter in ("/", ""):
        for page_size, streams in ((2, 2), (7, 4), (1000, 3)):
            assert assert_ranges_match(conn, shaped_bucket, f"{shape}/", delimiter, page_size, streams) > 0


def test_the_folder_marker_is_kept_or_dropped_as_asked(conn, shaped_bucket) -> None:
    for include_marker in (False, True):
        assert_ranges_match(conn, shaped_bucket, "folders/", "", 5, 4, include_marker=include_marker)


def test_the_whole_bucket_and_a_name_prefix(conn, shaped_bucket) -> None:
    assert_ranges_match(conn, shaped_bucket, "", "/", 2, 4)
    assert_ranges_match(conn, shaped_bucket, "", "", 50, 4)
    assert_ranges_match(conn, shaped_bucket, "numbered/obj-001", "/", 3, 4)


def test_ranges_are_really_listed_side_by_side_and_cost_few_extra_requests(conn, shaped_bucket) -> None:
    requests = _requests(conn)
    list(iter_pages(conn, shaped_bucket, "numbered/", page_size=10, streams=1))
    sequential = len(requests)
    requests.clear()
    list(iter_pages(conn, shaped_bucket, "numbered/", page_size=10, streams=4))
    narrowed = {params["Prefix"] for params in requests} - {"numbered/"}
    assert len(narrowed) >= 3, "the rest was not cut into ranges"
    assert len(requests) <= sequential + 25


def test_a_server_that_ignores_start_after_gets_one_chain(conn, shaped_bucket) -> None:
    def ignore_start_after(params, **_) -> None:
        params.pop("StartAfter", None)

    conn.client.meta.events.register("before-parameter-build.s3.ListObjectsV2", ignore_start_after)
    requests = _requests(conn)
    assert_ranges_match(conn, shaped_bucket, "numbered/", "/", 10, 4)
    assert {params["Prefix"] for params in requests} == {"numbered/"}


def test_stopping_ends_the_range_threads(conn, shaped_bucket) -> None:
    seen = []
    for page in iter_pages(conn, shaped_bucket, "numbered/", page_size=5, streams=4,
                           should_stop=lambda: len(seen) >= 3):
        seen.append(page)
    assert len(seen) == 3
    pages = iter_pages(conn, shaped_bucket, "hashes/", page_size=5, streams=4)
    next(pages)
    pages.close()
    deadline = time.monotonic() + 10
    while any(t.name.startswith("s3browser-list") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "range threads still running after the listing stopped"
        time.sleep(0.02)


def test_an_error_in_a_range_reaches_the_caller(conn, shaped_bucket) -> None:
    from botocore.exceptions import ClientError

    def refuse_narrow_prefixes(params, **_) -> None:
        if params.get("Prefix", "").startswith("numbered/obj-0"):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "ListObjectsV2")

    conn.client.meta.events.register("before-parameter-build.s3.ListObjectsV2", refuse_narrow_prefixes)
    with pytest.raises(ClientError):
        list(iter_pages(conn, shaped_bucket, "numbered/", page_size=10, streams=4))


def test_a_gap_keeps_only_its_own_rows() -> None:
    from s3browser.core.s3.listing import ListingPage
    from s3browser.core.s3.parallel_listing import LAST_CHARACTER, _cut

    names = ["p/c" + LAST_CHARACTER + "x", "p/d", "p/e", "p/f"]  # the first is the "c" group's, the last the next
    page = ListingPage("b", "p/", folders=["p/d1/", "p/f/"], keys=list(names), sizes=[1, 2, 3, 4],
                       mtimes=[1.0, 2.0, 3.0, 4.0], storage_classes=["S"] * 4, etags=["a", "b", "c", "d"])
    assert _cut(page, "p/f", "p/c") is True
    assert (page.folders, page.keys, page.sizes, page.etags) == (["p/d1/"], ["p/d", "p/e"], [2, 3], ["b", "c"])
    page = ListingPage("b", "p/", keys=["p/x"], sizes=[1], mtimes=[1.0], storage_classes=["S"], etags=["a"])
    assert _cut(page, None, "p/c") is False and page.keys == ["p/x"]

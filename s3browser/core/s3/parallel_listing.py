"""One large prefix listed in several key ranges at once, and merged back into key order.

A ListObjectsV2 listing is a chain: each page's continuation token comes with the previous
answer, so one listing waits for the server and then parses, page after page.  After the first
page shows that there is more, the rest of the prefix is cut into ranges by ``StartAfter``
boundaries, and a few ranges are listed side by side; their pages are handed out strictly in
key order, so a caller sees what one sequential listing would have given.

Where to cut is found by asking the server, not guessed from the first page alone: a handful of
one-key probes (``StartAfter``, ``MaxKeys=1``) find the stem of the last listed name that all
the remaining keys share.  The rest is then cut at the next character: each character the names
are made of gives a range listed with ``Prefix=stem + character``, so the server itself stops at
the range's end (a range cut by ``StartAfter`` alone would read one page past it), and the gaps
between those characters are checked with one probe each (usually empty) and listed if not.
A cut never falls inside a folder (it holds no delimiter after the prefix), so with a delimiter
each folder comes out whole, in one range, as the server rolls it up.  A server that ignores
``StartAfter`` is noticed by the probes, and the listing goes on as one chain.
"""

from __future__ import annotations

import queue
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.pages import ListingPage, continue_listing, fetch_page, list_request

LAST_CHARACTER = "\U0010ffff"  # sorts after every character a key can hold (S3 orders keys by UTF-8 bytes)
MAX_RANGES = 16  # more ranges cost a request each and gain nothing on a few cores
READ_AHEAD_PAGES = 32  # pages a range may list ahead of the one being handed out
_POLL_SECONDS = 0.05


class _End:
    """A range was listed to its end."""


@dataclass(slots=True)
class _Range:
    """One part of the listing: a request prefix, where it starts, and the name it stops before."""

    prefix: str  # the request's prefix: the listing's own, or stem + character
    after: str = ""  # StartAfter
    before: str | None = None  # rows from this name on belong to a later range (None: no limit)
    token: str = ""  # continue the first page's request instead
    probe_first: bool = False  # a gap between characters: one probe says whether it holds anything
    skip: str = ""  # in a gap: rows under this group prefix are the group's (keys holding U+10FFFF)
    pages: queue.Queue = field(default_factory=lambda: queue.Queue(READ_AHEAD_PAGES))


def iter_pages_in_ranges(conn: Connection, bucket: str, prefix: str, delimiter: str, page_size: int,
                         should_stop: Callable[[], bool] | None, include_marker: bool,
                         streams: int) -> Iterator[ListingPage]:
    """The pages of one listing, in key order, with up to ``streams`` key ranges listed at once."""
    if should_stop is not None and should_stop():
        return
    kwargs = list_request(bucket, prefix, delimiter, page_size)
    first, token = fetch_page(conn, kwargs, include_marker)
    ranges = None
    if not first.is_last and len(first) and not (should_stop is not None and should_stop()):
        last_name = max(first.keys[-1:] + first.folders[-1:])
        ranges = plan_ranges(_Probe(conn, bucket, prefix), prefix, delimiter, last_name, first.keys + first.folders,
                             token)
    if not ranges:
        yield first
        if not first.is_last:
            kwargs["ContinuationToken"] = token
            yield from continue_listing(conn, kwargs, should_stop, include_marker)
        return
    yield from _merged(conn, kwargs, ranges, should_stop, include_marker, streams, first)


def _merged(conn: Connection, kwargs: dict[str, Any], ranges: list[_Range], should_stop: Callable[[], bool] | None,
            include_marker: bool, streams: int, first: ListingPage) -> Iterator[ListingPage]:
    stop = threading.Event()

    def stopped() -> bool:
        return stop.is_set() or (should_stop is not None and should_stop())

    pool = ThreadPoolExecutor(max_workers=min(streams, len(ranges)), thread_name_prefix="s3browser-list")
    try:
        for listed in ranges:  # in order: the range handed out next is always being listed or done
            pool.submit(_list_range, conn, dict(kwargs), listed, stopped, include_marker)
        held = first  # one page is held back, so the last one can say it is the last
        for listed in ranges:
            while True:
                try:
                    item = listed.pages.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    if should_stop is not None and should_stop():
                        return
                    continue
                if isinstance(item, _End):
                    break
                if isinstance(item, BaseException):
                    raise item
                if len(item):
                    if should_stop is not None and should_stop():
                        return  # as a single listing stops between pages
                    yield held
                    held = item
        held.is_last = True
        yield held
    finally:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)


def _list_range(conn: Connection, kwargs: dict[str, Any], listed: _Range, stopped: Callable[[], bool],
                include_marker: bool) -> None:
    """List one range into its queue, ending with _End (or the error that stopped it)."""
    page_prefix = kwargs["Prefix"]
    kwargs["Prefix"] = listed.prefix
    if listed.token:
        kwargs["ContinuationToken"] = listed.token
    elif listed.after:
        kwargs["StartAfter"] = listed.after
    item: Any = _End()
    try:
        if listed.probe_first and not _Probe(conn, kwargs["Bucket"], page_prefix).any_between(listed.after,
                                                                                              listed.before):
            _put(listed.pages, item, stopped)
            return
        for page in continue_listing(conn, kwargs, stopped, include_marker, page_prefix):
            reached = (listed.before is not None or bool(listed.skip)) and _cut(page, listed.before, listed.skip)
            done = reached or page.is_last
            page.is_last = False
            if not _put(listed.pages, page, stopped):
                return
            if done:
                break
        else:
            if stopped():
                return  # stopped before its end: the merge has stopped too
    except Exception as exc:  # noqa: BLE001 - handed to the caller in key order, raised there
        item = exc
    _put(listed.pages, item, stopped)


def _put(pages: queue.Queue, item: Any, stopped: Callable[[], bool]) -> bool:
    while True:
        try:
            pages.put(item, timeout=_POLL_SECONDS)
            return True
        except queue.Full:
            if stopped():
                return False


def _cut(page: ListingPage, before: str | None, skip: str) -> bool:
    """Keep a gap's own rows: those before ``before`` and not under the group prefix ``skip``.
    True when the page reached ``before`` (the gap is complete)."""
    keys = len(page.keys) if before is None else bisect_left(page.keys, before)
    folders = len(page.folders) if before is None else bisect_left(page.folders, before)
    reached = keys < len(page.keys) or folders < len(page.folders)
    page.folders = [name for name in page.folders[:folders] if not (skip and name.startswith(skip))]
    kept = [i for i in range(keys) if not (skip and page.keys[i].startswith(skip))]
    if len(kept) < len(page.keys):
        page.keys = [page.keys[i] for i in kept]
        page.sizes = [page.sizes[i] for i in kept]
        page.mtimes = [page.mtimes[i] for i in kept]
        page.storage_classes = [page.storage_classes[i] for i in kept]
        page.etags = [page.etags[i] for i in kept]
    return reached


def plan_ranges(probe: _Probe, prefix: str, delimiter: str, last_name: str, names: list[str],
                token: str) -> list[_Range] | None:
    """The ranges that list everything after ``last_name``, in key order; None when it cannot be cut
    (the rest is all inside one folder, or the server ignores ``StartAfter``)."""
    limit = len(last_name)
    if delimiter:
        inside = last_name.find(delimiter, len(prefix))
        if inside >= 0:
            limit = inside  # a cut may not reach into the folder
    shared = probe.shared_length(last_name, len(prefix), limit)
    if shared is None:
        return None
    stem = last_name[:shared]
    current = last_name[shared] if shared < len(last_name) else ""
    alphabet = sorted({c for name in (*names, probe.seen) for c in name[shared:]})
    chosen = [c for c in alphabet if c > current and not (delimiter and delimiter in (stem + c)[len(prefix):])]
    if len(chosen) > MAX_RANGES:
        step = len(chosen) / MAX_RANGES
        chosen = [chosen[int(i * step)] for i in range(MAX_RANGES)]
    if not chosen:
        return None
    # The first page's own chain goes on up to the first character's group: the rest of the last
    # name's group and any gap before it.  (Not StartAfter=last_name: SeaweedFS skips a folder
    # whose name equals that key.)
    ranges = [_Range(prefix=prefix, token=token, before=stem + chosen[0])]
    for character, following in zip(chosen, [*chosen[1:], None], strict=True):
        ranges.append(_Range(prefix=stem + character))
        if following is None or ord(following) > ord(character) + 1:
            ranges.append(_Range(prefix=prefix, after=stem + character + LAST_CHARACTER,
                                 before=None if following is None else stem + following, probe_first=True,
                                 skip=stem + character))
    return ranges


class _Probe:
    """One-key listings that ask whether any key sorts after a given name."""

    def __init__(self, conn: Connection, bucket: str, prefix: str) -> None:
        self._conn, self._bucket, self._prefix = conn, bucket, prefix
        self.seen = ""  # the key the last probe found, for the alphabet
        self.honours_start_after = True

    def first_key_after(self, name: str) -> str | None:
        """The first key of the prefix that sorts after ``name`` (one request), or None."""
        request = {"Bucket": self._bucket, "Prefix": self._prefix, "StartAfter": name, "MaxKeys": 1}
        response = self._conn.call(self._bucket, lambda client: client.list_objects_v2(**request))
        contents = response.get("Contents") or []
        return contents[0]["Key"] if contents else None

    def any_after(self, name: str) -> bool:
        key = self.first_key_after(name)
        if key is None:
            return False
        if key <= name:
            self.honours_start_after = False
        self.seen = key
        return True

    def any_between(self, after: str, before: str | None) -> bool:
        """Whether a key sorts after ``after`` and before ``before`` (a key that starts with
        ``after`` says yes, to be listed and sorted out)."""
        key = self.first_key_after(after)
        return key is not None and (before is None or key < before)

    def shared_length(self, last_name: str, low: int, high: int) -> int | None:
        """How many leading characters of ``last_name`` (between ``low`` and ``high``) every key
        after it shares; None when the server does not honour StartAfter."""
        if self.any_after(last_name[:high] + LAST_CHARACTER):
            # Nothing sorts after the prefix itself; something sorts after last_name[:high].
            while high - low > 1:
                middle = (low + high) // 2
                if self.any_after(last_name[:middle] + LAST_CHARACTER):
                    high = middle
                else:
                    low = middle
            high = low
        return high if self.honours_start_after else None

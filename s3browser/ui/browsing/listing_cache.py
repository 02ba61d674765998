"""Recent complete listings, so Back and Forward show a folder at once.

The object table keeps its rows as a handful of flat arrays; a finished listing's arrays are
kept here (never copied: a new listing always starts with new arrays) for a few recent
locations of the current connection, within a row budget.  The table shows the kept rows immediately and lists again in
the background, replacing them only if something changed.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from s3browser.core.s3.locations import Location

Snapshot = dict[str, Any]  # the table's storage attributes by name

MAX_LOCATIONS = 8
MAX_ROWS = 200_000  # across all kept listings: a few MiB at most


class ListingCache:
    def __init__(self, max_locations: int = MAX_LOCATIONS, max_rows: int = MAX_ROWS) -> None:
        self.max_locations = max_locations
        self.max_rows = max_rows
        self._entries: OrderedDict[Location, tuple[Snapshot, int]] = OrderedDict()

    def get(self, location: Location) -> Snapshot | None:
        entry = self._entries.get(location)
        if entry is None:
            return None
        self._entries.move_to_end(location)
        return entry[0]

    def put(self, location: Location, snapshot: Snapshot, rows: int) -> None:
        """Keep ``snapshot``; the least recently used go first when over either limit."""
        key = location
        self._entries.pop(key, None)
        if rows > self.max_rows:
            return
        self._entries[key] = (snapshot, rows)
        while len(self._entries) > self.max_locations or self.rows > self.max_rows:
            self._entries.popitem(last=False)

    @property
    def rows(self) -> int:
        return sum(rows for _snapshot, rows in self._entries.values())

    def clear(self) -> None:
        self._entries.clear()

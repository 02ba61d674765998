"""A listing page as packed columns: what crosses from the listing's thread or process to a table.

A :class:`~s3browser.core.s3.pages.ListingPage` holds a Python string per key; a table of ten
million rows must not.  :func:`pack` turns a page into one UTF-8 buffer of names (the keys less
the listed prefix) with their lengths, and typed arrays of sizes, times and storage-class codes,
together with what the table asks of the names as a whole (do they change under casefolding, are
they in casefolded order).  It runs where the page was made, so the window only copies arrays
(numpy reads these without a copy); the packed page pickles as a few buffers, so it crosses a
process boundary cheaply, and the transfer worker that makes it needs no numpy.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from dataclasses import dataclass, field

from s3browser.core.s3.pages import ListingPage

ENCODING = "utf-8"
ERRORS = "surrogatepass"  # any str a listing can hold survives the round trip


@dataclass(slots=True)
class NameBytes:
    """Names back to back in UTF-8, with each one's length in bytes."""

    text: bytes = b""
    lengths: array = field(default_factory=lambda: array("q"))

    @classmethod
    def of(cls, names: list[str]) -> NameBytes:
        joined = "".join(names).encode(ENCODING, ERRORS)
        lengths = array("q", map(len, names))
        if len(joined) != sum(lengths):  # not all ASCII: count bytes, not characters
            lengths = array("q", (len(name.encode(ENCODING, ERRORS)) for name in names))
        return cls(joined, lengths)

    def __len__(self) -> int:
        return len(self.lengths)

    def names(self) -> list[str]:
        ends = list(itertools.accumulate(self.lengths))
        starts = [0, *ends[:-1]]
        return [self.text[a:b].decode(ENCODING, ERRORS) for a, b in zip(starts, ends, strict=True)]


@dataclass(slots=True)
class NameGroup:
    """A page's folders or its objects, named relative to the listed prefix."""

    names: NameBytes
    folded: NameBytes | None  # the casefolded names, when folding changes any
    in_order: bool  # casefolded names ascending within the page
    first_folded: str = ""
    last_folded: str = ""

    @classmethod
    def of(cls, names: list[str]) -> NameGroup:
        joined = "\n".join(names)
        same = joined.casefold() == joined
        folded = names if same else [name.casefold() for name in names]
        in_order = not any(map(operator.gt, folded, folded[1:]))
        return cls(NameBytes.of(names), None if same else NameBytes.of(folded), in_order,
                   folded[0] if folded else "", folded[-1] if folded else "")

    def folded_names(self) -> list[str]:
        return (self.folded or self.names).names()

    def __len__(self) -> int:
        return len(self.names)


@dataclass(slots=True)
class PackedPage:
    bucket: str
    prefix: str
    folder_prefixes: list[str]  # full prefixes, for the folder tree
    folders: NameGroup
    files: NameGroup
    folder_mtimes: array  # 0 for a folder (the bucket list gives creation dates)
    sizes: array
    mtimes: array
    class_codes: bytes  # indexes into class_names
    class_names: list[str]
    is_last: bool = False
    scanned: int = 0

    def __len__(self) -> int:
        return len(self.folders) + len(self.files)


def pack(page: ListingPage, folder_mtimes: list[float] | None = None) -> PackedPage:
    """``page`` as packed columns (run this where the page was made, not on the GUI thread)."""
    cut = len(page.prefix)
    classes = page.storage_classes
    if classes and classes.count(classes[0]) == len(classes):  # one class on the page, as usual
        class_names, codes = [classes[0]], bytes(len(classes))
    else:
        lookup: dict[str, int] = {}
        codes = bytes(lookup.setdefault(c, len(lookup)) for c in classes)
        class_names = list(lookup)
    return PackedPage(
        bucket=page.bucket, prefix=page.prefix, folder_prefixes=list(page.folders),
        folders=NameGroup.of([folder[cut:] for folder in page.folders]),
        files=NameGroup.of([key[cut:] for key in page.keys]),
        folder_mtimes=array("d", folder_mtimes) if folder_mtimes else array("d", bytes(8 * len(page.folders))),
        sizes=array("q", page.sizes), mtimes=array("d", page.mtimes),
        class_codes=codes, class_names=class_names, is_last=page.is_last, scanned=page.scanned)

"""The one place for sizes, counts with their plurals, and local times in the window's text."""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import QCoreApplication

_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_size(size: int) -> str:
    """1536 -> '1.5 KiB'; bytes are shown exactly."""
    if size < 1024:
        return f"{size} bytes" if size != 1 else "1 byte"
    value = float(size)
    for unit in _UNITS[1:]:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}"
    return f"{size} bytes"  # pragma: no cover


def tr_n(source: str, count: int, context: str = "s3browser") -> str:
    """``source`` with Qt's ``%n`` plural form for ``count``: ``tr_n("%n file(s) uploaded", 1)``.

    The text goes through ``QCoreApplication.translate`` with the count, so a translation can give
    each language its own plural forms.  With no translation loaded Qt only puts the number in;
    the English "(s)" is then resolved here, and the number gets its thousands separators.
    """
    text = QCoreApplication.translate(context, source, None, count)
    if "(s)" in text:
        text = text.replace("(s)", "" if count == 1 else "s")
    if count >= 1000:
        text = re.sub(rf"(?<![\d,]){count}(?![\d,])", f"{count:,}", text, count=1)
    return text


def count_of(count: int, noun: str, plural: str = "") -> str:
    """'1 object', '1,234 objects' ('plural' when the noun does not just take an s)."""
    if plural:
        return f"{count:,} {noun if count == 1 else plural}"
    return tr_n(f"%n {noun}(s)", count)


def agree(count: int, singular: str, plural: str) -> str:
    """The verb form that goes with ``count``: agree(1, "was", "were") -> "was"."""
    return singular if count == 1 else plural


def already_exist(existing: int, total: int, noun: str) -> str:
    """'The object already exists', 'All 3 objects already exist', '1 of 3 objects already exists'."""
    if existing == total == 1:
        return f"The {noun} already exists"
    if existing == total:
        return f"All {count_of(total, noun)} already exist"
    return f"{existing:,} of {count_of(total, noun)} {agree(existing, 'already exists', 'already exist')}"


def exact_size(size: int) -> str:
    return f"{size:,} bytes"


def local_time(epoch: float) -> str:
    """Epoch seconds -> local date and time, minute precision."""
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M")


def format_clock(epoch: float) -> str:
    """A moment the user will wait for: "17:40" today, with the date when it is another day."""
    moment = datetime.fromtimestamp(epoch)
    return moment.strftime("%H:%M") if moment.date() == datetime.now().date() else moment.strftime("%Y-%m-%d %H:%M")

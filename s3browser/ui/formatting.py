"""The one place for sizes, counts with their plurals, and local times in the window's text."""

from __future__ import annotations

from datetime import datetime

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


def count_of(count: int, noun: str, plural: str = "") -> str:
    """'1 object', '1,234 objects' ('plural' when the noun does not just take an s)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def agree(count: int, singular: str, plural: str) -> str:
    """The verb form that goes with ``count``: agree(1, "was", "were") -> "was"."""
    return singular if count == 1 else plural


def exact_size(size: int) -> str:
    return f"{size:,} bytes"


def local_time(epoch: float) -> str:
    """Epoch seconds -> local date and time, minute precision."""
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M")

"""Every setting the window remembers, declared once with its key and default (as Picard's options.py).

Code reads and writes a setting through its declaration (``ICONS_ONLY.get()``), never through a
key written as a literal: a renamed key, a changed default or a new type is one line here.
Settings are the window's own (Qt's QSettings, per user); nothing secret is ever one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T

    def get(self) -> T:
        value = QSettings().value(self.key, self.default)
        return _as_type(value, self.default)

    def set(self, value: T) -> None:
        QSettings().setValue(self.key, value)


@dataclass(frozen=True)
class SettingFamily(Generic[T]):
    """Settings of one kind, one per name (a profile's known buckets, a dialog's geometry)."""

    pattern: str  # with "{}" where the name goes
    default: T

    def __call__(self, name: str) -> Setting[T]:
        return Setting(self.pattern.format(name.replace("/", "_")), self.default)


def _as_type(value: Any, default: Any) -> Any:
    """QSettings hands values back as strings on some platforms, and a one-element list as a plain string."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
    if isinstance(default, list):
        if isinstance(value, str):
            return [value] if value else []
        return [str(item) for item in value if item] if isinstance(value, list) else list(default)
    if isinstance(default, str):
        return str(value or "")
    return value


# ---------------------------------------------------------------- the window
WINDOW_GEOMETRY: Setting[Any] = Setting("main_window/geometry", None)
WINDOW_STATE: Setting[Any] = Setting("main_window/state", None)  # docks and toolbars
SPLITTER: Setting[Any] = Setting("main_window/splitter", None)
TABLE_HEADER: Setting[Any] = Setting("main_window/table_header", None)  # column widths, order, sort
ICONS_ONLY = Setting("main_window/toolbar_icons_only", False)
THUMBNAILS = Setting("main_window/thumbnails", False)

# ---------------------------------------------------------------- connections and browsing
LAST_PROFILE = Setting("connection/last_profile", "")  # reconnected to at the next start
KNOWN_BUCKETS: SettingFamily[list[str]] = SettingFamily("known_buckets/{}", [])  # per profile, newest first

# ---------------------------------------------------------------- dialogs
LAST_FOLDER: SettingFamily[str] = SettingFamily("last_folder/{}", "")  # per purpose: where its folder dialog opens
DIALOG_GEOMETRY: SettingFamily[Any] = SettingFamily("{}/geometry", None)  # per dialog name

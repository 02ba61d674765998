"""The one module that knows icon names; SVGs ship inside the wheel as ``s3browser.resources``."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from s3browser.core.local.content_types import guess_content_type

_EXTENSION_KINDS = {
    ".gz": "file-archive", ".tgz": "file-archive", ".zip": "file-archive", ".bz2": "file-archive",
    ".xz": "file-archive", ".7z": "file-archive", ".tar": "file-archive", ".zst": "file-archive",
    ".json": "file-code", ".js": "file-code", ".py": "file-code", ".html": "file-code", ".css": "file-code",
    ".xml": "file-code", ".yaml": "file-code", ".yml": "file-code", ".sh": "file-code", ".ts": "file-code",
    ".pdf": "file-pdf", ".md": "file-text", ".log": "file-text", ".csv": "file-text", ".txt": "file-text",
}


def resource_path(name: str) -> str:
    """Filesystem path of a shipped resource, e.g. ``icons/folder.svg``."""
    return str(resources.files("s3browser.resources").joinpath(name))


_INK = "#34495e"  # the line colour of the monochrome icons, drawn for light backgrounds
_INK_ON_DARK = "#d0d7de"  # what replaces it when the window is dark, so the icons stay clear
_DISABLED_INK_ON_DARK = "#6b737b"  # disabled must still look disabled
_RENDERED_SIZES = (16, 24, 32, 48, 64, 96)  # up to 96 px: sharp at 200% scale too


def palette_is_dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def icon(name: str) -> QIcon:
    """A named icon from ``resources/icons``, its line colour matched to the palette (GUI thread only)."""
    return _icon(name, palette_is_dark())


@cache
def _icon(name: str, dark: bool) -> QIcon:
    path = resource_path(f"icons/{name}.svg")
    if not dark:
        return QIcon(path)
    with open(path, encoding="utf-8") as svg:
        text = svg.read()
    if _INK not in text:
        return QIcon(path)  # coloured icons (folders, buckets) read on both
    result = QIcon()
    for ink, mode in ((_INK_ON_DARK, QIcon.Mode.Normal), (_DISABLED_INK_ON_DARK, QIcon.Mode.Disabled)):
        renderer = QSvgRenderer(QByteArray(text.replace(_INK, ink).encode()))
        for size in _RENDERED_SIZES:
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            result.addPixmap(pixmap, mode)
    return result


def app_icon() -> QIcon:
    return QIcon(resource_path("s3browser.svg"))


def kind_for_name(name: str) -> str:
    """Icon name for an object key, chosen by extension and then by MIME type."""
    dot = name.rfind(".")
    ext = name[dot:].lower() if dot > name.rfind("/") else ""
    if ext in _EXTENSION_KINDS:
        return _EXTENSION_KINDS[ext]
    mime = guess_content_type("x" + ext) if ext else ""
    if mime.startswith("image/"):
        return "file-image"
    if mime.startswith(("audio/", "video/")):
        return "file-media"
    if mime.startswith("text/"):
        return "file-text"
    return "file"

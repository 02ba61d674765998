"""The one module that knows icon names; SVGs ship inside the wheel as ``s3browser.resources``."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtGui import QIcon

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


@cache
def icon(name: str) -> QIcon:
    """A named icon from ``resources/icons`` (cached; call on the GUI thread only)."""
    return QIcon(resource_path(f"icons/{name}.svg"))


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

"""Mapping object keys to local paths safely, and local files/folders to keys.

Nothing may be written outside the folder the user chose: keys with ``..``, a leading ``/``,
backslashes, NUL or control characters, names the OS reserves or names too long for the file
system are renamed or refused, and each decision is reported.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FILE_AND_FOLDER = "file-and-folder"  # error kind: a key needs a name that is a folder on disk, or the reverse

# Names Windows reserves in any folder (also refused here, so a download can be copied anywhere).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAME_MAX_BYTES = 255
_PATH_MAX_BYTES = 4095  # Linux's PATH_MAX (4096) less the terminating NUL


@dataclass(frozen=True)
class LocalTarget:
    """Where one key lands: ``path`` (None when refused) and what was changed or why it was refused."""

    key: str
    path: Path | None
    note: str = ""
    kind: str = ""  # why it was refused, as a code ("" for the plain refusals)

    @property
    def refused(self) -> bool:
        return self.path is None


_DOUBLE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst")


def split_extension(name: str) -> tuple[str, str]:
    """A file name's stem and extension, for names made beside it ("report (1).pdf"):
    ("report", ".pdf"), ("archive", ".tar.gz"), (".bashrc", ""), ("README", "")."""
    lowered = name.lower()
    for double in _DOUBLE_SUFFIXES:
        if lowered.endswith(double) and len(name) > len(double):
            return name[:-len(double)], name[-len(double):]
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], name[dot:]


def _safe_component(part: str) -> tuple[str | None, str]:
    """A file-system-safe version of one path component, or (None, reason)."""
    if "\x00" in part:
        return None, "contains a NUL character"
    note = ""
    cleaned = part
    if _CONTROL.search(cleaned):
        cleaned = _CONTROL.sub("_", cleaned)
        note = "control characters replaced by _"
    if cleaned in {".", ".."}:
        return None, f"contains a “{cleaned}” path component"
    stripped = cleaned.rstrip(" .")
    if stripped != cleaned:
        cleaned = (stripped or "_") + "_"
        note = note or "trailing dots or spaces replaced"
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = "_" + cleaned
        note = note or "a name the OS reserves was prefixed with _"
    if len(os.fsencode(cleaned)) > _NAME_MAX_BYTES:
        return None, f"a name is longer than {_NAME_MAX_BYTES} bytes"
    return cleaned, note


def local_target(root: Path, key: str, strip_prefix: str = "") -> LocalTarget:
    """The local path for ``key`` under ``root`` (after removing ``strip_prefix``)."""
    relative = key[len(strip_prefix):] if strip_prefix and key.startswith(strip_prefix) else key
    notes = []
    if "\\" in relative:
        relative = relative.replace("\\", "/")
        notes.append("backslashes treated as folder separators")
    if relative.startswith("/"):
        return LocalTarget(key, None, "starts with “/” (an absolute path)")
    parts = [p for p in relative.split("/") if p != ""]
    if not parts:
        return LocalTarget(key, None, "has no file name (only “/”)")
    if relative.endswith("/"):
        return LocalTarget(key, None, "is a folder marker, not a file")
    safe_parts = []
    for part in parts:
        cleaned, note = _safe_component(unicodedata.normalize("NFC", part))
        if cleaned is None:
            return LocalTarget(key, None, note)
        if note:
            notes.append(note)
        safe_parts.append(cleaned)
    path = root.joinpath(*safe_parts)
    if len(os.fsencode(str(path))) > _PATH_MAX_BYTES:
        return LocalTarget(key, None, f"the full local path would be longer than {_PATH_MAX_BYTES + 1:,} bytes")
    root_resolved = root.resolve()
    try:
        path.resolve().relative_to(root_resolved)
    except ValueError:
        return LocalTarget(key, None, "would be written outside the chosen folder")
    return LocalTarget(key, path, "; ".join(dict.fromkeys(notes)))


def refuse_file_and_folder(targets: list[LocalTarget]) -> list[LocalTarget]:
    """Refuse the file of a key that is also a folder (``a`` beside ``a/b``): a disk can hold only one.

    The folder's files are kept; the file is refused with a sentence that says why.
    """
    folders: set[Path] = set()
    for target in targets:
        if target.path is not None:
            folders.update(target.path.parents)
    return [LocalTarget(t.key, None, f"is both a file and a folder (“{t.path.name}” and “{t.path.name}/…”); a "
                                     "local disk can hold only one, so the folder was kept and this file was "
                                     "not downloaded", FILE_AND_FOLDER)
            if t.path is not None and t.path in folders else t for t in targets]


@dataclass(frozen=True)
class LocalFile:
    path: Path
    key: str
    size: int
    mtime: float = 0.0


def plan_upload(sources: list[Path], destination_prefix: str) -> tuple[list[LocalFile], list[str]]:
    """Files to upload for the chosen files and folders (folders recursively, keeping relative
    paths under the folder's own name), and the problems found (unreadable entries)."""
    if destination_prefix and not destination_prefix.endswith("/"):
        destination_prefix += "/"
    files: list[LocalFile] = []
    problems: list[str] = []
    for source in sources:
        if source.is_dir():
            for dirpath, dirnames, filenames in os.walk(source, onerror=lambda e: problems.append(
                    f"{e.filename}: {e.strerror}")):
                dirnames.sort()
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    relative = path.relative_to(source.parent).as_posix()
                    _append(files, problems, path, destination_prefix + relative)
        else:
            _append(files, problems, source, destination_prefix + source.name)
    return files, problems


def _append(files: list[LocalFile], problems: list[str], path: Path, key: str) -> None:
    try:
        stat = path.stat()
    except OSError as exc:
        problems.append(f"{path}: {exc.strerror}")
        return
    if not os.access(path, os.R_OK):
        problems.append(f"{path}: not readable")
        return
    files.append(LocalFile(path, key, stat.st_size, stat.st_mtime))

"""Writing a downloaded file below the folder the user chose: never through a link, never half-written.

Planning maps keys to safe paths, but the disk can change between planning and writing: a folder
replaced by a symlink after planning would redirect the write outside the chosen folder.  So each
folder below the root is opened from its parent's handle with ``O_NOFOLLOW``
(``os.open(name, ..., dir_fd=parent)``), the temporary file is created in that folder handle with
``O_EXCL`` under a random name (so no key, however it is named, can collide with it), and the rename
into place happens within the same handle.  After the rename the final file is checked (a regular
file of the expected size) before anyone is told the download succeeded.

Where the platform has no ``dir_fd`` (Windows), containment is checked by resolving paths when the
folder is created and again right before the rename.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from pathlib import Path
from typing import BinaryIO

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.local.paths import FILE_AND_FOLDER

TEMP_PREFIX = ".s3b-"
TEMP_SUFFIX = ".partial"
DIR_FD_SUPPORTED = os.name == "posix" and os.open in os.supports_dir_fd and os.mkdir in os.supports_dir_fd
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"[0-9a-f]{16}" + re.escape(TEMP_SUFFIX))


def is_temp_name(name: str) -> bool:
    """Exactly the names :meth:`TargetFolder.create_temp` makes (16 random hex digits), so that a
    user's ``.s3b-notes.partial`` is never taken for one of ours."""
    return _TEMP_NAME.fullmatch(name) is not None


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


class TargetFolder:
    """An open handle on the folder ``target`` goes into, reached from ``root`` without following links.

    Use as a context manager; every method works relative to the handle, never by path.
    """

    def __init__(self, root: Path, target: Path) -> None:
        try:
            relative = target.relative_to(root)
        except ValueError:
            raise S3BrowserError(f"{target} is outside the download folder {root}; nothing was written.",
                                 kind="outside") from None
        if not relative.parts:
            raise S3BrowserError(f"{target} is the download folder itself, not a file in it.", kind="invalid")
        self.root = root
        self.target = target
        self.name = relative.parts[-1]
        self._folders = relative.parts[:-1]
        self.fd = -1
        self._open()

    # ---------------------------------------------------------------- folders
    def _open(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)  # the folder the user chose: links to it are theirs
        if not DIR_FD_SUPPORTED:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._check_contained()
            return
        fd = os.open(self.root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        walked = []
        try:
            for part in self._folders:
                walked.append(part)
                try:
                    os.mkdir(part, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass
                try:
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
                except OSError as exc:
                    raise self._folder_error("/".join(walked), exc, _is_link(part, fd)) from None
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd

    def _folder_error(self, relative: str, exc: OSError, is_link: bool) -> S3BrowserError:
        if is_link or exc.errno == errno.ELOOP:
            return S3BrowserError(f"“{relative}” in the download folder is a link; it was not followed, so "
                                  "nothing was written outside the folder.", kind="outside")
        if exc.errno == errno.ENOTDIR:
            return S3BrowserError(f"“{relative}” is a file on disk, but this key needs it to be a folder "
                                  "(the key is both a file and a folder); the file was not downloaded.",
                                  kind=FILE_AND_FOLDER)
        return S3BrowserError(f"Cannot open the folder “{relative}”: {exc.strerror}.", kind="local")

    def _check_contained(self) -> None:
        """Path-based fallback: the target's folder must still resolve inside the root."""
        try:
            self.target.parent.resolve().relative_to(self.root.resolve())
        except ValueError:
            raise S3BrowserError(f"A folder on the way to {self.target.name} now leads outside the download "
                                 "folder; nothing was written there.", kind="outside") from None

    # ---------------------------------------------------------------- files in the folder
    def _path(self, name: str) -> str | Path:
        return name if self.fd >= 0 else self.target.parent / name

    def _dir_fd(self) -> dict:
        return {"dir_fd": self.fd} if self.fd >= 0 else {}

    def create_temp(self) -> tuple[str, BinaryIO]:
        """A new, empty temporary file with a random name no other file has (``O_EXCL``)."""
        for _ in range(100):
            name = f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
            try:
                fd = os.open(self._path(name), os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY,
                             0o666, **self._dir_fd())
            except FileExistsError:
                continue
            return name, os.fdopen(fd, "r+b")
        raise S3BrowserError("Could not create a temporary file in the download folder.", kind="local")

    def open_temp(self, name: str) -> BinaryIO | None:
        """An earlier temporary file, to resume into; None when it is gone or not a plain file."""
        if not is_temp_name(name) or "/" in name:
            return None
        try:
            fd = os.open(self._path(name), os.O_RDWR | _NOFOLLOW | _CLOEXEC | _BINARY, **self._dir_fd())
        except OSError:
            return None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        return os.fdopen(fd, "r+b")

    def target_exists(self) -> bool:
        """Whether something (a file, a link, a folder) is at the target's name now."""
        try:
            os.stat(self._path(self.name), follow_symlinks=False, **self._dir_fd())
        except FileNotFoundError:
            return False
        return True

    def remove(self, name: str) -> None:
        try:
            os.unlink(self._path(name), **self._dir_fd())
        except FileNotFoundError:
            pass

    def temp_path(self, name: str) -> Path:
        return self.target.parent / name

    def commit(self, temp_name: str, expected_size: int) -> None:
        """Rename the finished temporary file into place, then check that the final file is what we wrote."""
        if self.fd < 0:
            self._check_contained()
        try:
            if self.fd >= 0:
                os.replace(temp_name, self.name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            else:
                os.replace(self.target.parent / temp_name, self.target)
        except IsADirectoryError:
            raise S3BrowserError(f"“{self.name}” is a folder on disk, but this key is a file (the key is both a "
                                 "file and a folder); the folder was left as it is.", kind=FILE_AND_FOLDER) from None
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                raise S3BrowserError(f"“{self.name}” is a folder on disk, but this key is a file (the key is both "
                                     "a file and a folder); the folder was left as it is.",
                                     kind=FILE_AND_FOLDER) from None
            raise
        try:
            final = os.stat(self._path(self.name), follow_symlinks=False, **self._dir_fd())
        except OSError as exc:
            raise S3BrowserError(f"{self.name} is missing after the download was put in place ({exc.strerror}).",
                                 kind="verify") from None
        if not stat.S_ISREG(final.st_mode) or final.st_size != expected_size:
            raise S3BrowserError(f"{self.name} on disk is not the file that was downloaded "
                                 f"({final.st_size:,} bytes, expected {expected_size:,}).", kind="verify")

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> TargetFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

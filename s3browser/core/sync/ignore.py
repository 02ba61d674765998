"""Ignore patterns of a sync pair, in gitignore syntax (negation, folder-only patterns) via pathspec."""

from __future__ import annotations

from collections.abc import Iterable

import pathspec

from s3browser.core.ops.trash import TRASH_PREFIX

DEFAULT_PATTERNS: tuple[str, ...] = (
    ".DS_Store",
    "Thumbs.db",
    "desktop.ini",
    "~$*",
    ".~lock.*#",
    "*.part",
    "/" + TRASH_PREFIX,
)


class IgnoreRules:
    """Matches relative, ``/``-separated paths; a folder's path is matched with a trailing ``/``."""

    def __init__(self, patterns: Iterable[str] = DEFAULT_PATTERNS) -> None:
        self.patterns = [p for p in (line.rstrip("\n") for line in patterns) if p.strip()]
        self._spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)

    def ignores_file(self, path: str) -> bool:
        return self._spec.match_file(path)

    def ignores_folder(self, path: str) -> bool:
        return self._spec.match_file(path.rstrip("/") + "/")

    def ignores_tree(self, folder: str) -> bool:
        """A folder is ignored if it, or any folder above it, matches."""
        parts = folder.strip("/").split("/")
        return any(self.ignores_folder("/".join(parts[: i + 1])) for i in range(len(parts)))

    def ignores(self, path: str) -> bool:
        """A file is ignored if it, or any folder above it, matches."""
        if self.ignores_file(path):
            return True
        parts = path.split("/")[:-1]
        return any(self.ignores_folder("/".join(parts[: i + 1])) for i in range(len(parts)))


def problem_with_pattern(pattern: str) -> str | None:
    """A sentence if ``pattern`` is not valid gitignore syntax (for the pair dialog), else None."""
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, TypeError) as exc:
        return f"“{pattern}” is not a valid pattern ({exc})."
    return None

"""Put s3browser in the desktop's application menu (and take it out again), the XDG way.

``pip install`` puts a command on the PATH but nothing in the menu.  This writes a ``.desktop``
file to ``$XDG_DATA_HOME/applications`` whose ``Exec`` is the absolute command of this install
(so it works from a virtual environment that is not on the menu's PATH) and the icon to the
``hicolor`` theme.  Only files carrying our marker are ever removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from s3browser.core.settings.atomic_files import write_atomic

APP_ID = "s3browser"
MARKER = "X-S3browser-Installed-By=s3browser --install-desktop-entry"


@dataclass(frozen=True)
class DesktopFiles:
    """Where the entry and its icon go under one data folder."""

    entry: Path
    icon: Path

    @classmethod
    def under(cls, data_home: Path) -> DesktopFiles:
        return cls(entry=data_home / "applications" / f"{APP_ID}.desktop",
                   icon=data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg")


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` as the base-directory spec says."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def launcher_command() -> list[str]:
    """The command that starts this very install: its console script, else ``python -m s3browser``."""
    script = Path(sys.executable).with_name("s3browser")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("s3browser")
    if found:
        return [os.path.abspath(found)]
    return [sys.executable, "-m", "s3browser"]


def quote_exec_argument(argument: str) -> str:
    """One ``Exec`` argument quoted as the Desktop Entry spec requires (reserved characters inside
    double quotes, with ``"``, `````, ``$`` and ``\\`` escaped; ``%`` doubled)."""
    argument = argument.replace("%", "%%")
    if not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`="):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def entry_text(command: list[str]) -> str:
    """The ``.desktop`` file for ``command``: the shipped template with its ``Exec`` made absolute."""
    template = resources.files("s3browser.resources").joinpath(f"{APP_ID}.desktop").read_text(encoding="utf-8")
    exec_line = "Exec=" + " ".join(quote_exec_argument(a) for a in command)
    lines = [exec_line if line.startswith("Exec=") else line for line in template.splitlines()]
    lines.append(MARKER)
    # In the desktop file's value strings a backslash is itself escaped (spec: "\\\\" for one "\\").
    return "\n".join(line.replace("\\", "\\\\") if line.startswith("Exec=") else line for line in lines) + "\n"


def install_desktop_entry(home: Path | None = None, command: list[str] | None = None) -> DesktopFiles:
    """Write the menu entry and icon under ``home`` (default ``$XDG_DATA_HOME``); returns where."""
    files = DesktopFiles.under(home or data_home())
    icon = resources.files("s3browser.resources").joinpath(f"{APP_ID}.svg").read_bytes()
    write_atomic(files.icon, icon)
    write_atomic(files.entry, entry_text(command or launcher_command()).encode("utf-8"))
    _refresh_menu_cache(files.entry.parent)
    return files


def uninstall_desktop_entry(home: Path | None = None) -> list[Path]:
    """Remove the entry and icon this command wrote; a file someone else put there is left alone."""
    files = DesktopFiles.under(home or data_home())
    removed = []
    try:
        ours = MARKER in files.entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        ours = False
    if ours:
        files.entry.unlink()
        removed.append(files.entry)
        if files.icon.is_file():
            files.icon.unlink()
            removed.append(files.icon)
        _refresh_menu_cache(files.entry.parent)
    return removed


def _refresh_menu_cache(applications: Path) -> None:
    """Most menus watch the folder; ``update-desktop-database`` helps the rest (best effort)."""
    tool = shutil.which("update-desktop-database")
    if tool:
        subprocess.run([tool, str(applications)], check=False, capture_output=True, timeout=30)

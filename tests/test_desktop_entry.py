"""``s3browser --install-desktop-entry`` puts a valid XDG menu entry in place and takes it out again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from s3browser.app import main
from s3browser.core.local.desktop_entry import DesktopFiles, entry_text, quote_exec_argument


def validator() -> str | None:
    """desktop-file-validate when installed; CI installs it and must not skip the check."""
    found = shutil.which("desktop-file-validate")
    assert found or not os.environ.get("S3BROWSER_REQUIRE_INTEGRATION"), "CI installs desktop-file-utils"
    return found


def exec_arguments(text: str) -> list[str]:
    """The Exec line parsed back as a menu would: string escapes first, then the quoting rules."""
    value = next(line for line in text.splitlines() if line.startswith("Exec="))[len("Exec="):]
    value = value.replace("\\\\", "\\")
    arguments, current, quoted, i = [], "", False, 0
    while i < len(value):
        c = value[i]
        if quoted and c == "\\":
            current += value[i + 1]
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c == " " and not quoted:
            arguments.append(current)
            current = ""
        else:
            current += c
        i += 1
    arguments.append(current)
    return [a.replace("%%", "%") for a in arguments]


def test_install_and_uninstall_through_the_command_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["--install-desktop-entry"]) == 0
    files = DesktopFiles.under(tmp_path)
    assert str(files.entry) in capsys.readouterr().out
    text = files.entry.read_text()
    assert "Icon=s3browser" in text and "Terminal=false" in text
    command = exec_arguments(text)
    assert Path(command[0]).is_absolute(), "works from a virtual environment not on the menu's PATH"
    assert files.icon.read_bytes().startswith(b"<") and b"<svg" in files.icon.read_bytes()
    if validator():
        result = subprocess.run(["desktop-file-validate", str(files.entry)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout

    assert main(["--uninstall-desktop-entry"]) == 0
    assert not files.entry.exists() and not files.icon.exists()
    assert "Removed" in capsys.readouterr().out
    assert main(["--uninstall-desktop-entry"]) == 0
    assert "Nothing to remove" in capsys.readouterr().out


def test_uninstall_leaves_an_entry_it_did_not_write(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    files = DesktopFiles.under(tmp_path)
    files.entry.parent.mkdir(parents=True)
    files.entry.write_text("[Desktop Entry]\nType=Application\nName=Mine\nExec=mine\n")
    assert main(["--uninstall-desktop-entry"]) == 0
    assert files.entry.read_text().startswith("[Desktop Entry]")


@pytest.mark.parametrize("command", [
    ["/opt/my apps/venv/bin/s3browser"],
    [sys.executable, "-m", "s3browser"],
    ['/home/o"brien/$HOME/back\\slash/100%/s3browser'],
])
def test_exec_line_round_trips_awkward_paths(command: list[str], tmp_path: Path) -> None:
    text = entry_text(command)
    assert exec_arguments(text) == command
    if validator():
        entry = tmp_path / "s3browser.desktop"
        entry.write_text(text)
        result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert result.returncode == 0 and "error" not in result.stdout, result.stdout


def test_plain_arguments_are_not_quoted() -> None:
    assert quote_exec_argument("/usr/bin/s3browser") == "/usr/bin/s3browser"
    assert quote_exec_argument("a b") == '"a b"'

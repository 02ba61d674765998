"""The README's Quick start stays true: two command lines, and CI runs the very same test line."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_has_exactly_two_lines_demo_then_tests() -> None:
    lines = quick_start_lines()
    assert len(lines) == 2
    assert "'.[demo]'" in lines[0] and lines[0].endswith("s3browser --demo")
    assert "'.[test,integration]'" in lines[1] and "pytest" in lines[1]


def test_ci_runs_the_readme_test_line() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert f'TEST_LINE="{quick_start_lines()[1]}"' in ci


def test_screenshot_in_readme_exists() -> None:
    readme = (ROOT / "README.md").read_text()
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert (ROOT / path).is_file(), path


def _debian_package(library: str) -> str:
    """Debian's name for the package holding a shared library: libxcb-cursor.so.0 -> libxcb-cursor0,
    libX11.so.6 -> libx11-6 (a name ending in a digit takes a dash before the version)."""
    name, _, version = library.partition(".so.")
    name = name.lower()
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def test_the_readme_names_every_x11_library_the_real_window_links() -> None:
    import shutil
    import subprocess

    import PySide6
    import pytest

    ldd = shutil.which("ldd")
    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if ldd is None or not plugin.is_file():
        pytest.skip("needs ldd and PySide6's xcb platform plugin (Linux)")
    linked = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, check=True).stdout
    libraries = set(re.findall(r"^\s*(lib(?:xcb|X11|xkbcommon-x11)[\w.-]*\.so\.\d+)", linked, re.MULTILINE))
    assert libraries, linked
    readme = " ".join((ROOT / "README.md").read_text().split())
    missing = sorted(p for p in map(_debian_package, libraries) if f" {p}" not in readme and f"`{p}" not in readme)
    assert missing == [], f"the README's X11 line lacks {missing}"

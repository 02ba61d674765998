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

"""Packaging stays honest: every package ships, the version has one source, the floors are tested."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import s3browser

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.mark.slow
def test_the_wheel_ships_every_package_and_the_resources(tmp_path: Path) -> None:
    """Packages are discovered, not listed: a new folder under s3browser/ ships without an edit."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True, timeout=600, capture_output=True)
    (wheel,) = tmp_path.glob("s3browser-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    in_tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "s3browser").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert in_tree - shipped == set()
    assert {"s3browser/resources/__init__.py", "s3browser/resources/s3browser.svg",
            "s3browser/resources/s3browser.desktop", "s3browser/resources/icons/folder.svg"} <= shipped
    assert "[tool.setuptools]" not in (ROOT / "pyproject.toml").read_text(), "no hand-kept package list"


def test_one_source_for_the_version() -> None:
    assert "version" in PYPROJECT["project"]["dynamic"] and "version" not in PYPROJECT["project"]
    # Read statically from a module that imports nothing (no boto3 in an isolated build).
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "s3browser.core.base.version.__version__"}
    from s3browser.core.base import version

    assert s3browser.__version__ == version.__version__ and "import" not in Path(version.__file__).read_text()


def test_floor_constraints_match_the_declared_floors() -> None:
    floors = {line.split("==")[0].lower(): line.split("==")[1].strip()
              for line in (ROOT / ".ci" / "floor-constraints.txt").read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    declared = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        name, _, rest = requirement.partition(">=")
        if rest:
            declared[name.strip().lower()] = rest.split(",")[0].strip()
    assert declared.keys() == floors.keys(), "every runtime dependency is tested at its floor"
    for name, floor in declared.items():
        assert floors[name].startswith(floor), name


def test_unit_tests_need_no_server_binaries() -> None:
    test_extra = " ".join(PYPROJECT["project"]["optional-dependencies"]["test"])
    assert "seaweedfs" not in test_extra and "rclone" not in test_extra
    assert any("seaweedfs" in r for r in PYPROJECT["project"]["optional-dependencies"]["integration"])
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")

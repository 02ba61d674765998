"""Packaging stays honest: every package ships, the version has one source, the floors are tested."""

from __future__ import annotations

from pathlib import Path

import pytest

import s3browser

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_in_the_tree_is_listed() -> None:
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "s3browser").rglob("__init__.py")}
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    assert "s3browser.resources" in listed


def test_one_source_for_the_version() -> None:
    assert "version" in PYPROJECT["project"]["dynamic"] and "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "s3browser.__version__"}
    assert s3browser.__version__


def test_floor_constraints_match_the_declared_floors() -> None:
    floors = {line.split("==")[0].lower(): line.split("==")[1].strip()
              for line in (ROOT / ".ci" / "floor-constraints.txt").read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    declared = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        name, _, rest = requirement.partition(">=")
        if rest:
            declared[name.strip().lower()] = rest.split(",")[0].strip()
    for name in ("boto3", "botocore", "s3transfer", "keyring", "platformdirs"):
        assert floors[name].startswith(declared[name]), name


def test_unit_tests_need_no_server_binaries() -> None:
    test_extra = " ".join(PYPROJECT["project"]["optional-dependencies"]["test"])
    assert "seaweedfs" not in test_extra and "rclone" not in test_extra
    assert any("seaweedfs" in r for r in PYPROJECT["project"]["optional-dependencies"]["integration"])
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")

"""The layout holds: no import cycles, core without Qt, and nothing but the app reaches for the window."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "s3browser"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every s3browser module a file imports, anywhere in it (TYPE_CHECKING blocks included)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(), str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("s3browser"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("s3browser"):
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    graph = import_graph()
    # A package's __init__ re-exporting its modules is not a cycle of design; leave those edges out.
    graph = {name: {t for t in targets if not (name.startswith(t + ".") or t == name.rpartition(".")[0])}
             for name, targets in graph.items()}
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_core_does_not_import_qt() -> None:
    for path in (PACKAGE / "core").rglob("*.py"):
        assert "PySide6" not in path.read_text(), path


def test_only_the_app_reaches_for_the_main_window() -> None:
    graph = import_graph()
    users = sorted(name for name, targets in graph.items() if "s3browser.ui.main_window" in targets)
    assert users == ["s3browser.app"]


# Where bytes may be moved: the one upload, download and server-side copy, and what they are built
# from.  Beside them only two reads that are no transfer: the conditional-write probe's own object,
# and the first bytes of an object for the preview pane.  The demo writes into moto's own backend.
TRANSFER_ROUTES = {"core/transfers/upload.py", "core/transfers/download.py", "core/transfers/ranged_download.py",
                   "core/transfers/multipart.py", "core/transfers/server_copy.py", "core/transfers/crt_transport.py",
                   "core/transfers/conditional.py", "core/ops/preview.py", "core/demo.py"}
# boto3's own transfer calls, and botocore's single requests that move an object's bytes; ``routes.``
# before upload_file / download_file is the app's own route, which is what everything should call.
_MOVES_BYTES = re.compile(r"\.(put_object|get_object|upload_part|upload_part_copy|copy_object|download_fileobj|"
                          r"upload_fileobj)\(|(?<!routes)\.(upload_file|download_file)\(|TransferManager")


def test_only_the_transfer_routes_move_bytes() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in TRANSFER_ROUTES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _MOVES_BYTES.search(line.split("#", 1)[0]):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "bytes moved outside the transfer routes"

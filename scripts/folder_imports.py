"""Print the package's folders and which folder imports which (for reviews of the layout).

Usage: python scripts/folder_imports.py [--depth N]

A folder is a package path cut to ``N`` levels below ``s3browser`` (default 2: ``core/transfers``,
``ui/models``); an arrow ``a -> b (n)`` says that modules in ``a`` import from ``b`` in ``n``
places.  Imports inside a function count too: they are still a dependency.  Loops are listed last.
"""

from __future__ import annotations

import argparse
import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "s3browser"


def folder_of(module: str, depth: int) -> str:
    parts = module.split(".")[1:]
    folders = parts[:-1] if parts else []
    return "/".join(folders[:depth]) or "."


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts[-1] = "_"
    return ".".join(parts)


def imported(module: str, tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("s3browser"):
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names if a.name.startswith("s3browser"))
    return names


def target_folder(name: str, depth: int) -> str:
    """The folder of an imported module or package (a package counts as its own folder)."""
    path = ROOT.parent.joinpath(*name.split("."))
    if path.is_dir():
        return "/".join(name.split(".")[1:][:depth]) or "."
    return folder_of(name, depth)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", type=int, default=2)
    depth = parser.parse_args().depth
    arrows: Counter[tuple[str, str]] = Counter()
    sizes: Counter[str] = Counter()
    for path in sorted(ROOT.rglob("*.py")):
        module = module_name(path)
        here = folder_of(module, depth)
        text = path.read_text(encoding="utf-8")
        sizes[here] += len(text.splitlines())
        for name in imported(module, ast.parse(text)):
            there = target_folder(name, depth)
            if there != here:
                arrows[(here, there)] += 1
    print("folders (lines):")
    for folder in sorted(sizes):
        print(f"  {folder or '.'}  ({sizes[folder]:,})")
    print("imports between folders:")
    for (source, target), count in sorted(arrows.items()):
        print(f"  {source} -> {target} ({count})")
    loops = sorted({tuple(sorted(pair)) for pair in arrows if (pair[1], pair[0]) in arrows})
    print("loops:" if loops else "loops: none")
    for a, b in loops:
        print(f"  {a} <-> {b}")


if __name__ == "__main__":
    main()

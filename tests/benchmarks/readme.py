"""The README's benchmark tables, generated from the committed raw results.

    .venv/bin/python -m tests.benchmarks.readme          # rewrite the tables in README.md
    .venv/bin/python -m tests.benchmarks.readme --check  # exit 1 if README.md differs

``python -m tests.benchmarks --json docs/benchmark-results.json`` writes the raw figures; this
turns them into the tables between the two markers in README.md, so every figure there can be
traced to the file (a test checks that they agree).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.benchmarks.__main__ import report_listing, report_stalls, report_transfers

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "benchmark-results.json"
README = ROOT / "README.md"
START = "<!-- benchmark tables: generated from docs/benchmark-results.json by python -m tests.benchmarks.readme -->"
END = "<!-- end of benchmark tables -->"


def render(results: dict[str, Any]) -> str:
    raw = results["raw"]
    scratch = {"objects": results.get("objects", 100_000)}
    parts = [f"{results['machine']}; SeaweedFS on loopback; median of {results['runs']} "
             f"run{'s' if results['runs'] != 1 else ''}{'; ' + results['date'] if results.get('date') else ''}."]
    if "s3browser core" in raw:
        parts.append(report_listing(raw, scratch))
    transfers = report_transfers(raw, scratch)
    if transfers:
        parts.append(transfers)
    stalls = report_stalls(raw, scratch)
    if stalls:
        parts.append(stalls)
    return "\n\n".join(parts)


def updated(readme: str, results: dict[str, Any]) -> str:
    head, found, rest = readme.partition(START)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise SystemExit(f"README.md lacks the markers {START!r} … {END!r}")
    return f"{head}{START}\n{render(results)}\n{END}{tail}"


def main(argv: list[str]) -> int:
    results = json.loads(RESULTS.read_text())
    text = README.read_text()
    new = updated(text, results)
    if "--check" in argv:
        if new != text:
            print("README.md's benchmark tables differ from docs/benchmark-results.json; run "
                  "python -m tests.benchmarks.readme")
            return 1
        return 0
    README.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The README's Performance tables are generated from the committed raw results and must agree."""

from __future__ import annotations

import json
import re
import statistics

from tests.benchmarks import readme


def test_readme_tables_match_the_committed_results() -> None:
    results = json.loads(readme.RESULTS.read_text())
    text = readme.README.read_text()
    assert readme.updated(text, results) == text, "run: python -m tests.benchmarks.readme"


def test_the_tables_come_from_the_raw_runs() -> None:
    results = json.loads(readme.RESULTS.read_text())
    ours = results["raw"]["T3: upload small files | s3browser"]
    rendered = readme.render(results)
    median_seconds = statistics.median(r["seconds"] for r in ours)
    assert re.search(rf"\| T3: upload small files +\| s3browser +\| {median_seconds:.2f} ", rendered)

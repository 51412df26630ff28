"""The benchmark (bench/run.py) keeps working: a quick run builds a small corpus with every tool."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import IN_CI, REPO, missing_tool

CASES = ("cold", "edit", "edit2", "noop", "add")


def test_the_quick_benchmark_runs_and_prints_its_table(tmp_path: Path) -> None:
    tools, missing = ["feedgen-app", "floor"], []
    if shutil.which("hugo"):
        tools.append("hugo")
    else:
        missing.append("hugo (apt-get install -y hugo)")
    if importlib.util.find_spec("pelican") is not None:
        tools.append("pelican")
    else:
        missing.append("pelican (pip install -e '.[test]')")
    if missing and IN_CI:
        missing_tool(f"{' and '.join(missing)} not installed")
    raw = tmp_path / "samples.json"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--quick",
            "--tools",
            ",".join(tools),
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            str(raw),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout
    assert "| tool | case | wall s | CPU s | peak MB |" in table
    for title in (
        "cold build",
        "one article edited",
        "another article edited",
        "nothing changed",
        "one article added",
    ):
        assert f"| feedgen-app | {title} |" in table
    assert "| floor | write files |" in table
    samples = json.loads(raw.read_text(encoding="utf-8"))["300"]
    assert sorted(samples) == sorted(tools)
    for case in CASES:
        (sample,) = samples["feedgen-app"][case]
        assert sample["wall"] > 0 and sample["cpu"] > 0 and sample["peak_mb"] > 5
    if "hugo" in tools:
        row = next(
            line for line in table.splitlines() if line.startswith("| feedgen-app | cold build |")
        )
        ratio = row.split("|")[6].strip()
        assert float(ratio) > 0  # feedgen-app ÷ Hugo, from the same corpus
        hugo_pages = (tmp_path / "work" / "n300-txt" / "hugo" / "public").glob("*/index.html")
        assert len(list(hugo_pages)) >= 300
    if missing:  # what ran passed; say what did not run
        missing_tool(f"{' and '.join(missing)} not installed: the benchmark ran without them")


def test_the_corpus_is_deterministic_german_text() -> None:
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = bench
    spec.loader.exec_module(bench)
    first, again = bench.make_story(7, markdown=True), bench.make_story(7, markdown=True)
    assert first == again
    name, text = bench.feedgen_source(first)
    assert name.endswith(".md") and text.startswith("---\ntitle:")
    plain_name, plain = bench.feedgen_source(bench.make_story(7))
    assert plain_name.endswith(".txt") and plain.startswith("date ")
    assert plain.split("\n\n", 1)[1].split() == [  # the same story in both forms
        word
        for line in text.split("---\n", 2)[2].split("\n")
        for word in line.removeprefix("## ").split()
    ]
    size = len(text.encode("utf-8"))
    assert 2800 <= size <= 4000
    assert any(ch in text for ch in "äöüß") and "„" in text and "## " in text

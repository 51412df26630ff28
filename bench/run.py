"""Benchmark: feedgen-app against Hugo, Pelican and the file-writing floor on one synthetic corpus.

Generates deterministic German articles (plain text and Markdown, about 3 KB each), builds them
with every tool that is installed, and prints median wall time, CPU time and peak memory for four
cases: cold build, one article edited, nothing changed, one article added.

    python bench/run.py                    # 1,000 and 10,000 articles, plain text and Markdown
    python bench/run.py --sizes 10000 --formats txt --jobs 1,2   # 1 against 2 workers
    python bench/run.py --sizes 100000 --tools feedgen-app --formats txt --repeats 1
    python bench/run.py --quick            # a few hundred articles, one repeat (the test suite)

The corpus comes in two forms of the same stories: `txt` (feedgen-app's plain-text format) and
`md` (Markdown with YAML front matter); Hugo and Pelican always read Markdown. The tools run
interleaved (each repeat builds with every tool in turn), so a slow moment of a shared machine
hits all of them alike; ratios are of medians from the same run.

Each build runs as a child process; CPU time comes from wait4's rusage (children included). Peak
memory is sampled from /proc every 10 ms: the larger of the biggest process's high-water mark
(VmHWM) and the summed PSS of the whole process tree (feedgen-app's worker pool, shared pages
counted once). ru_maxrss is not used: after fork/exec it still carries the parent's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = "2030-01-01T00:00:00+01:00"
CASES = ("cold", "edit", "edit2", "noop", "add")
CASE_TITLES = {
    "cold": "cold build",
    "edit": "one article edited",
    "edit2": "another article edited",
    "noop": "nothing changed",
    "add": "one article added",
}
"""`edit` is the first rebuild after the cold build; `edit2` edits another article right after
it: for feedgen-app the steady state, where the previous site is kept beside the output folder
and only changed files are written (the first rebuild after a cold build has no previous tree
yet and creates one folder per article)."""
TOOLS = ("feedgen-app", "hugo", "pelican", "floor")
START = datetime(2020, 1, 1, 6, 0, tzinfo=timezone(timedelta(hours=1)))

WORDS = (  # noqa: SIM905 - a word list reads better as text
    "Wirtschaft Regierung Bundestag Verbraucher Unternehmen Märkte Löhne Preise Energie Strom "
    "Gas Mieten Städte Gemeinden Länder Förderung Zuschüsse Steuern Abgaben Rente Arbeitnehmer "
    "Arbeitgeberinnen Gewerkschaften Verhandlungen Ergebnisse Prognosen Ökonominnen Ökonomen "
    "Haushalte Familien Schüler Studierende Hochschulen Krankenhäuser Ärztinnen Apotheken "
    "Versicherungen Banken Zinsen Kredite Anleihen Börse Aktien Anleger Exporte Importe Zölle "
    "Lieferketten Häfen Bahn Flughäfen Straßen Brücken Baustellen Wohnungen Grundstücke "
    "Digitalisierung Künstliche Intelligenz Rechenzentren Netze Glasfaser Mobilfunk Datenschutz"
).split()
VERBS = (
    "steigen",
    "sinken",
    "fordern",
    "prüfen",
    "erwarten",
    "kündigen an",
    "verschieben",
    "begrüßen",
    "kritisieren",
    "übernehmen",
    "senken",
    "erhöhen",
    "veröffentlichen",
)
FILLERS = (
    "deutlich",
    "überraschend",
    "im Vergleich zum Vorjahr",
    "nach Angaben des Verbands",
    "laut einer Umfrage",
    "bis Ende März",
    "in Süddeutschland",
    "für die nächsten Jahre",
    "trotz höherer Kosten",
    "während der Verhandlungen",
    "zum ersten Mal seit 2019",
)
QUOTES = (
    "„Das ist ein gutes Signal für die Betriebe“, sagte die Sprecherin.",
    "„Wir müssen jetzt handeln“, betonte der Minister.",
    "„Die Lage bleibt schwierig“, heißt es aus der Branche.",
    "„Für Verbraucher ändert sich zunächst wenig“, erklärte ein Sprecher.",
)


# ---------------------------------------------------------------------------------------------
# Corpus


@dataclass(frozen=True)
class Story:
    """One synthetic article, independent of any tool's format."""

    index: int
    slug: str
    title: str
    published: datetime
    tags: tuple[str, ...]
    blocks: tuple[tuple[str, str], ...]  # ("p" | "h", text)
    markdown: bool


def make_story(index: int, extra: str = "", markdown: bool = False) -> Story:
    """Article `index`: deterministic, about 3 KB of German text with headings and quotes."""
    rng = random.Random(index * 7919 + 17)
    subject = " ".join(rng.sample(WORDS, 2))
    title = f"{subject}: {rng.choice(WORDS)} {rng.choice(VERBS)} ({index})"
    blocks: list[tuple[str, str]] = []
    size = 0
    while size < 2900:
        if blocks and rng.random() < 0.18:
            text = f"{rng.choice(WORDS)} und {rng.choice(WORDS)} im Überblick"
            blocks.append(("h", text))
        else:
            sentences = []
            for _ in range(rng.randint(2, 4)):
                if rng.random() < 0.2:
                    sentences.append(rng.choice(QUOTES))
                else:
                    a, b = rng.sample(WORDS, 2)
                    sentences.append(
                        f"Die {a} {rng.choice(VERBS)} {rng.choice(FILLERS)}, "
                        f"während {b} {rng.choice(FILLERS)} bleiben."
                    )
            text = " ".join(sentences)
            blocks.append(("p", text))
        size += len(text.encode("utf-8")) + 8
    if extra:
        blocks.append(("p", extra))
    published = START + timedelta(minutes=37 * index)
    return Story(
        index=index,
        slug=f"meldung-{index:06d}",
        title=title,
        published=published,
        tags=tuple(sorted(rng.sample(WORDS[:12], 2))),
        blocks=tuple(blocks),
        markdown=markdown,
    )


def feedgen_source(story: Story) -> tuple[str, str]:
    """(file name, text) in feedgen-app's formats: Markdown or plain text, as the story says."""
    stamp = story.published.strftime("%Y-%m-%dT%H:%M")
    if story.markdown:
        body = "\n\n".join(f"## {t}" if kind == "h" else t for kind, t in story.blocks)
        head = (
            f"---\ntitle: {json.dumps(story.title, ensure_ascii=False)}\ndate: {stamp}\n"
            f"tags: [{', '.join(story.tags)}]\nslug: {story.slug}\n---\n"
        )
        return f"{story.slug}.md", head + body + "\n"
    body = "\n".join(text for _, text in story.blocks)
    return f"{story.slug}.txt", (
        f"date {stamp} {story.title}\ntags {', '.join(story.tags)}\n\n{body}\n"
    )


def markdown_body(story: Story) -> str:
    return "\n\n".join(f"## {t}" if kind == "h" else t for kind, t in story.blocks) + "\n"


def hugo_source(story: Story) -> tuple[str, str]:
    head = (
        f"---\ntitle: {json.dumps(story.title, ensure_ascii=False)}\n"
        f"date: {story.published.isoformat()}\nslug: {story.slug}\n"
        f"summary: {json.dumps(story.blocks[0][1], ensure_ascii=False)}\n---\n"
    )
    return f"{story.slug}.md", head + markdown_body(story)


def pelican_source(story: Story) -> tuple[str, str]:
    head = (
        f"Title: {story.title}\nDate: {story.published.strftime('%Y-%m-%d %H:%M')}\n"
        f"Slug: {story.slug}\nCategory: Wirtschaft\nTags: {', '.join(story.tags)}\n\n"
    )
    return f"{story.slug}.md", head + markdown_body(story)


FEED_YAML = """title: "Benchmark Nachrichten"
subtitle: "Synthetische Meldungen"
base_url: "https://bench.example.org/"
author: "Redaktion"
id_authority: "bench.example.org,2025"
feed_limit: 50
"""

HUGO_CONFIG = """baseURL = "https://bench.example.org/"
languageCode = "de-DE"
defaultContentLanguage = "de"
title = "Benchmark Nachrichten"
disableKinds = ["taxonomy", "term", "section", "sitemap", "robotsTXT", "404"]
rssLimit = 50
[outputs]
home = ["HTML", "RSS", "JSONFeed"]
page = ["HTML"]
[outputFormats.JSONFeed]
mediaType = "application/json"
baseName = "feed"
isPlainText = true
[markup.goldmark.renderer]
unsafe = false
"""

HUGO_DATE = '{{ .Date.Format "2006-01-02T15:04:05-07:00" }}'
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}">
<link rel="alternate" type="application/feed+json" href="{{ "feed.json" | absURL }}">
</head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
""",
    "_default/single.html": (
        '{{ define "title" }}{{ .Title }} – {{ .Site.Title }}{{ end }}\n'
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>\n'
        f'<p><time datetime="{HUGO_DATE}">'
        '{{ .Date.Format "2.1.2006" }}</time></p>\n'
        "{{ .Content }}</article>{{ end }}\n"
    ),
    "index.html": (
        '{{ define "main" }}<h1>{{ .Site.Title }}</h1>\n'
        "<ol>{{ range .Site.RegularPages }}\n"
        '<li><a href="{{ .Permalink }}">{{ .Title }}</a> '
        '<time>{{ .Date.Format "2.1.2006" }}</time></li>{{ end }}\n'
        "</ol>{{ end }}\n"
    ),
    "index.jsonfeed.json": (
        "{{- $items := slice -}}\n"
        "{{- range first 50 .Site.RegularPages -}}\n"
        '{{- $items = $items | append (dict "id" .Permalink "url" .Permalink "title" .Title '
        '"summary" .Summary "content_html" .Content '
        f'"date_published" ({HUGO_DATE[3:-3]})) -}}}}\n'
        "{{- end -}}\n"
        '{{- dict "version" "https://jsonfeed.org/version/1.1" "title" .Site.Title '
        '"home_page_url" .Site.BaseURL "language" "de-DE" "items" $items '
        '| jsonify (dict "indent" "  ") -}}\n'
    ),
}

PELICAN_CONFIG = """THEME = "simple"
SITENAME = "Benchmark Nachrichten"
SITEURL = "https://bench.example.org"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "de"
PATH = "content"
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "atom.xml"
FEED_ALL_RSS = "rss.xml"
FEED_MAX_ITEMS = 50
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = ["index"]
PAGINATED_TEMPLATES = {"index": None}
DEFAULT_PAGINATION = False
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
PAGE_SAVE_AS = ""
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mb: float


def tree_memory_kb(root: int) -> tuple[int, int]:
    """(summed PSS, largest VmHWM) in kB of `root` and its descendants; 0 when they are gone."""
    total, largest, pending = 0, 0, [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{pid}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        largest = max(largest, int(line.split()[1]))
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                    pending.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total, largest


def measure(command: Sequence[str], cwd: Path) -> Sample:
    """Run `command` once; wall, CPU (user + system, children included) and peak memory."""
    env = dict(os.environ, PYTHONHASHSEED="0", LC_ALL="C.UTF-8")
    # posix_spawn (vfork-like), not fork: a forked child would start with this process's
    # resident memory and report it as its own ru_maxrss.
    with tempfile.TemporaryFile() as errors_file:
        actions = [
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, errors_file.fileno(), 2),
        ]
        executable = shutil.which(command[0]) or command[0]
        command = [str(part) for part in command]
        here = os.getcwd()
        os.chdir(cwd)  # posix_spawn has no cwd argument before Python 3.13
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(executable, list(command), env, file_actions=actions)
        finally:
            os.chdir(here)
        peak_kb, wall, status, usage = watch(pid, start)
        errors_file.seek(0)
        errors = errors_file.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({code}) in {cwd}:\n"
            f"{errors.decode(errors='replace')[-3000:]}"
        )
    peak_mb = peak_kb / 1024
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_mb=peak_mb)


def watch(pid: int, start: float) -> tuple[int, float, int, resource.struct_rusage]:
    """Wait for `pid`, sampling its process tree's memory; (peak kB, wall, status, rusage)."""
    peak_kb = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_kb
        while True:
            peak_kb = max(peak_kb, *tree_memory_kb(pid))
            if stop.wait(0.01):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    if Path("/proc/self/smaps_rollup").exists():
        sampler.start()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    if sampler.is_alive():
        sampler.join()
    return peak_kb, wall, status, usage


# ---------------------------------------------------------------------------------------------
# Tools


@dataclass
class Tool:
    """How one tool lays out a corpus, builds it and cleans up for a cold build."""

    name: str
    root: Path
    source: Callable[[Story], tuple[str, str]]
    command: list[str]
    output: Path
    clean: list[Path] = field(default_factory=list)

    @property
    def content(self) -> Path:
        return self.root / "content"

    def write_story(self, story: Story) -> Path:
        name, text = self.source(story)
        path = self.content / name
        path.write_text(text, encoding="utf-8")
        return path

    def reset(self) -> None:
        for path in [self.output, *self.clean]:
            shutil.rmtree(path, ignore_errors=True)

    def build(self) -> Sample:
        return measure(self.command, self.root)


def make_tools(root: Path, names: Sequence[str], jobs: Sequence[int] = (0,)) -> list[Tool]:
    """The tools to run; feedgen-app once per worker count in `jobs` (0: its own choice)."""
    tools = []
    for name in names:
        if name == "feedgen-app":
            tools += [feedgen_tool(root, count, len(jobs) > 1) for count in jobs]
            continue
        base = root / name
        base.mkdir(parents=True)
        (base / "content").mkdir()
        if name == "hugo":
            (base / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
            for rel, text in HUGO_LAYOUTS.items():
                target = base / "layouts" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            command = [
                shutil.which("hugo") or "hugo",
                "--quiet",
                "--destination",
                "public",
                "--cacheDir",
                str(base / "hugo-cache"),
            ]
            tools.append(
                Tool(
                    name,
                    base,
                    hugo_source,
                    command,
                    base / "public",
                    [base / "hugo-cache", base / "resources"],
                )
            )
        elif name == "pelican":
            (base / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
            command = [
                sys.executable,
                "-m",
                "pelican",
                "content",
                "-s",
                "pelicanconf.py",
                "-o",
                "output",
                "-q",
            ]
            tools.append(
                Tool(name, base, pelican_source, command, base / "output", [base / "cache"])
            )
    return tools


def feedgen_tool(root: Path, jobs: int, named_by_jobs: bool) -> Tool:
    """feedgen-app with `--jobs jobs`, in a folder of its own."""
    name = f"feedgen-app -j{jobs}" if named_by_jobs else "feedgen-app"
    base = root / name.replace(" ", "")
    base.mkdir(parents=True)
    (base / "content").mkdir()
    (base / "feed.yaml").write_text(FEED_YAML, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "feedgen_app",
        "build",
        "--content",
        "content",
        "--out",
        "public",
        "--config",
        "feed.yaml",
        "--now",
        NOW,
        "--cache-dir",
        ".feedgen-cache",
        "--jobs",
        str(jobs),
    ]
    clean = [base / ".feedgen-cache", base / ".public.prev"]  # the index, the kept old site
    return Tool(name, base, feedgen_source, command, base / "public", clean)


def tool_available(name: str) -> bool:
    if name == "hugo":
        return shutil.which("hugo") is not None
    if name == "pelican":
        try:
            import markdown  # noqa: F401
            import pelican  # noqa: F401
        except ImportError:
            return False
    return True


FLOOR_SCRIPT = """
import json, os, sys
sizes = json.load(open(sys.argv[1]))
out = sys.argv[2]
os.mkdir(out)
for name, size in sizes:
    path = os.path.join(out, name)
    parent = os.path.dirname(path)
    if parent and not os.path.isdir(parent):
        os.makedirs(parent)
    with open(path, "wb") as handle:
        handle.write(b"x" * size)
"""


def output_sizes(root: Path) -> list[tuple[str, int]]:
    return [
        (p.relative_to(root).as_posix(), p.stat().st_size)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]


def count_pages(root: Path) -> int:
    return sum(1 for _ in root.glob("*/index.html"))


# ---------------------------------------------------------------------------------------------
# Running


def run_size(
    size: int,
    names: Sequence[str],
    repeats: int,
    workdir: Path,
    log: Callable[[str], None],
    cases: Sequence[str] = CASES,
    markdown: bool = False,
    jobs: Sequence[int] = (0,),
) -> dict[str, dict[str, list[Sample]]]:
    """Every case for every tool at one corpus size and form, interleaved: each repeat runs
    every tool in turn. Samples per tool and case."""
    root = workdir / f"n{size}-{'md' if markdown else 'txt'}"
    shutil.rmtree(root, ignore_errors=True)
    tools = make_tools(root, [n for n in names if n != "floor"], jobs)
    for index in range(size):
        story = make_story(index, markdown=markdown)
        for tool in tools:
            tool.write_story(story)
    results: dict[str, dict[str, list[Sample]]] = {
        tool.name: {case: [] for case in CASES} for tool in tools
    }
    for repeat in range(repeats):
        for tool in tools:
            run_cases(tool, size, repeat, cases, markdown, results[tool.name])
            log(
                f"  {tool.name} n={size} repeat {repeat + 1}/{repeats}: cold "
                f"{results[tool.name]['cold'][-1].wall:.2f}s"
            )
    if "floor" in names:
        results["floor"] = {"cold": measure_floor(root, tools, repeats)}
    return results


def run_cases(
    tool: Tool,
    size: int,
    repeat: int,
    cases: Sequence[str],
    markdown: bool,
    samples: dict[str, list[Sample]],
) -> None:
    """One repeat of every case for one tool: cold, nothing changed, one edit, one added."""
    tool.reset()
    samples["cold"].append(tool.build())
    pages = count_pages(tool.output)
    if pages < size:
        raise RuntimeError(f"{tool.name}: {pages} article pages for {size} articles")
    if "noop" in cases:
        samples["noop"].append(tool.build())
    newest = make_story(size - 1, markdown=markdown)
    if "edit" in cases:
        edited = tool.write_story(
            make_story(
                size - 1,
                markdown=markdown,
                extra=(f"Nachtrag {repeat}: Die Zahlen wurden am Abend bestätigt."),
            )
        )
        samples["edit"].append(tool.build())
    if "edit2" in cases:
        middle = make_story(size // 2, markdown=markdown)
        again = tool.write_story(
            make_story(
                size // 2,
                markdown=markdown,
                extra=(f"Nachtrag {repeat}: Auch diese Zahlen wurden bestätigt."),
            )
        )
        samples["edit2"].append(tool.build())
        again.write_text(tool.source(middle)[1], encoding="utf-8")
    if "add" in cases:
        new = tool.write_story(make_story(size, markdown=markdown))
        samples["add"].append(tool.build())
        new.unlink()
    if "edit" in cases:
        edited.write_text(tool.source(newest)[1], encoding="utf-8")


def measure_floor(root: Path, tools: Sequence[Tool], repeats: int) -> list[Sample]:
    """Writing feedgen-app's output files (same names and sizes) with nothing else done."""
    reference = next((t for t in tools if t.name.startswith("feedgen-app")), None)
    if reference is None or not reference.output.is_dir():
        raise RuntimeError("the floor needs feedgen-app's output sizes")
    reference.reset()
    reference.build()
    sizes_file = root / "floor-sizes.json"
    sizes_file.write_text(json.dumps(output_sizes(reference.output)), encoding="utf-8")
    floor: list[Sample] = []
    for _ in range(repeats):
        shutil.rmtree(root / "floor-out", ignore_errors=True)
        floor.append(
            measure(
                [
                    sys.executable,
                    "-S",
                    "-c",
                    FLOOR_SCRIPT,
                    str(sizes_file),
                    str(root / "floor-out"),
                ],
                root,
            )
        )
    return floor


def median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(getattr(s, attribute) for s in samples)


def format_table(size: int, results: dict[str, dict[str, list[Sample]]], form: str = "txt") -> str:
    """A Markdown table: one row per tool and case, medians, plus the ratios."""
    what = "plain text" if form == "txt" else "Markdown + YAML"
    lines = [
        f"### {size:,} articles, {what}".replace(",", "\u202f", 1),
        "",
        "| tool | case | wall s | CPU s | peak MB | ÷ Hugo (wall) | ÷ Hugo (mem) | ÷ floor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    hugo = results.get("hugo", {})
    floor = results.get("floor", {}).get("cold")
    for tool, cases in results.items():
        for case, samples in cases.items():
            if not samples:
                continue
            wall, cpu, peak = (median(samples, a) for a in ("wall", "cpu", "peak_mb"))
            versus_hugo = versus_mem = versus_floor = ""
            ours = tool.startswith("feedgen-app")
            if ours and hugo.get(case):
                versus_hugo = f"{wall / median(hugo[case], 'wall'):.3f}"
                versus_mem = f"{peak / median(hugo[case], 'peak_mb'):.3f}"
            if ours and case == "cold" and floor:
                versus_floor = f"{wall / median(floor, 'wall'):.2f}"
            label = "write files" if tool == "floor" else CASE_TITLES[case]
            lines.append(
                f"| {tool} | {label} | {wall:.3f} | {cpu:.3f} | {peak:.0f} | "
                f"{versus_hugo} | {versus_mem} | {versus_floor} |"
            )
    return "\n".join(lines)


def compile_package() -> None:
    """Compile feedgen-app's modules to bytecode first, as `pip install` does: with
    PYTHONDONTWRITEBYTECODE set (as on some CI machines) an editable checkout would otherwise
    compile every module again at the start of every measured build."""
    import compileall

    compileall.compile_dir(str(REPO / "feedgen_app"), quiet=1)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated corpus sizes (default: 1000,10000)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=0,
        help="builds per case (default: 5 below 5,000 articles, else 3; 1 at 100,000)",
    )
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}"
    )
    parser.add_argument(
        "--cases",
        default=",".join(CASES),
        help=f"comma-separated subset of {','.join(CASES)} (cold always runs)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where corpora and outputs go (default: a temporary folder)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument(
        "--formats",
        default="txt,md",
        help="corpus forms for feedgen-app: txt (plain text), md (Markdown + YAML); default: both",
    )
    parser.add_argument(
        "--jobs",
        default="0",
        help="feedgen-app's --jobs, comma-separated for one row each (default: 0, its own choice)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="300 articles, one repeat: a smoke run for the test suite",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write raw samples here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [300] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = sorted(set(wanted) - set(TOOLS))
    if unknown:
        print(f"unknown tool(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    names = []
    for name in wanted:
        if tool_available(name):
            names.append(name)
        else:
            print(f"skipping {name}: not installed", file=sys.stderr)
    compile_package()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="feedgen-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"# feedgen-app benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, medians",
        flush=True,
    )
    raw: dict[str, object] = {}
    forms = ["txt"] if args.quick else [f.strip() for f in args.formats.split(",") if f.strip()]
    jobs = [int(j) for j in args.jobs.split(",")]
    try:
        for size in sizes:
            repeats = args.repeats or (
                1 if args.quick or size >= 50_000 else 5 if size < 5_000 else 3
            )
            for form in forms:
                results = run_size(
                    size,
                    names,
                    repeats,
                    workdir,
                    lambda line: print(line, file=sys.stderr, flush=True),
                    [c.strip() for c in args.cases.split(",")],
                    markdown=form == "md",
                    jobs=jobs,
                )
                print("\n" + format_table(size, results, form) + "\n", flush=True)
                key = str(size) if form == forms[0] else f"{size}-{form}"
                raw[key] = {
                    tool: {case: [vars(s) for s in samples] for case, samples in cases.items()}
                    for tool, cases in results.items()
                }
    finally:
        if args.json:
            args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure the direct feed writer (feedgen_app.rendering.feedwriter) against the feedgen builders.

One month of synthetic articles (bench/run.py's corpus, about 3 KB each), read as a build reads
them, written as that month's archive documents in Atom, RSS and JSON Feed by `feeds.build_*`
and by `feedwriter.write_*`; every pair is checked byte for byte first.

    python bench/feedwriter.py                  # 1,000 articles, median of 5
    python bench/feedwriter.py --articles 50    # a tag feed's size

Prints per format the median wall and CPU time of each (runs interleaved) and the ratios, and the
time of `feeds.feed_content` (the entry HTML with absolute URLs), which both spend.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from feedgen_app.model import Article, Author, Site, sort_articles
from feedgen_app.reading.content import read_article
from feedgen_app.rendering.feeds import FeedPlace, build_atom, build_json, build_rss, feed_content
from feedgen_app.rendering.feedwriter import write_atom, write_json, write_rss

REPO = Path(__file__).resolve().parent.parent

SITE = Site(
    title="Benchmark Nachrichten",
    subtitle="Synthetische Meldungen",
    base_url="https://bench.example.org/",
    author=Author("Redaktion"),
    id_authority="bench.example.org,2025",
)
PLACE = FeedPlace(
    archive=True,
    current="atom.xml",
    prev_archive="archive/2019-12.xml",
    next_archive="archive/2020-02.xml",
)
FORMATS = (
    ("Atom", build_atom, write_atom, "archive/2020-01.xml"),
    ("RSS", build_rss, write_rss, "archive/2020-01.rss.xml"),
    ("JSON Feed", build_json, write_json, "archive/2020-01.json"),
)


def load_bench_run() -> Any:
    """bench/run.py as a module (bench/ is no package): its corpus functions."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def make_articles(count: int, folder: Path) -> tuple[Article, ...]:
    """`count` synthetic articles written as files (half Markdown) and read back."""
    bench = load_bench_run()
    articles = []
    for index in range(count):
        name, text = bench.feedgen_source(bench.make_story(index))
        path = folder / name
        path.write_text(text, encoding="utf-8")
        articles.append(read_article(path, SITE, folder))
    return sort_articles(articles)


def median_times(
    functions: Sequence[Callable[[], object]], repeats: int
) -> list[tuple[float, float]]:
    """(median wall s, median CPU s) of each function; the runs interleave, so that a busy
    machine slows each function alike."""
    samples: list[list[tuple[float, float]]] = [[] for _ in functions]
    for _ in range(repeats):
        for function, own in zip(functions, samples, strict=True):
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            own.append((time.perf_counter() - wall, time.process_time() - cpu))
    return [
        (statistics.median(w for w, _ in own), statistics.median(c for _, c in own))
        for own in samples
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        articles = make_articles(args.articles, Path(folder))
    size = sum(len(a.content_html.encode("utf-8")) for a in articles) / len(articles)
    days = (articles[0].published - articles[-1].published).days + 1
    print(
        f"{len(articles)} articles over {days} days, {size:,.0f} bytes of HTML each; "
        f"Python {sys.version.split()[0]}; median of {args.repeats}\n"
    )
    print(
        "| format | build_* wall s | write_* wall s | ÷ wall | build_* CPU s | "
        "write_* CPU s | ÷ CPU | document KB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, builder, writer, path in FORMATS:
        built = builder(SITE, articles, path, PLACE)
        if writer(SITE, articles, path, PLACE) != built:
            print(f"{label}: the writer's bytes differ from the builder's", file=sys.stderr)
            return 1
        (old_wall, old_cpu), (new_wall, new_cpu) = median_times(
            [
                lambda b=builder, p=path: b(SITE, articles, p, PLACE),
                lambda w=writer, p=path: w(SITE, articles, p, PLACE),
            ],
            args.repeats,
        )
        print(
            f"| {label} | {old_wall:.4f} | {new_wall:.4f} | {old_wall / new_wall:.1f} | "
            f"{old_cpu:.4f} | {new_cpu:.4f} | {old_cpu / new_cpu:.1f} | "
            f"{len(built) / 1024:,.0f} |"
        )
    ((_, shared),) = median_times([lambda: [feed_content(SITE, a) for a in articles]], args.repeats)
    print(f"\nfeeds.feed_content for every entry (in both, once per format): {shared:.4f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())

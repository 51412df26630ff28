"""Archived feeds (RFC 5005 section 4): monthly archive documents reach the whole history."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from sitekit import (
    ATOM,
    BASE_URL,
    FH,
    atom,
    atom_ids,
    atom_link,
    build,
    entry_id,
    json_feed,
    json_ids,
    local,
    make_site,
    rss_ids,
    write,
)

from conftest import CASES, VALIDATORS, require_tool, validate_json_feed
from feedgen_app.model import Article, ArticleRecord, Site, sort_articles
from feedgen_app.reading.config import load_site
from feedgen_app.reading.content import read_articles
from feedgen_app.rendering import plan
from feedgen_app.rendering.plan import Outputs
from feedgen_app.rendering.render import STREAM_CHUNK, StreamedRenderer

ARTICLES = 300
FEED_LIMIT = 20
START = datetime(2023, 1, 3, 7, 30)
Corpus = tuple[Path, list[str]]
"""The built site and its articles' slugs, oldest first."""


def write_corpus(root: Path, count: int = ARTICLES) -> list[str]:
    """`count` articles, one every 2.5 days from January 2023 (25 months); returns the slugs."""
    slugs = []
    for number in range(count):
        when = START + timedelta(hours=60 * number)
        slug = f"meldung-{number:03d}"
        write(
            root,
            f"{slug}.txt",
            f"date {when:%Y-%m-%dT%H:%M} Meldung Nummer {number}\n\n"
            f"Die Meldung {number} berichtet über Wichtiges.\n",
        )
        slugs.append(slug)
    return slugs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = make_site(tmp_path_factory.mktemp("archives"), feed_limit=FEED_LIMIT)
    slugs = write_corpus(root)
    assert build(root) == 0
    return root, slugs


def follow(root: Path, start: str, older: Callable[[Path], str | None]) -> list[Path]:
    """The documents from `start` along the `older` links, newest first; no loops."""
    chain = [root / "public" / start]
    while (url := older(chain[-1])) is not None:
        path = local(root, url)
        assert path not in chain, f"archive loop at {url}"
        chain.append(path)
    return chain


def atom_older(path: Path) -> str | None:
    return atom_link(atom(path), "prev-archive")


def rss_older(path: Path) -> str | None:
    return atom_link(atom(path).find("channel"), "prev-archive")


def json_older(path: Path) -> str | None:
    older = json_feed(path).get("next_url")
    assert older is None or isinstance(older, str), older
    return older


def test_the_atom_archive_chain_from_the_main_feed_reaches_every_entry(corpus: Corpus) -> None:
    root, slugs = corpus
    chain = follow(root, "atom.xml", atom_older)
    seen = [i for path in chain for i in atom_ids(atom(path))]
    assert set(seen) == {entry_id(s) for s in slugs}
    assert len(chain) == 1 + 25  # the subscription document and one archive per month
    assert chain[1].name == "2025-01.xml" and chain[-1].name == "2023-01.xml"


def test_the_rss_archive_chain_reaches_every_entry(corpus: Corpus) -> None:
    root, slugs = corpus
    chain = follow(root, "rss.xml", rss_older)
    seen = {i for path in chain for i in rss_ids(atom(path))}
    assert seen == {entry_id(s) for s in slugs}
    assert chain[1].name == "2025-01.rss.xml"


def test_the_json_feed_next_url_chain_reaches_every_entry(corpus: Corpus) -> None:
    root, slugs = corpus
    chain = follow(root, "feed.json", json_older)
    seen = {i for path in chain for i in json_ids(json_feed(path))}
    assert seen == {entry_id(s) for s in slugs}
    assert chain[1].name == "2025-01.json"
    for path in chain[1:]:
        assert json_feed(path)["feed_url"] == BASE_URL + "archive/" + path.name


def test_the_main_feeds_hold_the_newest_entries_and_are_not_complete(corpus: Corpus) -> None:
    root, slugs = corpus
    main = atom(root / "public" / "atom.xml")
    assert atom_ids(main) == [entry_id(s) for s in reversed(slugs[-FEED_LIMIT:])]
    assert main.find(f"{FH}complete") is None and main.find(f"{FH}archive") is None
    assert atom_link(main, "prev-archive") == BASE_URL + "archive/2025-01.xml"
    assert atom_link(main, "current") is None


def test_archive_documents_carry_fh_archive_current_and_neighbour_links(corpus: Corpus) -> None:
    root, _ = corpus
    months = sorted(p.name for p in (root / "public" / "archive").glob("????-??.xml"))
    assert len(months) == 25
    for index, name in enumerate(months):
        doc = atom(root / "public" / "archive" / name)
        assert doc.find(f"{FH}archive") is not None and doc.find(f"{FH}complete") is None
        assert atom_link(doc, "current") == BASE_URL + "atom.xml"
        assert atom_link(doc, "self") == BASE_URL + "archive/" + name
        older = BASE_URL + "archive/" + months[index - 1] if index else None
        newer = BASE_URL + "archive/" + months[index + 1] if index + 1 < len(months) else None
        assert atom_link(doc, "prev-archive") == older
        assert atom_link(doc, "next-archive") == newer
        month = name[:7]
        published = [e.findtext(f"{ATOM}published") for e in doc.findall(f"{ATOM}entry")]
        assert published and all(p.startswith(month) for p in published)
        rss = atom(root / "public" / "archive" / f"{month}.rss.xml").find("channel")
        assert rss.find(f"{FH}archive") is not None
        assert atom_link(rss, "current") == BASE_URL + "rss.xml"


def test_every_archive_document_passes_the_validators(corpus: Corpus) -> None:
    root, _ = corpus
    public = root / "public"
    atom_files = [public / "atom.xml", *sorted((public / "archive").glob("????-??.xml"))]
    jing = require_tool("jing")
    result = subprocess.run(
        [jing, "-c", str(VALIDATORS / "atom.rnc"), *map(str, atom_files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for path in [*atom_files, public / "rss.xml", *sorted(public.glob("archive/*.rss.xml"))]:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries
    for path in [public / "feed.json", *sorted(public.glob("archive/*.json"))]:
        validate_json_feed(path)


def test_adding_an_article_to_the_newest_month_keeps_older_archives_byte_identical(
    tmp_path: Path,
) -> None:
    root = make_site(tmp_path, feed_limit=FEED_LIMIT)
    write_corpus(root, 120)
    assert build(root) == 0
    before = {p.name: p.read_bytes() for p in (root / "public" / "archive").iterdir()}
    newest = max(name[:7] for name in before)
    write(root, "nachtrag.txt", f"date {newest}-28T12:00 Ein Nachtrag\n\nEin neuer Absatz.\n")
    assert build(root) == 0
    after = {p.name: p.read_bytes() for p in (root / "public" / "archive").iterdir()}
    assert sorted(after) == sorted(before)
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == [f"{newest}.json", f"{newest}.rss.xml", f"{newest}.xml"]
    assert entry_id("nachtrag") in atom_ids(atom(root / "public" / "archive" / f"{newest}.xml"))


def test_a_history_that_fits_is_one_complete_feed_without_archives(tmp_path: Path) -> None:
    root = make_site(tmp_path, feed_limit=FEED_LIMIT)
    write_corpus(root, FEED_LIMIT)
    assert build(root) == 0
    assert not (root / "public" / "archive").exists()
    main = atom(root / "public" / "atom.xml")
    assert main.find(f"{FH}complete") is not None
    assert atom_link(main, "prev-archive") is None
    assert atom(root / "public" / "rss.xml").find("channel").find(f"{FH}complete") is not None
    assert "next_url" not in json_feed(root / "public" / "feed.json")


def test_one_article_more_than_the_limit_starts_the_archives(tmp_path: Path) -> None:
    root = make_site(tmp_path, feed_limit=FEED_LIMIT)
    slugs = write_corpus(root, FEED_LIMIT + 1)
    assert build(root) == 0
    chain = follow(root, "atom.xml", atom_older)
    assert {i for p in chain for i in atom_ids(atom(p))} == {entry_id(s) for s in slugs}
    assert atom(root / "public" / "atom.xml").find(f"{FH}complete") is None


def test_months_follow_the_site_timezone(tmp_path: Path) -> None:
    root = make_site(tmp_path, feed_limit=1)
    # 00:30 on 1 November in Berlin is still October in UTC: it belongs to November.
    write(root, "a.txt", "date 2025-11-01T00:30 November in Berlin\n\nText.\n")
    write(root, "b.txt", "date 2025-10-15 Oktober\n\nText.\n")
    assert build(root) == 0
    november = atom(root / "public" / "archive" / "2025-11.xml")
    assert atom_ids(november) == [entry_id("a")]


def test_every_feed_document_of_the_depth_golden_passes_the_validators() -> None:
    expected = CASES / "depth" / "expected"
    atom_files = [
        p
        for p in sorted(expected.rglob("*.xml"))
        if not p.name.endswith(("rss.xml", "sitemap.xml"))
    ]
    assert len(atom_files) == 1 + 3 + 3  # main, three months, three tags
    jing = require_tool("jing")
    result = subprocess.run(
        [jing, "-c", str(VALIDATORS / "atom.rnc"), *map(str, atom_files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for path in sorted(expected.rglob("*rss.xml")):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo and parsed.version == "rss20", path
    for path in sorted(expected.rglob("*.json")):
        if path.name != ".feedgen-manifest.json":
            validate_json_feed(path)


MONTH = 2 * STREAM_CHUNK + 30
"""Articles in March 2024 of `month_of_articles`: two whole chunks and part of a third."""


def month_of_articles(root: Path) -> tuple[Site, tuple[Article, ...], Outputs, list[int]]:
    """A site at `root` whose March 2024 holds MONTH articles (the feeds keep 5): the site,
    its articles, its planned feed documents, and the sizes of the loads they make (a list
    that fills as they are rendered)."""
    make_site(root, feed_limit=5)
    for number in range(MONTH):
        write(
            root,
            f"m-{number:03d}.txt",
            f"date 2024-03-{1 + number % 28:02d}T{number % 24:02d}:00 Meldung {number}\n\n"
            f"Absatz {number}.\n",
        )
    site = load_site(root / "feed.yaml")
    articles = read_articles(root / "content", site).articles
    calls: list[int] = []
    memory = plan.memory_loader(articles)

    def load(records: Sequence[ArticleRecord]) -> list[Article]:
        calls.append(len(records))
        return memory(records)

    return (
        site,
        articles,
        plan.plan_feeds(site, sort_articles(plan.records_of(articles)), load),
        calls,
    )


def test_a_month_larger_than_a_chunk_is_written_a_chunk_of_articles_at_a_time(
    tmp_path: Path,
) -> None:
    """A month's archive documents load their articles STREAM_CHUNK at a time, keep none of
    them, and come out as the same bytes as the whole-document writers give."""
    from feedgen_app.rendering.feeds import FeedPlace
    from feedgen_app.rendering.feedwriter import write_atom, write_json, write_rss

    site, articles, outputs, calls = month_of_articles(tmp_path)
    month = [a for a in sort_articles(articles) if a.published.month == 3]
    writers = {".xml": write_atom, ".rss.xml": write_rss, ".json": write_json}
    for suffix, writer in writers.items():
        path = f"archive/2024-03{suffix}"
        _, renderer = outputs[path]
        assert isinstance(renderer, StreamedRenderer)
        calls.clear()
        data = renderer()
        assert not isinstance(data, bytes)
        pieces = list(data)
        assert calls == [STREAM_CHUNK, STREAM_CHUNK, MONTH - 2 * STREAM_CHUNK]
        assert len(pieces) >= MONTH  # each entry its own piece
        place = FeedPlace(
            archive=True,
            current={".xml": "atom.xml", ".rss.xml": "rss.xml"}.get(suffix, "feed.json"),
        )
        assert b"".join(pieces) == writer(site, month, path, place)


def break_archives(
    monkeypatch: pytest.MonkeyPatch, suffix: str, damage: Callable[[bytes], bytes]
) -> None:
    """Make the build write its archive documents of one format with one entry damaged."""

    builder = next(b for b, _, archive in plan.FEED_FORMATS if archive.endswith("}" + suffix))
    writer = plan.STREAM_WRITERS[builder]

    def damaged(*args: object, **kwargs: object) -> Iterator[bytes]:
        for number, piece in enumerate(writer(*args, **kwargs)):
            yield damage(piece) if number == 3 else piece

    monkeypatch.setattr(plan, "STREAM_WRITERS", {**plan.STREAM_WRITERS, builder: damaged})


@pytest.mark.parametrize(
    ("suffix", "damage", "finding"),
    [
        (".xml", lambda piece: piece.replace(b"</title>", b"</titel>", 1), "not well-formed XML"),
        (".rss.xml", lambda piece: piece.replace(b"<item>", b"<item", 1), "not well-formed XML"),
        (".json", lambda piece: piece.replace(b'"title": ', b'"title": ,', 1), "not valid JSON"),
    ],
)
def test_a_damaged_archive_document_stops_the_build_and_names_its_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
    damage: Callable[[bytes], bytes],
    finding: str,
) -> None:
    """Archives are checked as they are written, in pieces; a defect in one piece stops the
    build with the line a parser of the whole document names, and nothing is published."""
    import json
    from xml.parsers import expat

    root = make_site(tmp_path, feed_limit=FEED_LIMIT)
    write_corpus(root, 60)
    assert build(root) == 0
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    write(root, "nachtrag.txt", "date 2023-05-20T12:00 Ein Nachtrag\n\nEin neuer Absatz.\n")
    break_archives(monkeypatch, suffix, damage)
    capsys.readouterr()
    assert build(root) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if finding in line and "/archive/" in line]
    assert lines, err
    # the same document, rendered whole, and where a parser of the whole document fails
    assert {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()} == before
    name = lines[0].split("/public/", 1)[1].split(":", 1)[0]
    assert name.endswith(suffix)

    site = load_site(root / "feed.yaml")
    articles = read_articles(root / "content", site).articles
    outputs = plan.plan_feeds(
        site, sort_articles(plan.records_of(articles)), plan.memory_loader(articles)
    )
    data = plan.join_rendered(outputs[name][1]())
    if suffix == ".json":
        with pytest.raises(json.JSONDecodeError) as caught:
            json.loads(data)
        assert f"(line {caught.value.lineno})" in lines[0], (lines[0], caught.value.lineno)
    else:
        with pytest.raises(expat.ExpatError) as failed:
            expat.ParserCreate().Parse(data, True)
        assert f"{name}:{failed.value.lineno}: not well-formed XML" in lines[0]


def test_a_months_three_archive_documents_are_written_together_from_one_loading(
    tmp_path: Path,
) -> None:
    """The build writes a month's Atom, RSS and JSON archives side by side, a piece of each
    in turn: every article is loaded once for the three, and each file holds the same bytes
    as the whole-document writer gives."""
    from feedgen_app.pipeline import batch_jobs, render_job
    from feedgen_app.publishing.publish import Staging

    _, _, outputs, calls = month_of_articles(tmp_path / "site")
    job = next(j for j in batch_jobs(sorted(outputs)) if j[0].startswith("archive/2024-03"))
    assert len(job) == 3
    out = tmp_path / "public"
    with Staging(out) as staging:
        staging.prepare(job)
        results, _ = render_job(job, outputs, staging, f"{out}/")
        written = {name: (staging.root / name).read_bytes() for name in job}
    assert calls == [STREAM_CHUNK, STREAM_CHUNK, MONTH - 2 * STREAM_CHUNK]
    for name, digest, findings, _ in results:
        assert findings == []
        assert written[name] == plan.join_rendered(outputs[name][1]())
        assert digest == hashlib.sha256(written[name]).hexdigest()

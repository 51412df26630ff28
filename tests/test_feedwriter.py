"""The direct feed writer gives feedgen's bytes: on the golden cases, for every kind of feed
document (main, complete, archive, tag, with and without WebSub hubs), and on random articles."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CASES, FIXED_NOW, REPO
from feedgen_app.model import Article, Author, Site, sort_articles
from feedgen_app.reading.config import load_site
from feedgen_app.reading.content import IMAGE_TYPES, read_article, read_articles
from feedgen_app.reading.dates import parse_date
from feedgen_app.rendering import plan as build
from feedgen_app.rendering.feeds import MAIN_FEED, FeedPlace, build_atom, build_json, build_rss
from feedgen_app.rendering.feedwriter import write_atom, write_json, write_rss

Writer = Callable[..., bytes]
PAIRS: tuple[tuple[str, Writer, Writer, str], ...] = (
    ("atom", build_atom, write_atom, "atom.xml"),
    ("rss", build_rss, write_rss, "rss.xml"),
    ("json", build_json, write_json, "feed.json"),
)
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "content").is_dir())
HUBS = ("https://pubsubhubbub.appspot.com/", 'https://hub.example.org/websub?a=1&b="2"')


def case_articles(name: str) -> tuple[Site, tuple[Article, ...]]:
    """The case's published articles, newest first, as the build sees them."""
    site = load_site(CASES / name / "feed.yaml")
    report = read_articles(CASES / name / "content", site)
    return site, sort_articles(report.published(parse_date(FIXED_NOW, site.tz)))


def outcome(function: Writer, *args: object) -> bytes | str:
    """The bytes written, or the kind of refusal: lxml's and the writer's messages differ."""
    try:
        return function(*args)
    except ValueError:  # UnicodeEncodeError included: a lone surrogate
        return "ValueError"
    except TypeError:
        return "TypeError"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_writers_reproduce_every_golden_feed_document(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plan the case's feeds (subscription, archive and tag documents) with the writers in
    place of the builders everywhere (the build uses them for archive and tag documents
    only): every document is byte for byte its golden file."""
    site, articles = case_articles(name)
    by_builder = {builder: writer for _, builder, writer, _ in PAIRS}
    monkeypatch.setattr(
        build,
        "FEED_FORMATS",
        tuple(
            (by_builder[builder], current, archive)
            for builder, current, archive in build.FEED_FORMATS
        ),
    )
    monkeypatch.setattr(build, "DIRECT_WRITERS", {writer: writer for writer in by_builder.values()})
    monkeypatch.setattr(
        build,
        "STREAM_WRITERS",
        {by_builder[builder]: stream for builder, stream in build.STREAM_WRITERS.items()},
    )
    records = build.records_of(articles)
    load = build.memory_loader(articles)
    ordered = sort_articles(records)
    outputs = {**build.plan_feeds(site, ordered, load), **build.plan_tags(site, ordered, load)}
    documents = {
        path: build.join_rendered(render())
        for path, (_, render) in outputs.items()
        if not path.endswith(".html")
    }
    assert documents
    for path, data in documents.items():
        assert data == (CASES / name / "expected" / path).read_bytes(), path


def golden_places(site: Site) -> list[tuple[str, FeedPlace]]:
    """(self path, place) for every kind of feed document the build writes."""
    return [
        ("atom.xml", MAIN_FEED),
        ("atom.xml", FeedPlace(complete=True)),
        ("atom.xml", FeedPlace(prev_archive="archive/2025-11.xml")),
        (
            "archive/2025-10.xml",
            FeedPlace(
                archive=True,
                current="atom.xml",
                prev_archive="archive/2025-09.xml",
                next_archive="archive/2025-11.xml",
            ),
        ),
        (
            "archive/2025-09.xml",
            FeedPlace(archive=True, current="atom.xml", next_archive="archive/2025-10.xml"),
        ),
        (
            "archive/2025-11.xml",
            FeedPlace(archive=True, current="atom.xml", prev_archive="archive/2025-10.xml"),
        ),
        (
            "tags/konjunktur/atom.xml",
            FeedPlace(
                title=f"{site.title} – Konjunktur & <Prognose>",
                feed_id=f"tag:{site.id_authority}:feed/tags/konjunktur/",
                home_path="tags/konjunktur/",
                complete=True,
            ),
        ),
        (
            "tags/konjunktur/atom.xml",
            FeedPlace(
                title=f"{site.title} – Konjunktur",
                feed_id=f"tag:{site.id_authority}:feed/tags/konjunktur/",
                home_path="tags/konjunktur/",
            ),
        ),
    ]


@pytest.mark.parametrize("name", CASE_NAMES)
@pytest.mark.parametrize("hubs", [(), HUBS], ids=["no-hubs", "hubs"])
def test_writers_match_the_builders_for_every_place(name: str, hubs: tuple[str, ...]) -> None:
    site, articles = case_articles(name)
    site = replace(site, hubs=hubs)
    for self_path, place in golden_places(site):
        for subset in (articles, articles[:1], articles[::-1], ()):
            for kind, builder, writer, _ in PAIRS:
                path = self_path.replace(
                    "atom.xml", {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}[kind]
                )
                assert writer(site, subset, path, place) == builder(site, subset, path, place), (
                    kind,
                    path,
                    place,
                    len(subset),
                )


def test_writers_default_to_the_main_feed() -> None:
    site, articles = case_articles("markdown")
    for _, builder, writer, _ in PAIRS:
        assert writer(site, articles) == builder(site, articles)


def test_writers_match_the_builders_on_the_benchmark_corpus(tmp_path: Path) -> None:
    """bench/run.py's synthetic month (plain text and Markdown, headings, „quotes“), some
    articles with a hostile last paragraph, read as a build reads them."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = bench
    spec.loader.exec_module(bench)
    site = Site(
        title="Benchmark Nachrichten",
        subtitle="Synthetische Meldungen",
        base_url="https://bench.example.org/",
        author=Author("Redaktion"),
        id_authority="bench.example.org,2025",
        hubs=HUBS[:1],
    )
    entries = []
    for index in range(40):
        extra = "Preise & Löhne <sinken> „stark“ ]]> 🎉 \"x\" 'y'" if index % 3 == 0 else ""
        name, text = bench.feedgen_source(bench.make_story(index, extra=extra))
        (tmp_path / name).write_text(text, encoding="utf-8")
        entries.append(read_article(tmp_path / name, site, tmp_path))
    ordered = sort_articles(entries)
    archive = FeedPlace(archive=True, current="atom.xml", prev_archive="archive/2019-12.xml")
    tag = FeedPlace(
        title="Benchmark Nachrichten – Energie",
        home_path="tags/energie/",
        feed_id="tag:bench.example.org,2025:feed/tags/energie/",
    )
    for place in (MAIN_FEED, archive, tag):
        assert_same_in_every_format(site, ordered, place, written=True)


# ---------------------------------------------------------------------------------------------
# Random articles

HOSTILE = (
    "<",
    ">",
    "&",
    '"',
    "'",
    "]]>",
    "<![CDATA[",
    "&amp;",
    "&#13;",
    "\r",
    "\r\n",
    "\n",
    "\t",
    " ",
    "  ",
    "ä",
    "Ö",
    "ß",
    "ẞ",
    "„",
    "“",
    "–",
    "€",
    "🎉",
    "\U0001f1e9\U0001f1ea",
    "\x7f",
    "\x85",
    "\u2028",
    "\u00a0",
    "\ufeff",
    "\ufffd",
    "\uff0c",
    "\U0010fffd",
    "-->",
    "</title>",
)
NOT_XML = ("\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800")
"""Characters lxml refuses (control characters, non-characters, a lone surrogate)."""
XML_CHARS = st.characters(
    exclude_categories=["Cs"],
    exclude_characters="".join(
        chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]
    ),
)
"""Any character lxml takes: no C0 control but tab, newline and CR; no U+FFFE, U+FFFF."""
TEXT = st.lists(st.sampled_from(HOSTILE) | st.text(XML_CHARS, max_size=6), max_size=8).map("".join)
LINE = TEXT.filter(lambda s: s.strip() != "")
HTML = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>\n",
            '<a href="../andere/?a=1&amp;b=2">',
            "</a>",
            '<img src="bilder/ä b.jpg" alt="&quot;Bild&quot;">',
            "<h2>",
            "</h2>\n",
            "<strong>",
            "</strong>",
            '<a href="https://example.com/x">',
        ]
    )
    | TEXT.map(lambda s: s.replace("<", "&lt;")),
    max_size=10,
).map("".join)
"""Article HTML as the sanitizer leaves it: known tags, text with `<` escaped (`>`, `&`, quotes
and `]]>` may stay raw); `links.absolutize_urls` parses it."""
SLUG = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
ZONES = st.sampled_from(
    [
        UTC,
        ZoneInfo("Europe/Berlin"),
        ZoneInfo("America/St_Johns"),
        timezone(timedelta(hours=5, minutes=45)),
        ZoneInfo("Pacific/Kiritimati"),
    ]
)
MOMENTS = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES
)
AUTHORS = st.builds(
    Author,
    name=LINE,
    email=st.none()
    | st.just("jana@example.org")
    | st.from_regex(r"[a-z.&<]{1,8}@[a-z]{1,8}\.de", fullmatch=True),
)
LANGS = st.none() | st.sampled_from(["de-DE", "en", "de-AT", "fr"])


@st.composite
def random_article(draw: st.DrawFn) -> Article:
    slug = draw(SLUG)
    published = draw(MOMENTS)
    updated = draw(
        st.none()
        | st.integers(0, 10**8).map(
            lambda s: published + timedelta(seconds=s) if published.year < 9990 else published
        )
    )
    image = draw(
        st.none()
        | st.tuples(
            st.sampled_from(["ä b", "x&y", "bild", "a/b c"]), st.sampled_from(sorted(IMAGE_TYPES))
        )
    )
    return Article(
        source=f"content/{slug}.md",
        slug=slug,
        title=draw(LINE),
        published=published,
        author=draw(AUTHORS),
        summary=draw(st.just("") | TEXT),
        content_html=draw(HTML),
        entry_id=f"tag:example.org,2025:{slug}",
        updated=updated,
        tags=tuple(draw(st.lists(LINE, max_size=3))),
        lang=draw(LANGS),
        image=None if image is None else image[0] + image[1],
        image_type=None if image is None else IMAGE_TYPES[image[1]],
        image_length=None if image is None else draw(st.integers(0, 10**9)),
        correction=draw(st.none() | LINE),
    )


SITES = st.builds(
    Site,
    title=LINE,
    base_url=st.sampled_from(["https://example.org/news/", 'https://example.org/a&b/<x>/"q"/']),
    author=AUTHORS,
    id_authority=st.just("example.org,2025"),
    subtitle=st.just("") | LINE,
    language=st.sampled_from(["de-DE", "en"]),
    hubs=st.sampled_from([(), HUBS[:1], HUBS]),
)
OPTIONAL_PATH = st.none() | st.sampled_from(["archive/2025-09.xml", "atom.xml", "a b/&.xml"])
PLACES = st.builds(
    FeedPlace,
    title=st.none() | LINE,
    feed_id=st.none() | st.just("tag:example.org,2025:feed/tags/x/"),
    home_path=st.sampled_from(["", "tags/x/", "tags/ä&b/"]),
    complete=st.booleans(),
    archive=st.booleans(),
    current=OPTIONAL_PATH,
    prev_archive=OPTIONAL_PATH,
    next_archive=OPTIONAL_PATH,
)
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
)


def assert_same_in_every_format(
    site: Site,
    entries: Sequence[Article],
    place: FeedPlace,
    self_path: str = "feed/x.xml",
    written: bool = False,
) -> dict[str, bytes | str]:
    """Both give the same bytes or refuse alike; `written`: both must give bytes. Returns the
    outcome by format."""
    outcomes = {}
    for kind, builder, writer, _ in PAIRS:
        expected = outcome(builder, site, entries, self_path, place)
        assert outcome(writer, site, entries, self_path, place) == expected, kind
        assert isinstance(expected, bytes) or not written, (kind, expected)
        outcomes[kind] = expected
    return outcomes


@PROPERTY
@given(site=SITES, entries=st.lists(random_article(), max_size=4), place=PLACES)
def test_random_articles_give_the_builders_bytes(
    site: Site, entries: list[Article], place: FeedPlace
) -> None:
    assert_same_in_every_format(site, entries, place, written=True)


FIELDS = ("title", "summary", "content_html", "correction", "tags", "author", "lang", "image")


@PROPERTY
@given(
    site=SITES,
    entry=random_article(),
    place=PLACES,
    field=st.sampled_from(FIELDS),
    bad=st.sampled_from(NOT_XML),
    at=st.integers(0, 5),
)
def test_characters_lxml_refuses_are_refused_alike(
    site: Site, entry: Article, place: FeedPlace, field: str, bad: str, at: int
) -> None:
    """A character XML cannot carry fails in both writers (or in neither, where a format
    does not write that field); JSON Feed escapes what it can."""

    def spoil(text: str) -> str:
        return text[:at] + bad + text[at:]

    if field == "tags":
        entry = replace(entry, tags=(*entry.tags, spoil("Tag")))
    elif field == "author":
        entry = replace(entry, author=Author(spoil(entry.author.name), entry.author.email))
    elif field == "image":
        entry = replace(entry, image=spoil("bild.jpg"), image_type="image/jpeg", image_length=1)
    else:
        text_field: dict[str, Any] = {field: spoil(getattr(entry, field) or "")}  # a str field
        entry = replace(entry, **text_field)
    assert_same_in_every_format(site, [entry], place)


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ({"summary": ""}, []),
        ({"content_html": ""}, []),
        ({"summary": "", "content_html": ""}, []),
        ({"author": Author("")}, []),
        ({"author": Author("", "a@example.org")}, []),
        ({"image_type": ""}, []),
        ({"image_length": None}, []),
        ({"lang": "de-DE"}, []),
        ({"lang": ""}, []),
        ({"title": ""}, ["atom"]),
        ({"entry_id": ""}, ["atom"]),
        ({"image_type": None}, ["rss"]),
        ({"published": datetime(2025, 10, 8, 6, 30)}, ["atom", "rss"]),
    ],
    ids=repr,
)
def test_edge_entries_come_out_as_feedgen_writes_them(
    change: dict[str, Any], refused: list[str]
) -> None:
    """Empty texts (`<summary/>` in Atom, `<x></x>` in RSS; RSS's content as description), an
    author without a name, an image without type or size; and what feedgen refuses, in the
    formats `refused`: a missing title or ID (Atom), an image without a type (RSS), a naive
    date (both XML formats)."""
    site, entries = case_articles("depth")
    with_image = next(a for a in entries if a.image)
    entry = replace(with_image, **change)
    for place in (MAIN_FEED, FeedPlace(complete=True)):
        for feed in ([entry], [*entries, entry]):
            outcomes = assert_same_in_every_format(site, feed, place, written=not refused)
            assert (
                sorted(kind for kind, result in outcomes.items() if not isinstance(result, bytes))
                == refused
            )


def test_site_edges_come_out_as_feedgen_writes_them() -> None:
    site, entries = case_articles("markdown")
    for changed in (
        replace(site, subtitle=""),
        replace(site, language=""),
        replace(site, author=Author("Jana", "jana@example.org")),
        replace(site, author=Author("")),
        replace(site, title=""),
    ):
        for place in (MAIN_FEED, FeedPlace(title="Tag"), FeedPlace(archive=True)):
            assert_same_in_every_format(changed, entries, place)


def test_refusals_are_not_silent() -> None:
    """The writers refuse what lxml refuses instead of writing a broken document."""
    site, entries = case_articles("seed")
    in_json = {
        "Preise\x0bLöhne": b'"Preise\\u000bL',
        "Preise \ufffd\ufffe": "\ufffd\ufffe".encode(),
    }
    for title, json_text in in_json.items():
        spoiled = [replace(entries[0], title=title)]
        for writer in (write_atom, write_rss):
            with pytest.raises(ValueError, match="XML compatible"):
                writer(site, spoiled)
        assert json_text in write_json(site, spoiled)  # JSON can carry both
    for writer in (write_atom, write_rss):  # U+FFFD and U+FEFF share U+FFFE's first byte
        assert "Preise \ufffd\ufeff".encode() in writer(
            site, [replace(entries[0], title="Preise \ufffd\ufeff")]
        )

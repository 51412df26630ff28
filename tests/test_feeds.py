"""Every golden feed parses back with feedparser, validates, and round-trips text, dates, IDs."""

from __future__ import annotations

import calendar
import json
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from conftest import CASES, validate_atom, validate_json_feed
from feedgen_app.model import Article, Site, sort_articles
from feedgen_app.reading.config import load_site
from feedgen_app.reading.content import read_articles
from feedgen_app.rendering.feeds import build_atom, feed_content

SCENARIOS = sorted(p.name for p in CASES.iterdir() if (p / "expected" / "atom.xml").is_file())
HOSTILE_TITLE = "Preise & Löhne: „Die Inflation <sinkt>“ – ß, Ä und 🎉"


def expected_articles(name: str) -> tuple[Site, tuple[Article, ...]]:
    case = CASES / name
    site = load_site(case / "feed.yaml")
    report = read_articles(case / "content", site)
    from conftest import FIXED_NOW
    from feedgen_app.reading.dates import parse_date

    published = report.published(parse_date(FIXED_NOW, site.tz))
    return site, sort_articles(published)[: site.feed_limit]


@pytest.mark.parametrize("name", SCENARIOS)
def test_atom_is_valid_against_rfc4287_schema(name: str) -> None:
    validate_atom(CASES / name / "expected" / "atom.xml")


@pytest.mark.parametrize("name", SCENARIOS)
def test_json_feed_is_valid_against_schema(name: str) -> None:
    validate_json_feed(CASES / name / "expected" / "feed.json")


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("feed_file", ["atom.xml", "rss.xml"])
def test_xml_feeds_round_trip_through_feedparser(name: str, feed_file: str) -> None:
    site, articles = expected_articles(name)
    parsed = feedparser.parse((CASES / name / "expected" / feed_file).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.language == "de-DE"
    assert parsed.feed.title == site.title
    assert [e.id for e in parsed.entries] == [a.entry_id for a in articles]
    for entry, article in zip(parsed.entries, articles, strict=True):
        assert entry.title == article.title
        assert entry.link == site.url(article.path)
        assert calendar.timegm(entry.published_parsed) == int(article.published.timestamp())
        assert entry.summary == article.summary
        # the page's HTML with every URL made absolute (body links, footnotes); feedparser
        # writes some elements anew (attributes in another order, `<hr />`)
        assert html_events(entry.content[0].value) == html_events(
            feed_content(site, article).strip()
        )
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == site.url(feed_file)
    assert parsed.feed.link == site.url()


def html_events(markup: str) -> list[tuple[object, ...]]:
    """Tags (attributes sorted) and text of an HTML fragment, to compare markup by content."""
    events: list[tuple[object, ...]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            events.append(("start", tag, sorted(attrs)))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.handle_starttag(tag, attrs)  # `<hr />` is `<hr>`

        def handle_endtag(self, tag: str) -> None:
            events.append(("end", tag))

        def handle_data(self, data: str) -> None:
            events.append(("text", data))

    Reader(convert_charrefs=True).feed(markup)
    return events


@pytest.mark.parametrize("name", SCENARIOS)
def test_json_feed_round_trips(name: str) -> None:
    site, articles = expected_articles(name)
    feed = json.loads((CASES / name / "expected" / "feed.json").read_text(encoding="utf-8"))
    assert feed["language"] == "de-DE"
    assert feed["feed_url"] == site.url("feed.json")
    assert feed["home_page_url"] == site.url()
    assert [i["id"] for i in feed["items"]] == [a.entry_id for a in articles]
    for item, article in zip(feed["items"], articles, strict=True):
        assert item["title"] == article.title
        assert item["url"] == site.url(article.path)
        assert item["date_published"] == article.published.isoformat()
        assert item["content_html"] == feed_content(site, article)


def test_hostile_title_comes_out_exactly_in_every_format() -> None:
    expected = CASES / "markdown" / "expected"
    for feed_file in ("atom.xml", "rss.xml"):
        titles = [e.title for e in feedparser.parse((expected / feed_file).read_bytes()).entries]
        assert HOSTILE_TITLE in titles, feed_file
    items = json.loads((expected / "feed.json").read_text(encoding="utf-8"))["items"]
    assert HOSTILE_TITLE in [i["title"] for i in items]
    page = (expected / "preise-und-loehne" / "index.html").read_text(encoding="utf-8")
    assert "Preise &amp; Löhne: „Die Inflation &lt;sinkt&gt;“ – ß, Ä und 🎉" in page
    assert "<sinkt>" not in page


def child(
    parent: etree._Element, path: str, namespaces: dict[str, str] | None = None
) -> etree._Element:
    """`parent`'s first `path` element; the test fails if there is none."""
    found = parent.find(path, namespaces)
    assert found is not None, f"no {path} in {parent.tag!r}"
    return found


def test_rss_specifics() -> None:
    root = etree.parse(str(CASES / "markdown" / "expected" / "rss.xml")).getroot()
    channel = child(root, "channel")
    assert channel.findtext("link") == "https://example.github.io/nachrichten/"
    assert channel.findtext("language") == "de-DE"
    atom_self = child(channel, "{http://www.w3.org/2005/Atom}link")
    assert atom_self.get("rel") == "self"
    assert atom_self.get("href") == "https://example.github.io/nachrichten/rss.xml"
    items = {i.findtext("title"): i for i in channel.findall("item")}
    preise = items[HOSTILE_TITLE]
    guid = child(preise, "guid")
    assert guid.get("isPermaLink") == "false"
    assert guid.text == "tag:example.github.io,2025:preise-und-loehne"
    assert preise.findtext("pubDate") == "Mon, 03 Nov 2025 06:30:00 +0100"
    assert preise.findtext("author") == "jana@example.org (Jana Müller)"
    english = items["Markets in brief"]
    assert english.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Alex Smith"
    assert channel.findtext("lastBuildDate") == "Tue, 04 Nov 2025 09:15:00 +0100"


def test_atom_specifics() -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = etree.parse(str(CASES / "markdown" / "expected" / "atom.xml")).getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de-DE"
    assert root.findtext("a:updated", namespaces=ns) == "2025-11-04T09:15:00+01:00"
    entries = root.findall("a:entry", ns)
    english = next(e for e in entries if e.findtext("a:title", namespaces=ns) == "Markets in brief")
    assert english.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    for entry in entries:
        alternate = entry.find("a:link[@rel='alternate']", ns)
        assert alternate is not None and alternate.get("type") == "text/html"
        assert child(entry, "a:content", ns).get("type") == "html"
        assert entry.findtext("a:published", namespaces=ns)
    preise = next(e for e in entries if e.findtext("a:id", "", ns).endswith("loehne"))
    assert preise.findtext("a:updated", namespaces=ns) == "2025-11-04T09:15:00+01:00"
    assert preise.findtext("a:published", namespaces=ns) == "2025-11-03T06:30:00+01:00"
    assert [c.get("term") for c in preise.findall("a:category", ns)] == ["Wirtschaft", "Inflation"]


def test_entries_are_newest_first_with_ties_broken_by_slug() -> None:
    items = json.loads((CASES / "markdown" / "expected" / "feed.json").read_text("utf-8"))
    assert [i["url"].rsplit("/", 2)[1] for i in items["items"]] == [
        "english",
        "preise-und-loehne",
        "zeitumstellung",
    ]


def test_empty_feed_has_fixed_updated_and_is_valid(tmp_path: Path) -> None:
    site = load_site(CASES / "seed" / "feed.yaml")
    path = tmp_path / "atom.xml"
    path.write_bytes(build_atom(site, []))
    validate_atom(path)
    assert b"<updated>1970-01-01T00:00:00+00:00</updated>" in path.read_bytes()

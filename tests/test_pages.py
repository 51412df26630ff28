"""The HTML pages, the subscribe page, the embed kit and the sanitizer, without a browser."""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from lxml import etree, html

from conftest import FIXED_NOW, validate_atom
from feedgen_app.commands.cli import main
from feedgen_app.model import Article, Author, Site, make_record
from feedgen_app.reading.sanitize import sanitize_html
from feedgen_app.rendering.pages import (
    EMBED_LIMIT,
    content_security_policy,
    format_when,
    read_static_files,
    render_article,
    render_embed,
)

BERLIN = ZoneInfo("Europe/Berlin")
SITE = Site(
    title="Wirtschaft kompakt",
    base_url="https://example.org/nachrichten/",
    author=Author("Redaktion"),
    id_authority="example.org,2025",
    subtitle="Meldungen & Hintergründe",
)
HOSTILE_TITLE = "Böse <script>alert(1)</script><img src=x onerror=alert(2)> & „Zitat“"
HOSTILE_BODY = """Erster Absatz.<script>alert("body")</script>

<img src="x.png" alt="Bild" onerror="alert('img')"> <a href="javascript:alert(3)">weg</a>
<a href="JaVaScRiPt:alert(4)">auch weg</a> <a href="https://example.org/ok">ok</a>

<p onmouseover="alert(5)" style="color:red">Ende.</p>
"""


def make_article(
    slug: str, title: str, day: int, hour: int = 6, content: str = "<p>Text.</p>\n"
) -> Article:
    return Article(
        source=f"content/{slug}.txt",
        slug=slug,
        title=title,
        published=datetime(2025, 10, day, hour, 30, tzinfo=BERLIN),
        author=Author("Redaktion"),
        summary="Text.",
        content_html=content,
        entry_id=f"tag:example.org,2025:{slug}",
    )


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A site with a plain-text article, a hostile Markdown article and an English one."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "2025-10-08-amazon.txt").write_text(
        "date 2025-10-08T06:30 Amazon mischt Gesundheitswesen auf\n\n"
        "Amazon startet ab Dezember ein neues Gesundheitsmodell.\n"
        "Rezeptpflicht neu gedacht\n" + "Wort " * 450 + "Ende.\n",
        encoding="utf-8",
    )
    (content / "boese.md").write_text(
        f"---\ntitle: '{HOSTILE_TITLE}'\ndate: 2025-10-09\n---\n{HOSTILE_BODY}", encoding="utf-8"
    )
    (content / "english.md").write_text(
        "---\ntitle: Markets in brief\ndate: 2025-10-10T09:00\nlang: en\n---\nStocks rose.\n",
        encoding="utf-8",
    )
    config = tmp_path / "feed.yaml"
    config.write_text(
        'title: "Wirtschaft <kompakt>"\nbase_url: "https://example.org/n/"\n'
        'author: "Redaktion"\nid_authority: "example.org,2025"\n',
        encoding="utf-8",
    )
    out = tmp_path / "public"
    assert (
        main(
            [
                "build",
                "--content",
                str(content),
                "--config",
                str(config),
                "--out",
                str(out),
                "--now",
                FIXED_NOW,
            ]
        )
        == 0
    )
    return out


def parse(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def page_paths(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html"))


# --- every page -----------------------------------------------------------------------------


def test_every_page_has_lang_landmarks_one_h1_and_no_skipped_heading_level(built: Path) -> None:
    for path in page_paths(built):
        doc = parse(path)
        assert doc.get("lang") == "de", path
        assert len(doc.xpath("//main")) == 1, path
        assert len(doc.xpath("//h1")) == 1, path
        levels = [int(str(h.tag)[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[0] == 1, path
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)
        if path.name != "embed.html":
            assert doc.xpath("//body/header") and doc.xpath("//body/footer"), path
            assert doc.xpath("//nav[@aria-label]"), path


def test_every_page_forbids_inline_script_and_has_none(built: Path) -> None:
    for path in page_paths(built):
        doc = parse(path)
        csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert len(csp) == 1, path
        assert "script-src 'self'" in csp[0] and "unsafe-inline" not in csp[0], path
        assert "object-src 'none'" in csp[0] and "base-uri 'none'" in csp[0], path
        for script in doc.iter("script"):
            if script.get("type") == "application/ld+json":  # a data block, never run
                assert not script.get("src") and script.text is not None, path
                json.loads(script.text)
                continue
            assert script.get("src") and not (script.text or "").strip(), path
        handlers = [
            (el.tag, name)
            for el in doc.iter()
            if isinstance(el.tag, str)
            for name in el.attrib
            if name.lower().startswith("on")
        ]
        assert handlers == [], path
        assert not doc.xpath("//@href[starts-with(normalize-space(.), 'javascript')]"), path


def test_content_security_policy_names_the_sites_own_origin() -> None:
    csp = content_security_policy(SITE)
    assert "script-src 'self' https://example.org;" in csp
    assert "style-src 'self' https://example.org;" in csp


def test_every_page_links_stylesheet_and_subscribe_page(built: Path) -> None:
    for path in page_paths(built):
        doc = parse(path)
        assert doc.xpath("//link[@rel='stylesheet']/@href") == [
            "https://example.org/n/static/style.css"
        ], path
        if path.name != "embed.html":
            assert "https://example.org/n/abonnieren.html" in doc.xpath("//a/@href"), path


def test_hostile_title_is_escaped_everywhere(built: Path) -> None:
    for path in (built / "index.html", built / "boese" / "index.html", built / "embed.html"):
        doc = parse(path)
        assert HOSTILE_TITLE in [a.text_content() for a in doc.iter("a", "h1", "h2")], path
        assert not doc.xpath("//img[@onerror]"), path
        assert not doc.xpath("//script[not(@src) and not(@type='application/ld+json')]"), path
    title = parse(built / "boese" / "index.html").findtext(".//title")
    assert title == f"{HOSTILE_TITLE} – Wirtschaft <kompakt>"
    # The title in the JSON-LD block cannot end the element: no `<` at all in its text.
    page = (built / "boese" / "index.html").read_text(encoding="utf-8")
    data = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and json.loads(data)["headline"] == HOSTILE_TITLE


def test_hostile_body_is_sanitized_in_page_and_feeds(built: Path) -> None:
    body = parse(built / "boese" / "index.html").xpath("//div[@class='article-body']")[0]
    markup = etree.tostring(body, encoding="unicode")
    for bad in ("<script", "alert(", "onerror", "onmouseover", "javascript:", "style="):
        assert bad not in markup.lower()
    assert body.xpath(".//img/@src") == ["x.png"] and body.xpath(".//img/@alt") == ["Bild"]
    assert body.xpath(".//a/@href") == ["https://example.org/ok"]
    assert "Ende." in body.text_content()
    item = next(
        i
        for i in json.loads((built / "feed.json").read_text("utf-8"))["items"]
        if i["url"].endswith("/boese/")
    )
    assert "<script" not in item["content_html"] and "onerror" not in item["content_html"]
    assert item["title"] == HOSTILE_TITLE
    atom = (built / "atom.xml").read_text("utf-8")
    assert "onerror=" not in atom.replace("onerror=alert(2)&gt;", "")  # only the escaped title


def test_dates_are_german_with_time_and_reading_time(built: Path) -> None:
    page = parse(built / "amazon" / "index.html")
    meta = page.xpath("//header[@class='article-header']/p[@class='meta']")[0].text_content()
    assert "8. Oktober 2025, 06:30 Uhr" in meta
    assert "2\u00a0Min.\u00a0Lesezeit" in meta  # ~460 words at 200 per minute
    assert page.xpath("//time/@datetime")[0] == "2025-10-08T06:30:00+02:00"
    assert page.xpath("//div[@class='article-body']/h2/text()") == ["Rezeptpflicht neu gedacht"]
    index = parse(built / "index.html").xpath("//p[@class='meta']")
    assert index[1].text_content() == "9. Oktober 2025 · 1\u00a0Min.\u00a0Lesezeit"


def test_article_pages_link_older_and_newer_neighbours(built: Path) -> None:
    def neighbours(slug: str) -> dict[str, str]:
        doc = parse(built / slug / "index.html")
        return {
            li.get("class"): li.xpath("a/@href")[0]
            for li in doc.xpath("//nav[@class='article-nav']//li")
        }

    base = "https://example.org/n/"
    assert neighbours("english") == {"older": base + "boese/"}
    assert neighbours("boese") == {"older": base + "amazon/", "newer": base + "english/"}
    assert neighbours("amazon") == {"newer": base + "boese/"}


def test_foreign_language_article_carries_its_lang(built: Path) -> None:
    doc = parse(built / "english" / "index.html")
    assert doc.xpath("//article/@lang") == ["en"]
    assert parse(built / "index.html").xpath("//article[@lang='en']//a/text()") == [
        "Markets in brief"
    ]


def test_single_article_page_has_no_neighbour_nav() -> None:
    page = html.fromstring(render_article(SITE, make_article("a", "Allein", 8)))
    assert page.xpath("//nav[@class='article-nav']") == []


# --- subscribe page and embed kit -----------------------------------------------------------


def test_subscribe_page_lists_feed_urls_with_copy_buttons_and_reader_links(built: Path) -> None:
    doc = parse(built / "abonnieren.html")
    urls = [code.text for code in doc.xpath("//code[@class='feed-url']")]
    assert urls == [
        "https://example.org/n/atom.xml",
        "https://example.org/n/rss.xml",
        "https://example.org/n/feed.json",
    ]
    buttons = doc.xpath("//button[@data-copy]")
    assert [b.get("data-copy") for b in buttons] == ["feed-atom", "feed-rss", "feed-json"]
    assert all(b.get("hidden") is not None for b in buttons)  # shown by the script only
    assert doc.xpath("//script/@src") == ["https://example.org/n/static/abonnieren.js"]
    readers = doc.xpath("//ul[@class='reader-list']//a/@href")
    assert (
        "https://feedly.com/i/subscription/feed/https%3A%2F%2Fexample.org%2Fn%2Fatom.xml" in readers
    )
    assert "Ein Feed ist" in doc.xpath("//p[@class='lead']")[0].text_content()


def test_embed_page_shows_newest_headlines_without_script(built: Path) -> None:
    doc = parse(built / "embed.html")
    assert doc.xpath("//script") == []
    links = doc.xpath("//ol[@class='embed-list']/li/a")
    assert [a.get("href").split("/")[-2] for a in links] == ["english", "boese", "amazon"]
    assert {a.get("target") for a in links} == {"_top"}
    many = [make_article(f"a{i}", f"Meldung {i}", 20 - i) for i in range(8)]
    records = [make_record(a, f"digest-{a.slug}") for a in many]
    assert len(html.fromstring(render_embed(SITE, records)).xpath("//li")) == EMBED_LIMIT


def test_static_files_are_copied_into_the_plan(built: Path) -> None:
    for path, data in read_static_files().items():
        assert (built / path).read_bytes() == data


def test_embed_script_is_small_and_never_inserts_markup() -> None:
    script = read_static_files()["embed.js"].decode("utf-8")
    assert len(script.encode("utf-8")) < 5 * 1024
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "createContextualFragment",
    ):
        assert sink not in script
    assert "textContent" in script and "attachShadow" in script


# --- feeds point to the subscribe page ------------------------------------------------------


def test_feeds_link_the_subscribe_page_and_stay_valid(built: Path) -> None:
    validate_atom(built / "atom.xml")
    atom = feedparser.parse((built / "atom.xml").read_bytes())
    assert not atom.bozo
    related = [link.href for link in atom.feed.links if link.rel == "related"]
    assert related == ["https://example.org/n/abonnieren.html"]
    rss = feedparser.parse((built / "rss.xml").read_bytes())
    assert not rss.bozo
    assert rss.feed.docs == "https://example.org/n/abonnieren.html"
    assert rss.feed.link == "https://example.org/n/"


# --- helpers --------------------------------------------------------------------------------


def test_when_shows_time_in_site_timezone_and_drops_midnight() -> None:
    utc = ZoneInfo("UTC")
    assert (
        format_when(datetime(2025, 10, 8, 4, 30, tzinfo=utc), SITE) == "8. Oktober 2025, 06:30 Uhr"
    )
    assert format_when(datetime(2025, 10, 8, tzinfo=BERLIN), SITE) == "8. Oktober 2025"
    assert format_when(datetime(2025, 3, 1, 23, 5, tzinfo=utc), SITE) == "2. März 2025, 00:05 Uhr"


def test_reading_time_counts_words_not_markup() -> None:
    words = "<p>" + "<strong>Wort</strong> " * 500 + "</p>"
    assert make_article("a", "A", 8, content=words).minutes == 2
    assert make_article("a", "A", 8, content="<p>kurz</p>").minutes == 1


# --- sanitizer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        '<SCRIPT src="https://evil.example/x.js"></SCRIPT>',
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<iframe src="https://evil.example/"></iframe>',
        "<svg><script>alert(1)</script></svg>",
        "<style>body{display:none}</style>",
        '<form action="https://evil.example/"><input name="q"></form>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_sanitizer_removes_everything_that_can_run(dirty: str) -> None:
    clean = sanitize_html(dirty).lower()
    for bad in (
        "<script",
        "alert",
        "javascript",
        "onerror",
        "onclick",
        "<iframe",
        "<svg",
        "<style",
        "<form",
        "<input",
        "style=",
        "data:",
        "<!--",
    ):
        assert bad not in clean, (dirty, clean)


@pytest.mark.parametrize(
    "keep",
    [
        "<p>Text mit <strong>fett</strong>, <em>kursiv</em>, <code>code</code> und <br>"
        "Umbruch.</p>",
        '<p><a href="https://example.org/a?b=1&amp;c=2" title="T">Link</a> '
        '<a href="mailto:a@example.org">Mail</a> <a href="../relativ/">rel</a></p>',
        '<ul><li>eins</li></ul><ol start="3"><li>drei</li></ol>',
        "<h2>Zwischentitel</h2><h3>Unter</h3>",
        '<figure><img src="bild.jpg" alt="Ein Bild" width="640" height="480">'
        "<figcaption>Bildunterschrift</figcaption></figure>",
        "<table><thead><tr><th>Jahr</th></tr></thead><tbody><tr><td>2025</td></tr></tbody></table>",
        "<blockquote><p>„Zitat“ – ß, Ä, 🎉</p></blockquote>",
        '<pre><code class="language-python">a &lt; b</code></pre>',
    ],
)
def test_sanitizer_keeps_allowed_formatting(keep: str) -> None:
    assert sanitize_html(keep) == keep


def test_sanitizer_keeps_text_of_removed_harmless_tags() -> None:
    assert sanitize_html('<div class="x"><font color="red">Text</font></div>') == "Text"


def test_plain_text_articles_escape_markup_in_their_lines(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.txt").write_text(
        "date 2025-10-08 Titel\n\nEin <b>Satz</b> mit <script>alert(1)</script>.\n",
        encoding="utf-8",
    )
    config = tmp_path / "feed.yaml"
    config.write_text(
        'title: "T"\nbase_url: "https://example.org/"\nauthor: "R"\n'
        'id_authority: "example.org,2025"\n',
        encoding="utf-8",
    )
    assert (
        main(
            [
                "build",
                "--content",
                str(content),
                "--config",
                str(config),
                "--out",
                str(tmp_path / "out"),
                "--now",
                FIXED_NOW,
            ]
        )
        == 0
    )
    body = parse(tmp_path / "out" / "a" / "index.html").xpath("//div[@class='article-body']")[0]
    assert body.xpath(".//script | .//b") == []
    assert (
        re.sub(r"\s+", " ", body.text_content()).strip()
        == "Ein <b>Satz</b> mit <script>alert(1)</script>."
    )

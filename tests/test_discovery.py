"""What search engines read: sitemap.xml, news-sitemap.xml, robots.txt, the article pages'
canonical link, OpenGraph and JSON-LD, and the 404 page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree, html
from sitekit import AUTHORITY, BASE_URL, build, local, make_site, write

from conftest import VALIDATORS
from feedgen_app.checking.site import check_feed, check_site
from feedgen_app.commands.cli import main
from feedgen_app.model import TAGS_DIR, Author, Site, slugify
from feedgen_app.reading.content import MAX_SLUG_LENGTH, MAX_TAG_LENGTH
from feedgen_app.rendering import discovery

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
NOW = "2025-11-10T12:00:00+01:00"


@pytest.fixture(scope="module")
def sitemap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(VALIDATORS / "sitemap" / "sitemaps.xsd")))


@pytest.fixture(scope="module")
def index_schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    """The shared schema has `<urlset>` only: `<sitemapindex>` as sitemaps.org's siteindex.xsd
    defines it (`<sitemap>` elements of `<loc>` and an optional `<lastmod>`), on the shared
    schema's types."""
    folder = tmp_path_factory.mktemp("siteindex")
    (folder / "siteindex.xsd").write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="{SM[1:-1]}" xmlns="{SM[1:-1]}" elementFormDefault="qualified">'
        f'<xsd:include schemaLocation="{(VALIDATORS / "sitemap" / "sitemap.xsd").as_uri()}"/>'
        '<xsd:element name="sitemapindex"><xsd:complexType><xsd:sequence>'
        '<xsd:element name="sitemap" maxOccurs="unbounded"><xsd:complexType><xsd:sequence>'
        '<xsd:element name="loc" type="tLoc"/>'
        '<xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>'
        '<xsd:any namespace="##other" minOccurs="0" maxOccurs="unbounded"/>'
        "</xsd:sequence></xsd:complexType></xsd:element>"
        "</xsd:sequence></xsd:complexType></xsd:element></xsd:schema>",
        encoding="utf-8",
    )
    return etree.XMLSchema(etree.parse(str(folder / "siteindex.xsd")))


def valid(schema: etree.XMLSchema, path: Path) -> etree._Element:
    document = etree.parse(str(path))
    assert schema.validate(document), f"{path.name}: {schema.error_log}"
    return document.getroot()


def locs(root: etree._Element) -> list[str]:
    return [str(loc.text) for loc in root.iter(f"{SM}loc")]


def newsroom(root: Path) -> Path:
    """Articles on every side of the news window (2 days before NOW), a draft, a scheduled
    one, tags, and a title that needs escaping in XML."""
    make_site(root)
    write(
        root,
        "2025-11-10-heute.txt",
        "date 2025-11-10T08:00 Heute: Zölle & „Handel“ <neu>\ntags Handel\n\nDer Zoll steigt.\n",
    )
    write(
        root,
        "2025-11-08-grenze.txt",
        "date 2025-11-08T12:30 Kurz vor der Grenze\ntags Handel, Zölle\n\nNoch drin.\n",
    )
    write(
        root,
        "2025-11-08-draussen.txt",
        "date 2025-11-08T11:00 Gerade draußen\n\nNicht mehr in den zwei Tagen.\n",
    )
    write(
        root,
        "2025-10-01-alt.md",
        "---\ntitle: Alt\ndate: 2025-10-01\nupdated: 2025-10-05T09:00\n---\nAlt.\n",
    )
    write(root, "entwurf.md", "---\ntitle: Entwurf\ndate: 2025-11-09\ndraft: true\n---\nX.\n")
    write(root, "2025-11-20-geplant.txt", "date 2025-11-20T06:00 Geplant\n\nSpäter.\n")
    return root


def test_sitemap_validates_and_lists_exactly_the_published_pages(
    tmp_path: Path, sitemap_schema: etree.XMLSchema
) -> None:
    root = newsroom(tmp_path / "site")
    assert build(root, now=NOW) == 0
    out = root / "public"
    listed = locs(valid(sitemap_schema, out / "sitemap.xml"))
    # every page a reader reaches through a folder URL, and nothing else
    folders = [p.parent.relative_to(out).as_posix() for p in out.rglob("index.html")]
    assert sorted(listed) == sorted(BASE_URL + ("" if f == "." else f + "/") for f in folders)
    assert listed[0] == BASE_URL
    assert f"{BASE_URL}heute/" in listed and f"{BASE_URL}tags/zoelle/" in listed
    assert not any(slug in url for url in listed for slug in ("entwurf", "geplant"))
    lastmod = {
        url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod")
        for url in etree.parse(str(out / "sitemap.xml")).getroot()
    }
    assert lastmod[f"{BASE_URL}alt/"] == "2025-10-05T09:00:00+02:00"  # `updated`, in CEST
    assert lastmod[BASE_URL] == "2025-11-10T08:00:00+01:00"
    assert lastmod[f"{BASE_URL}tags/zoelle/"] == "2025-11-08T12:30:00+01:00"


def test_news_sitemap_holds_the_last_two_days_with_their_metadata(
    tmp_path: Path, sitemap_schema: etree.XMLSchema
) -> None:
    root = newsroom(tmp_path / "site")
    assert build(root, now=NOW) == 0
    news = valid(sitemap_schema, root / "public" / "news-sitemap.xml")
    assert locs(news) == [f"{BASE_URL}heute/", f"{BASE_URL}grenze/"]
    first = news.find(f"{SM}url/{NEWS}news")
    assert first is not None
    assert first.findtext(f"{NEWS}publication/{NEWS}name") == "Testseite"
    assert first.findtext(f"{NEWS}publication/{NEWS}language") == "de"
    assert first.findtext(f"{NEWS}publication_date") == "2025-11-10T08:00:00+01:00"
    assert first.findtext(f"{NEWS}title") == "Heute: Zölle & „Handel“ <neu>"


def test_news_sitemap_without_recent_articles_still_validates(
    tmp_path: Path, sitemap_schema: etree.XMLSchema
) -> None:
    """No article in the two days: the newest one, without news metadata (the schema
    requires at least one <url>; Google keeps older URLs without <news:news>)."""
    root = newsroom(tmp_path / "site")
    assert build(root, now="2025-11-13T12:00") == 0
    news = valid(sitemap_schema, root / "public" / "news-sitemap.xml")
    assert locs(news) == [f"{BASE_URL}heute/"] and news.find(f".//{NEWS}news") is None
    empty = make_site(tmp_path / "leer")
    assert build(empty, now=NOW) == 0
    assert locs(valid(sitemap_schema, empty / "public" / "news-sitemap.xml")) == [BASE_URL]
    assert locs(valid(sitemap_schema, empty / "public" / "sitemap.xml")) == [BASE_URL]


def test_an_unchanged_site_drops_news_entries_once_they_are_two_days_old(tmp_path: Path) -> None:
    """No file changed, yet the news sitemap must: the build with nothing changed may not
    keep the old one."""
    root = newsroom(tmp_path / "site")
    assert build(root, now=NOW) == 0
    assert build(root, now="2025-11-11T10:00:00+01:00") == 0
    news = etree.parse(str(root / "public" / "news-sitemap.xml")).getroot()
    assert locs(news) == [f"{BASE_URL}heute/"]  # `grenze` left the window at 12:30 on the 10th


def test_robots_txt_names_both_sitemaps_by_absolute_url(tmp_path: Path) -> None:
    root = newsroom(tmp_path / "site")
    assert build(root, now=NOW) == 0
    lines = (root / "public" / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE_URL}sitemap.xml" in lines
    assert f"Sitemap: {BASE_URL}news-sitemap.xml" in lines
    assert "User-agent: *" in lines and "Disallow:" in lines


def test_check_reads_sitemaps_as_not_feeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = newsroom(tmp_path / "site")
    assert build(root, now=NOW) == 0
    out = root / "public"
    assert check_feed(out / "sitemap.xml") is None
    assert check_feed(out / "news-sitemap.xml") is None
    assert check_site(out) == []
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    assert capsys.readouterr().out == f"{out}: no findings\n"


def archive_site(root: Path, count: int) -> Path:
    """`count` articles, one a day from 2025-10-01; the second and fourth tagged `Handel`; the
    first in Markdown, so that a test can give it an `updated` date."""
    make_site(root)
    write(
        root, "2025-10-01-meldung-1.md", "---\ntitle: Meldung 1\ndate: 2025-10-01T08:00\n---\nX.\n"
    )
    for day in range(2, count + 1):
        add_article(root, day)
    return root


def add_article(root: Path, day: int) -> None:
    tags = "tags Handel\n" if day in (2, 4) else ""
    write(
        root,
        f"2025-10-{day:02d}-meldung-{day}.txt",
        f"date 2025-10-{day:02d}T08:00 Meldung {day}\n{tags}\nText {day}.\n",
    )


def lastmods(root: etree._Element, element: str) -> dict[str, str]:
    return {
        str(item.findtext(f"{SM}loc")): str(item.findtext(f"{SM}lastmod"))
        for item in root.iter(f"{SM}{element}")
    }


def stats(out: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, inode) of sitemap.xml and every part: a file written again gets new ones."""
    return {
        path.relative_to(out).as_posix(): (path.stat().st_mtime_ns, path.stat().st_ino)
        for path in [out / "sitemap.xml", *sorted((out / "sitemap").glob("*"))]
    }


def test_a_site_beyond_the_limit_gets_a_sitemap_index_of_valid_parts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sitemap_schema: etree.XMLSchema,
    index_schema: etree.XMLSchema,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Seven articles, the index, `tags/` and one tag page at three URLs a sitemap: four
    parts, the articles from the oldest, the other pages last."""
    monkeypatch.setattr(discovery, "SITEMAP_URLS", 3)
    root = archive_site(tmp_path / "site", 7)
    assert build(root, now=NOW) == 0
    out = root / "public"
    index = valid(index_schema, out / "sitemap.xml")
    assert index.tag == f"{SM}sitemapindex"
    parts = [f"{BASE_URL}sitemap/{number}.xml" for number in (1, 2, 3, 4)]
    assert locs(index) == parts
    assert sorted(p.name for p in (out / "sitemap").iterdir()) == [
        "1.xml",
        "2.xml",
        "3.xml",
        "4.xml",
    ]
    listed: list[str] = []
    for url, lastmod in lastmods(index, "sitemap").items():
        part = valid(sitemap_schema, local(root, url))
        urls = lastmods(part, "url")
        assert 1 <= len(urls) <= 3 and lastmod == max(urls.values())
        listed += urls
    assert listed == [
        *(f"{BASE_URL}meldung-{day}/" for day in range(1, 8)),
        BASE_URL,
        f"{BASE_URL}tags/",
        f"{BASE_URL}tags/handel/",
    ]
    folders = [p.parent.relative_to(out).as_posix() for p in out.rglob("index.html")]
    assert sorted(listed) == sorted(BASE_URL + ("" if f == "." else f + "/") for f in folders)
    assert lastmods(index, "sitemap")[parts[0]] == "2025-10-03T08:00:00+02:00"
    robots = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE_URL}sitemap.xml" in robots
    assert f"Sitemap: {BASE_URL}news-sitemap.xml" in robots
    assert check_feed(out / "sitemap.xml") is None and check_site(out) == []
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    assert capsys.readouterr().out == f"{out}: no findings\n"
    # a broken part is still found
    (out / "sitemap" / "2.xml").write_bytes((out / "sitemap" / "2.xml").read_bytes()[:-12])
    assert any("sitemap/2.xml" in f and "not well-formed" in f for f in check_site(out))
    assert main(["check", str(out)]) == 1


def test_a_new_article_writes_only_the_newest_part_and_the_index_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sitemap_schema: etree.XMLSchema
) -> None:
    """Five articles, the index, `tags/` and one tag page at five URLs a sitemap: the first
    part holds the five articles, the second the other pages."""
    monkeypatch.setattr(discovery, "SITEMAP_URLS", 5)
    root = archive_site(tmp_path / "site", 5)
    assert build(root, now=NOW) == 0
    out = root / "public"
    first = stats(out)
    assert sorted(first) == ["sitemap.xml", "sitemap/1.xml", "sitemap/2.xml"]
    add_article(root, 6)
    assert build(root, now=NOW) == 0
    second = stats(out)
    assert sorted(second) == sorted(first)
    assert {name for name in first if second[name] != first[name]} == {
        "sitemap.xml",
        "sitemap/2.xml",
    }
    newest = valid(sitemap_schema, out / "sitemap" / "2.xml")
    assert locs(newest) == [
        f"{BASE_URL}meldung-6/",
        BASE_URL,
        f"{BASE_URL}tags/",
        f"{BASE_URL}tags/handel/",
    ]
    # editing an old article's date of change writes only its part (the index's lastmod of
    # that part stays: 2025-10-05 is newer)
    source = root / "content" / "2025-10-01-meldung-1.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("date:", "updated: 2025-10-03T09:00\ndate:"),
        encoding="utf-8",
    )
    assert build(root, now=NOW) == 0
    third = stats(out)
    assert {name for name in second if third[name] != second[name]} == {"sitemap/1.xml"}
    part = lastmods(valid(sitemap_schema, out / "sitemap" / "1.xml"), "url")
    assert part[f"{BASE_URL}meldung-1/"] == "2025-10-03T09:00:00+02:00"
    # back below the limit: one sitemap again, and the parts are gone
    for day in (3, 4, 5, 6):  # two articles, the index, `tags/`, one tag: five pages
        (root / "content" / f"2025-10-{day:02d}-meldung-{day}.txt").unlink()
    assert build(root, now=NOW) == 0
    assert valid(sitemap_schema, out / "sitemap.xml").tag == f"{SM}urlset"
    assert not (out / "sitemap").exists()


def test_up_to_the_limit_the_sitemap_is_one_urlset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly as many pages as the limit: the very sitemap.xml of an unlimited build."""
    root = newsroom(tmp_path / "site")
    assert build(root, out="unlimited", now=NOW) == 0
    unlimited = (root / "unlimited" / "sitemap.xml").read_bytes()
    pages = len(locs(etree.fromstring(unlimited)))
    monkeypatch.setattr(discovery, "SITEMAP_URLS", pages)
    assert build(root, out="at-limit", now=NOW) == 0
    assert (root / "at-limit" / "sitemap.xml").read_bytes() == unlimited
    assert not (root / "at-limit" / "sitemap").exists()
    monkeypatch.setattr(discovery, "SITEMAP_URLS", pages - 1)
    assert build(root, out="beyond", now=NOW) == 0
    assert b"<sitemapindex" in (root / "beyond" / "sitemap.xml").read_bytes()


def test_no_part_can_exceed_the_byte_limit() -> None:
    """The longest line a part may hold, times the URLs in a part, stays below 50 MB; a base
    URL of thousands of characters gets smaller parts."""
    longest_tag = max(len(slugify(chr(c) * MAX_TAG_LENGTH)) for c in (0x33AF, 0x33D8, ord("a")))
    assert len(TAGS_DIR) + longest_tag + 1 <= discovery.LONGEST_PATH
    assert discovery.LONGEST_PATH >= MAX_SLUG_LENGTH + 1
    line = f"<url><loc>{BASE_URL}</loc><lastmod>9998-12-31T23:59:00-12:00</lastmod></url>\n"
    assert len(line) - len(BASE_URL) == discovery.URL_LINE
    for base, expected in ((BASE_URL, 50_000), ("https://example.org/" + "a&b/" * 1000, 6_101)):
        site = Site(title="T", base_url=base, author=Author("R"), id_authority=AUTHORITY)
        size = discovery.part_size(site)
        longest = discovery.URL_LINE + len(base.replace("&", "&amp;")) + discovery.LONGEST_PATH
        assert size * longest + 200 <= 50 * 1024 * 1024
        assert size == expected


def head_of(page: Path) -> html.HtmlElement:
    head = html.fromstring(page.read_bytes()).find("head")
    assert head is not None, page
    return head


def test_article_page_has_canonical_link_opengraph_and_news_article(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    (root / "content" / "bilder").mkdir()
    (root / "content" / "bilder" / "hafen.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write(
        root,
        "2025-11-03-hafen.md",
        '---\ntitle: "Hafen </script><!-- & „Kräne“"\ndate: 2025-11-03T06:30\n'
        "updated: 2025-11-04T09:15\nauthor: Jana Müller\ntags: [Hafen, Logistik]\n"
        "image: bilder/hafen.png\n---\nDer Hafen wächst.\n\nMehr Kräne.\n",
    )
    assert build(root) == 0
    head = head_of(root / "public" / "hafen" / "index.html")
    url = f"{BASE_URL}hafen/"
    assert head.xpath("link[@rel='canonical']/@href") == [url]
    og = {
        m.get("property"): m.get("content")
        for m in head.xpath("meta[@property]")
        if m.get("property") != "article:tag"
    }
    assert og == {
        "og:type": "article",
        "og:title": "Hafen </script><!-- & „Kräne“",
        "og:description": "Der Hafen wächst.",
        "og:url": url,
        "og:site_name": "Testseite",
        "og:locale": "de_DE",
        "og:image": f"{BASE_URL}bilder/hafen.png",
        "article:published_time": "2025-11-03T06:30:00+01:00",
        "article:modified_time": "2025-11-04T09:15:00+01:00",
    }
    assert head.xpath("meta[@property='article:tag']/@content") == ["Hafen", "Logistik"]
    scripts = head.xpath("script[@type='application/ld+json']")
    assert len(scripts) == 1
    raw = (root / "public" / "hafen" / "index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "</" not in block and "<!--" not in block
    data = json.loads(block)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Hafen </script><!-- & „Kräne“"
    assert data["datePublished"] == "2025-11-03T06:30:00+01:00"
    assert data["dateModified"] == "2025-11-04T09:15:00+01:00"
    assert data["author"] == [{"@type": "Person", "name": "Jana Müller"}]
    assert data["publisher"] == {"@type": "Organization", "name": "Testseite", "url": BASE_URL}
    assert data["image"] == [f"{BASE_URL}bilder/hafen.png"]
    assert data["mainEntityOfPage"] == url and data["inLanguage"] == "de-DE"


def test_article_without_image_has_no_og_image_and_the_newsroom_as_author(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    write(root, "2025-11-03-kurz.txt", "date 2025-11-03 Kurz\n\nEin Satz.\n")
    assert build(root) == 0
    head = head_of(root / "public" / "kurz" / "index.html")
    assert not head.xpath("meta[@property='og:image']")
    data = json.loads(head.xpath("script[@type='application/ld+json']")[0].text)
    assert "image" not in data
    assert data["author"] == [{"@type": "Organization", "name": "Redaktion"}]


def test_404_page_is_german_and_links_home_and_the_newest_articles(tmp_path: Path) -> None:
    root = newsroom(tmp_path / "site")
    assert build(root, now=NOW) == 0
    page = html.fromstring((root / "public" / "404.html").read_bytes())
    assert page.get("lang") == "de"
    assert page.findtext(".//h1") == "Seite nicht gefunden"
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    hrefs = page.xpath("//main//a/@href")
    assert hrefs[0] == BASE_URL
    assert f"{BASE_URL}heute/" in hrefs and f"{BASE_URL}tags/" in hrefs
    assert not any("geplant" in href or "entwurf" in href for href in hrefs)
    # GitHub Pages serves it at any depth: every link and the stylesheet are absolute
    assert all(href.startswith((BASE_URL, "#", "data:")) for href in page.xpath("//@href"))

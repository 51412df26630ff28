"""What search engines read: sitemap.xml, news-sitemap.xml, robots.txt, the article pages'
canonical link, OpenGraph and JSON-LD, and the 404 page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree, html
from sitekit import BASE_URL, build, make_site, write

from conftest import VALIDATORS
from feedgen_app.checking.site import check_feed, check_site
from feedgen_app.commands.cli import main

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
NOW = "2025-11-10T12:00:00+01:00"


@pytest.fixture(scope="module")
def sitemap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(VALIDATORS / "sitemap" / "sitemaps.xsd")))


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

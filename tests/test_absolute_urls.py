"""Relative links and image sources become absolute in the feeds, and only there."""

from __future__ import annotations

from pathlib import Path

from sitekit import ATOM, BASE_URL, atom, build, json_feed, make_site, write

from feedgen_app.rendering.links import absolutize_urls

ARTICLE = """---
title: Links
date: 2025-10-01
---
Siehe [den Bericht](bericht.md), [oben](#anfang), [extern](https://example.com/x)
und [Mail](mailto:redaktion@example.org).

![Grafik](grafik.png "Zinsen")

<a href="/wurzel.html">Wurzel</a>
"""
PAGE_URL = BASE_URL + "links/"


def write_links_site(root: Path) -> None:
    """The article above, the article it links to and its image."""
    write(root, "2025-10-01-links.md", ARTICLE)
    write(root, "bericht.md", "---\ntitle: Bericht\ndate: 2025-09-01\n---\nDer Bericht.\n")
    (root / "content" / "grafik.png").write_bytes(b"\x89PNG\r\n\x1a\n")


def test_relative_links_and_images_are_absolute_in_every_feed(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write_links_site(root)
    assert build(root) == 0
    public = root / "public"
    atom_html = atom(public / "atom.xml").find(f"{ATOM}entry").findtext(f"{ATOM}content")
    rss_html = (
        atom(public / "rss.xml")
        .find("channel")
        .find("item")
        .findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    )
    json_html = json_feed(public / "feed.json")["items"][0]["content_html"]
    assert atom_html == rss_html == json_html
    for expected in (
        f'href="{BASE_URL}bericht/"',
        f'href="{PAGE_URL}#anfang"',
        'href="https://example.com/x"',
        'href="mailto:redaktion@example.org"',
        f'src="{BASE_URL}grafik.png"',
        'href="https://example.org/wurzel.html"',
    ):
        assert expected in atom_html
    assert 'href="/news/' not in atom_html and 'src="/news/' not in atom_html


def test_the_page_links_files_from_the_site_root_and_keeps_the_rest(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write_links_site(root)
    assert build(root) == 0
    page = (root / "public" / "links" / "index.html").read_text(encoding="utf-8")
    assert 'href="/news/bericht/"' in page and 'src="/news/grafik.png"' in page
    assert 'href="#anfang"' in page and 'href="https://example.com/x"' in page
    assert 'href="/wurzel.html"' in page  # raw HTML is taken as written


def test_only_url_attributes_change_every_other_byte_stays() -> None:
    body = (
        '<p class="x">Tom &amp; Jerry &quot;zitiert&quot; '
        '<a title="a > b" href="../x?a=1&amp;b=2">'
        "x</a><br>\n<img alt='' src=bild.jpg width=3><code>&lt;a href=\"y\"&gt;</code></p>\n"
    )
    result = absolutize_urls(body, "https://example.org/news/slug/")
    assert result == body.replace(
        'href="../x?a=1&amp;b=2"', 'href="https://example.org/news/x?a=1&amp;b=2"'
    ).replace("src=bild.jpg", 'src="https://example.org/news/slug/bild.jpg"')


def test_srcset_candidates_and_media_sources_are_resolved() -> None:
    body = (
        '<picture><source srcset="a.webp 1x, b.webp 2x"><img src="a.jpg" '
        'srcset="a.jpg 1x,/b.jpg 2x"></picture><video poster="p.jpg" src="v.mp4"></video>'
    )
    result = absolutize_urls(body, "https://example.org/n/s/")
    assert 'srcset="https://example.org/n/s/a.webp 1x, https://example.org/n/s/b.webp 2x"' in result
    assert 'srcset="https://example.org/n/s/a.jpg 1x, https://example.org/b.jpg 2x"' in result
    assert 'poster="https://example.org/n/s/p.jpg"' in result
    assert 'src="https://example.org/n/s/v.mp4"' in result


def test_absolute_and_empty_urls_and_text_outside_tags_are_left_alone() -> None:
    body = (
        '<p>href="relativ" im Text, <a href="">leer</a>, <a href="https://a.example/">a</a>'
        '<a name="anker">n</a></p>'
    )
    assert absolutize_urls(body, "https://example.org/n/s/") == body

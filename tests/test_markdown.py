"""Markdown bodies as GitHub renders them (tables, strikethrough, autolinks, footnotes), body
links and images that name files beside the article, and the lead image's alt text."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from sitekit import ATOM, BASE_URL, atom, build, json_feed, make_site, write

from feedgen_app.errors import ContentError
from feedgen_app.model import Author, Site
from feedgen_app.reading.content import read_article

SITE = Site(
    title="T",
    base_url="https://example.org/news/",
    author=Author("Redaktion"),
    id_authority="example.org,2025",
)
HEAD = "---\ntitle: Meldung\ndate: 2025-10-01\n---\n"
"""Front matter of four lines: the body starts on line 5."""
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(32))
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def body_html(tmp_path: Path, body: str) -> str:
    path = tmp_path / "content" / "meldung.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + body, encoding="utf-8")
    return read_article(path, SITE, tmp_path / "content").content_html


def problems(tmp_path: Path, body: str, name: str = "meldung.md") -> list[str]:
    path = tmp_path / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_article(path, SITE, tmp_path / "content")
    return list(caught.value.problems)


# --- GitHub Flavored Markdown ------------------------------------------------------------------


def test_a_table_keeps_its_column_alignment_as_classes(tmp_path: Path) -> None:
    html = body_html(tmp_path, "| Land | Quote | Trend |\n|:--|:-:|--:|\n| DE | 2,1 % | ↓ |\n")
    assert '<table>\n<thead>\n<tr>\n<th class="align-left">Land</th>' in html
    assert '<td class="align-center">2,1 %</td>\n<td class="align-right">↓</td>' in html
    assert "style=" not in html  # the pages' CSP would ignore inline styles


def test_strikethrough_and_autolinks(tmp_path: Path) -> None:
    html = body_html(
        tmp_path,
        "~~2,3 %~~ 2,1 %, Quelle: https://destatis.de/x?y=1 oder "
        "presse@example.org. Amazon.com und www.example.org bleiben Text.\n",
    )
    assert "<s>2,3 %</s> 2,1 %" in html
    assert '<a href="https://destatis.de/x?y=1">https://destatis.de/x?y=1</a>' in html
    assert '<a href="mailto:presse@example.org">presse@example.org</a>' in html
    assert "Amazon.com und www.example.org bleiben Text." in html


def test_footnotes_link_both_ways_and_stay_out_of_the_summary(tmp_path: Path) -> None:
    path = write(
        make_site(tmp_path),
        "meldung.md",
        HEAD + "Die Preise steigen[^quelle].\n\n[^quelle]: Statistisches Bundesamt.\n",
    )
    article = read_article(path, SITE, tmp_path / "content")
    html = article.content_html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<hr class="footnotes-sep">\n<section class="footnotes">' in html
    assert (
        '<li id="fn1" class="footnote-item"><p>Statistisches Bundesamt. '
        '<a href="#fnref1" class="footnote-backref">↩︎</a></p>'
    ) in html
    assert article.summary == "Die Preise steigen."


def test_footnote_links_lead_to_the_article_page_from_every_feed(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write(root, "meldung.md", HEAD + "Text[^1].\n\n[^1]: Quelle.\n")
    assert build(root) == 0
    for html in feed_bodies(root / "public"):
        assert f'href="{BASE_URL}meldung/#fn1" id="fnref1"' in html
        assert f'href="{BASE_URL}meldung/#fnref1"' in html


def test_ids_and_classes_are_kept_only_as_the_renderer_writes_them(tmp_path: Path) -> None:
    html = body_html(
        tmp_path,
        '<p id="inhalt" class="draft-note">Text</p>\n\n'
        '<a id="fn2" class="footnote-backref evil" href="#x">a</a>\n',
    )
    assert "<p>Text</p>" in html
    assert '<a id="fn2" class="footnote-backref" href="#x">a</a>' in html


# --- relative links and images -----------------------------------------------------------------


def feed_bodies(public: Path) -> list[str]:
    """The first entry's HTML in Atom, RSS and JSON Feed."""
    return [
        atom(public / "atom.xml").find(f"{ATOM}entry").findtext(f"{ATOM}content"),
        atom(public / "rss.xml").find("channel").find("item").findtext(CONTENT),
        json_feed(public / "feed.json")["items"][0]["content_html"],
    ]


LINKING = """---
title: Meldung
date: 2025-10-02
---
![Grafik: Preise](grafik.png "Preise")

Mehr im [Bericht](../berichte/2025-09-01-bericht.md#zahlen),
als [PDF](daten/zahlen%20neu.pdf#page=2)
und [extern](https://example.com/x), [oben](#anfang), [Wurzel](/impressum/).
"""


@pytest.fixture
def linking(tmp_path: Path) -> Path:
    """content/2025/meldung.md with an image and a PDF beside it, linking another article."""
    root = make_site(tmp_path)
    write(root, "2025/meldung.md", LINKING)
    (root / "content" / "2025" / "grafik.png").write_bytes(PNG)
    write(root, "2025/daten/zahlen neu.pdf", "%PDF-1.4\n")
    write(
        root,
        "berichte/2025-09-01-bericht.md",
        "---\ntitle: Bericht\ndate: 2025-09-01\nslug: herbstbericht\n---\nZahlen.\n",
    )
    assert build(root) == 0
    return root


def test_body_files_are_linked_from_the_site_root_on_the_page(linking: Path) -> None:
    public = linking / "public"
    page = (public / "meldung" / "index.html").read_text(encoding="utf-8")
    assert '<img src="/news/2025/grafik.png" alt="Grafik: Preise" title="Preise">' in page
    assert '<a href="/news/herbstbericht/#zahlen">Bericht</a>' in page
    assert '<a href="/news/2025/daten/zahlen%20neu.pdf#page=2">PDF</a>' in page
    assert '<a href="https://example.com/x">extern</a>' in page
    assert '<a href="#anfang">oben</a>' in page and '<a href="/impressum/">Wurzel</a>' in page
    # resolved as a browser does against the page's address, each names a published file
    page_url = BASE_URL + "meldung/"
    for path, file in (
        ("/news/2025/grafik.png", "2025/grafik.png"),
        ("/news/herbstbericht/", "herbstbericht/index.html"),
        ("/news/2025/daten/zahlen%20neu.pdf", "2025/daten/zahlen neu.pdf"),
    ):
        assert urljoin(page_url, path) == BASE_URL + path.removeprefix("/news/")
        assert (public / file).is_file(), file


def test_body_files_are_absolute_urls_in_every_feed(linking: Path) -> None:
    for html in feed_bodies(linking / "public"):
        assert f'<img src="{BASE_URL}2025/grafik.png" alt="Grafik: Preise"' in html
        assert f'<a href="{BASE_URL}herbstbericht/#zahlen">Bericht</a>' in html
        assert f'<a href="{BASE_URL}2025/daten/zahlen%20neu.pdf#page=2">PDF</a>' in html
        assert f'<a href="{BASE_URL}meldung/#anfang">oben</a>' in html
        assert '<a href="https://example.org/impressum/">Wurzel</a>' in html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Text.\n\nSiehe [Tabelle](tabelle.csv).\n",
            "meldung.md:7: link 'tabelle.csv' not found: expected the file {content}/tabelle.csv "
            "(links and images in the text are relative to the article's folder {content})",
        ),
        (
            "Erste Zeile\nzweite mit ![Bild](bilder/fehlt.png)\n",
            "meldung.md:6: image 'bilder/fehlt.png' not found",
        ),
        (
            "[x](../../etc/passwd)\n",
            "meldung.md:5: link '../../etc/passwd' leaves the content folder {content}; "
            "name a file inside it",
        ),
        (
            "| a |\n|---|\n| [x](.geheim.pdf) |\n",
            "meldung.md:7: link '.geheim.pdf' names a hidden file",
        ),
        ("- eins\n- [Ordner](bilder/)\n", "meldung.md:6: link 'bilder/' is a folder"),
        (
            "Text[^1].\n\n[^1]: Aus dem [Archiv](archiv.md).\n",
            "meldung.md:7: link 'archiv.md' not found",
        ),
        ("![Bild](anders.md)\n", "meldung.md:5: image 'anders.md' is an article, not an image"),
    ],
)
def test_a_broken_body_link_names_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    content = tmp_path / "content"
    (content / "bilder").mkdir(parents=True)
    (content / "anders.md").write_text(HEAD, encoding="utf-8")
    (content / ".geheim.pdf").write_text("x", encoding="utf-8")
    found = problems(tmp_path, body)
    assert len(found) == 1
    assert found[0].startswith(f"{content}/" + message.format(content=content))


def test_every_broken_link_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(tmp_path, "[a](a.pdf)\n\n[b](b.pdf)\n")
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in found] == ["5", "7"]


def test_a_broken_link_fails_the_build_and_leaves_the_site_as_it_was(
    linking: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = linking / "public"
    before = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
    (linking / "content" / "2025" / "grafik.png").unlink()  # the article itself is unchanged
    capsys.readouterr()
    assert build(linking) == 1
    err = capsys.readouterr().err
    assert f"{linking / 'content' / '2025' / 'meldung.md'}:5: image 'grafik.png' not found" in err
    assert {p: p.read_bytes() for p in public.rglob("*") if p.is_file()} == before


def test_a_link_follows_the_other_articles_new_slug(linking: Path) -> None:
    other = linking / "content" / "berichte" / "2025-09-01-bericht.md"
    other.write_text(
        other.read_text(encoding="utf-8").replace("herbstbericht", "zahlen-2025"), encoding="utf-8"
    )
    assert build(linking) == 0
    page = (linking / "public" / "meldung" / "index.html").read_text(encoding="utf-8")
    assert '<a href="/news/zahlen-2025/#zahlen">Bericht</a>' in page


def test_a_site_at_the_domain_root_links_from_slash(tmp_path: Path) -> None:
    site = Site(
        title="T",
        base_url="https://example.org/",
        author=Author("R"),
        id_authority="example.org,2025",
    )
    path = write(make_site(tmp_path), "a/meldung.md", HEAD + "![x](x.png)\n")
    (path.parent / "x.png").write_bytes(PNG)
    html = read_article(path, site, tmp_path / "content").content_html
    assert '<img src="/a/x.png" alt="x">' in html


# --- the lead image's alt text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "front",
    [
        'image: zins.png\nimage_alt: "Leitzins seit 2020: gestiegen, dann gesunken"\n',
        'image: {src: zins.png, alt: "Leitzins seit 2020: gestiegen, dann gesunken"}\n',
    ],
)
def test_image_alt_describes_the_lead_image_on_the_page(tmp_path: Path, front: str) -> None:
    root = make_site(tmp_path)
    write(root, "meldung.md", f"---\ntitle: Zins\ndate: 2025-10-01\n{front}---\nText.\n")
    (root / "content" / "zins.png").write_bytes(PNG)
    assert build(root) == 0
    page = (root / "public" / "meldung" / "index.html").read_text(encoding="utf-8")
    assert (
        f'<img src="{BASE_URL}zins.png" alt="Leitzins seit 2020: gestiegen, dann gesunken">'
    ) in page


def test_a_plain_text_article_gives_image_alt_in_a_header_line(tmp_path: Path) -> None:
    path = write(
        make_site(tmp_path),
        "a.txt",
        "date 2025-10-01 A\nimage a.png\nimage_alt Ein Foto vom Hafen\n\nText.\n",
    )
    (path.parent / "a.png").write_bytes(PNG)
    article = read_article(path, SITE)
    assert (article.image, article.image_alt) == ("a.png", "Ein Foto vom Hafen")


def test_without_alt_text_the_lead_image_is_decorative(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write(root, "meldung.md", "---\ntitle: Zins\ndate: 2025-10-01\nimage: zins.png\n---\nText.\n")
    (root / "content" / "zins.png").write_bytes(PNG)
    assert build(root) == 0
    page = (root / "public" / "meldung" / "index.html").read_text(encoding="utf-8")
    assert f'<img src="{BASE_URL}zins.png" alt="">' in page


@pytest.mark.parametrize(
    ("front", "message"),
    [
        (
            'image_alt: "Ein Bild"\n',
            ":4: `image_alt` describes the lead image, but there is no `image:`",
        ),
        ("image: {src: zins.png, alt: A}\nimage_alt: B\n", ":5: the alt text is given twice"),
        (
            "image: {src: zins.png, titel: A}\n",
            ":4: unknown key 'titel' in `image:` (known keys: src, alt)",
        ),
        ("image: {alt: A}\n", ":4: `image:` needs `src:`"),
        ('image: zins.png\nimage_alt: ""\n', ":5: 'image_alt' must be non-empty text"),
    ],
)
def test_bad_image_alt_is_an_error_naming_the_line(
    tmp_path: Path, front: str, message: str
) -> None:
    path = write(
        make_site(tmp_path),
        "meldung.md",
        f"---\ntitle: Zins\ndate: 2025-10-01\n{front}---\nText.\n",
    )
    (path.parent / "zins.png").write_bytes(PNG)
    with pytest.raises(ContentError) as caught:
        read_article(path, SITE)
    assert f"{path}{message}" in "\n".join(caught.value.problems)


def test_a_plain_text_image_alt_needs_an_image_line(tmp_path: Path) -> None:
    path = write(make_site(tmp_path), "a.txt", "date 2025-10-01 A\nimage_alt Hafen\n\nText.\n")
    with pytest.raises(ContentError) as caught:
        read_article(path, SITE)
    assert caught.value.problems[0].startswith(f"{path}:2: `image_alt` describes the lead image")


def test_the_summary_skips_a_first_paragraph_that_is_only_an_image(tmp_path: Path) -> None:
    path = write(make_site(tmp_path), "meldung.md", HEAD + "![Grafik](x.png)\n\nDer Vorspann.\n")
    (path.parent / "x.png").write_bytes(PNG)
    assert read_article(path, SITE, tmp_path / "content").summary == "Der Vorspann."

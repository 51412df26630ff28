"""The content reader: plain-text blocks, Markdown front matter, slugs, drafts, scheduling."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from feedgen_app.errors import ContentError
from feedgen_app.model import Author, Site, slugify
from feedgen_app.reading.content import is_subheading, read_article, read_articles

SITE = Site(
    title="T",
    base_url="https://example.org/",
    author=Author("Redaktion"),
    id_authority="example.org,2025",
)
SEED = REPO / "content" / "2025-10-08-amazon-mischt-gesundheitswesen-auf.txt"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_seed_article_is_read_with_title_date_lead_and_subheadings(tmp_path: Path) -> None:
    path = write(tmp_path, "2025-10-08-amazon-mischt-gesundheitswesen-auf.txt", SEED.read_bytes())
    article = read_article(path, SITE)
    assert article.title == "Amazon mischt Gesundheitswesen auf"
    assert article.slug == "amazon-mischt-gesundheitswesen-auf"
    assert article.published.isoformat() == "2025-10-08T00:00:00+02:00"
    assert article.summary.startswith("Amazon startet ab Dezember ein neues Gesundheitsmodell")
    assert article.summary.endswith("entscheiden könnte.")
    assert article.content_html.count("<h2>") == 3
    assert "<h2>Rezeptpflicht neu gedacht: Amazon greift Apothekenmarkt frontal an</h2>" in (
        article.content_html
    )
    assert "<h2>KI-Gigant im Wettrüsten: 30 Milliarden pro Quartal</h2>" in article.content_html
    assert article.content_html.count("<p>") == 9
    assert article.entry_id == "tag:example.org,2025:amazon-mischt-gesundheitswesen-auf"
    assert article.author == Author("Redaktion")


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Europäische Expansion: Milliarden fließen nach Belgien", True),
        ("Was bedeutet das?", False),
        ("Ein ganzer Satz.", False),
        ("Er sagte: „Wir machen weiter.“", False),
        ("Kurz und ohne Punkt", True),
        ("x" * 101, False),
    ],
)
def test_subheading_is_short_line_without_sentence_punctuation(line: str, heading: bool) -> None:
    assert is_subheading(line) is heading


def test_bom_and_crlf_give_the_same_article(tmp_path: Path) -> None:
    text = "date 08.10.2025 Titel\n\nErster Absatz.\nZwischentitel\nZweiter Absatz.\n"
    plain = read_article(write(tmp_path, "a/x.txt", text), SITE)
    windows = read_article(
        write(tmp_path, "b/x.txt", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()), SITE
    )
    assert replace(windows, source=plain.source) == plain


def test_plain_text_body_is_escaped(tmp_path: Path) -> None:
    article = read_article(
        write(
            tmp_path, "x.txt", "date 2025-10-08 A <b> & „B“\nText mit <script>alert(1)</script>.\n"
        ),
        SITE,
    )
    assert article.title == "A <b> & „B“"
    assert "&lt;script&gt;" in article.content_html and "<script>" not in article.content_html


def test_markdown_article_with_front_matter(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "2025-11-03-ignored.md",
        (
            "---\ntitle: Hallo\ndate: 2025-11-03T06:30\n"
            "author: {name: Jana, email: j@example.org}\n"
            "tags: [Wirtschaft]\nslug: hallo-welt\nlang: en\n---\n"
            "Erster *Absatz*.\n\n## Zwischentitel\n"
        ),
    )
    article = read_article(path, SITE)
    assert article.slug == "hallo-welt"
    assert article.summary == "Erster Absatz."
    assert article.content_html == "<p>Erster <em>Absatz</em>.</p>\n<h2>Zwischentitel</h2>\n"
    assert article.author == Author("Jana", "j@example.org")
    assert article.tags == ("Wirtschaft",)
    assert article.lang == "en"


def test_front_matter_date_is_read_from_its_text_not_yaml_timestamp(tmp_path: Path) -> None:
    path = write(tmp_path, "x.md", "---\ntitle: T\ndate: 2025-07-01 12:00\n---\nText.\n")
    assert read_article(path, SITE).published.isoformat() == "2025-07-01T12:00:00+02:00"


def test_unknown_front_matter_key_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x.md", "---\ntitle: T\ndate: 2025-07-01\ntilte: typo\n---\nText.\n")
    with pytest.raises(ContentError, match=r"x\.md:4: unknown front matter key 'tilte'"):
        read_article(path, SITE)


def test_drafts_and_scheduled_articles_are_left_out(tmp_path: Path) -> None:
    write(tmp_path, "jetzt.txt", "date 2025-10-08T06:00 Jetzt\nText.\n")
    write(tmp_path, "spaeter.txt", "date 2025-10-08T06:01 Später\nText.\n")
    write(tmp_path, "entwurf.md", "---\ntitle: E\ndate: 2025-01-01\ndraft: true\n---\nText.\n")
    report = read_articles(tmp_path, SITE)
    now = datetime(2025, 10, 8, 4, 0, tzinfo=UTC)  # 06:00 in Berlin
    assert [a.slug for a in report.published(now)] == ["jetzt"]
    assert [a.slug for a in report.scheduled(now)] == ["spaeter"]


def test_slug_derivation_strips_date_prefix_and_transliterates() -> None:
    assert slugify("Grüße aus München") == "gruesse-aus-muenchen"
    assert slugify("Straße & Café — Über Ärger!") == "strasse-cafe-ueber-aerger"


def test_slug_from_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "2025-10-08-Größe.txt", "date 2025-10-08 T\nText.\n")
    assert read_article(path, SITE).slug == "groesse"


def test_duplicate_slugs_are_refused_naming_both_files(tmp_path: Path) -> None:
    write(tmp_path, "2025-01-01-gleich.txt", "date 2025-01-01 A\nText.\n")
    write(tmp_path, "2025-02-01-gleich.txt", "date 2025-02-01 B\nText.\n")
    report = read_articles(tmp_path, SITE)
    assert len(report.articles) == 1
    assert len(report.problems) == 1
    assert "2025-02-01-gleich.txt:1: slug 'gleich' is already used by" in report.problems[0]
    assert "2025-01-01-gleich.txt" in report.problems[0]


def test_hidden_files_and_other_suffixes_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, ".entwurf.txt", "kaputt")
    write(tmp_path, ".git/x.txt", "kaputt")
    write(tmp_path, "notizen.rst", "kaputt")
    write(tmp_path, "ok.txt", "date 2025-01-01 A\nText.\n")
    report = read_articles(tmp_path, SITE)
    assert [a.slug for a in report.articles] == ["ok"] and report.problems == ()


def test_markdown_summary_never_contains_text_of_dropped_script(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "x.md",
        (
            "---\ntitle: T\ndate: 2025-07-01\n---\n"
            'Harmlos beginnt es.<script>alert("body")</script> Und &amp; weiter.\n'
        ),
    )
    article = read_article(path, SITE)
    assert article.summary == "Harmlos beginnt es. Und & weiter."
    assert "alert" not in article.content_html


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "https://example.org/a",
                "mailto:x@y.de",
                "x@y.de",
                "www.x.de",
                "Amazon.com",
                "Zitat:",
                ":",
                "@",
                "Text",
                " ",
                "\n",
                "ftp://x",
                "//host",
                "http:",
                "ä",
            ]
        ),
        max_size=12,
    )
)
def test_the_quick_linkify_check_finds_every_link_the_full_one_finds(parts: list[str]) -> None:
    """linkify-it's full search runs only on text with a `:` or an `@`; the HTML is the same
    as with the full search on every text."""
    from linkify_it import LinkifyIt

    from feedgen_app.reading import markup

    text = "".join(parts)
    full = markup.make_markdown()
    full.linkify = LinkifyIt().set({"fuzzy_link": False}).add("ftp:", None).add("//", None)
    assert markup.make_markdown().render(text) == full.render(text)

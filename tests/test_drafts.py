"""Drafts: never published by `build`; the `serve` preview publishes them, visibly marked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sitekit import build, make_site, write

from conftest import FIXED_NOW
from feedgen_app.commands.serve import PreviewOptions, build_preview
from feedgen_app.errors import ContentError
from feedgen_app.reading.config import load_site
from feedgen_app.reading.content import read_article
from feedgen_app.reading.dates import parse_date

DRAFT_NOTE = '<p class="draft-note" role="note">Entwurf – nicht veröffentlicht</p>'
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(32))


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    """A published article and two drafts (Markdown and plain text) with tags and links."""
    root = make_site(tmp_path)
    write(
        root,
        "2025-10-01-fertig.md",
        "---\ntitle: Fertige Meldung\ndate: 2025-10-01\ntags: [Wirtschaft]\n---\nVeröffentlicht.\n",
    )
    write(
        root,
        "2025-10-02-geheim.md",
        "---\ntitle: Geheimplan Zinswende\ndate: 2025-10-02\n"
        "draft: true\ntags: [Wirtschaft, Zinswende]\nimage: geheim.png\n---\n"
        "Geheimtext [fertig](2025-10-01-fertig.md).\n",
    )
    (root / "content" / "geheim.png").write_bytes(PNG)
    write(
        root,
        "2025-10-03-notiz.txt",
        "date 2025-10-03 Notiz Vorabfassung\ndraft\n"
        "tags Notizthema\n\nNotiztext, noch nicht fertig.\n",
    )
    return root


def test_a_plain_text_draft_line_makes_a_draft(drafts: Path) -> None:
    site = load_site(drafts / "feed.yaml")
    article = read_article(drafts / "content" / "2025-10-03-notiz.txt", site)
    assert article.draft and article.tags == ("Notizthema",)
    assert "draft" not in article.content_html


def test_a_draft_line_takes_no_value(tmp_path: Path) -> None:
    path = write(make_site(tmp_path), "a.txt", "date 2025-10-01 A\ndraft false\n\nText.\n")
    with pytest.raises(ContentError) as caught:
        read_article(path, load_site(tmp_path / "feed.yaml"))
    assert caught.value.problems == (
        f"{path}:2: `draft` stands alone on its line (got `draft false`); delete the line to "
        "publish the article",
    )


def test_build_publishes_no_trace_of_a_draft(drafts: Path) -> None:
    assert build(drafts) == 0
    public = drafts / "public"
    for path in public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js", ".txt"):
            text = path.read_text(encoding="utf-8")
            for trace in (
                "Geheimplan",
                "geheim/",
                "Geheimtext",
                "Zinswende",
                "zinswende",
                "Notiz",
                "notiz",
            ):
                assert trace not in text, (path, trace)
    assert not (public / "geheim").exists() and not (public / "notiz").exists()
    assert sorted(p.name for p in (public / "tags").iterdir()) == ["index.html", "wirtschaft"]


def preview(root: Path, out: Path) -> str:
    """Build the preview as `serve` does; its base URL."""
    url = "http://127.0.0.1:8123/"
    site = load_site(root / "feed.yaml")
    options = PreviewOptions(
        content_dir=root / "content",
        config=root / "feed.yaml",
        clock=lambda _site: parse_date(FIXED_NOW, site.tz),
        live_clock=False,
    )
    outcome = build_preview(options, out, url)
    assert outcome.ok, outcome.problems
    assert (outcome.published, outcome.drafts) == (3, 2)
    return url


def test_the_preview_shows_drafts_marked_on_page_index_and_tag_page(
    drafts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "preview" / "site"
    url = preview(drafts, out)
    page = (out / "geheim" / "index.html").read_text(encoding="utf-8")
    assert page.count(DRAFT_NOTE) == 1
    assert f'<img src="{url}geheim.png" alt="">' in page
    assert (out / "notiz" / "index.html").read_text(encoding="utf-8").count(DRAFT_NOTE) == 1
    assert DRAFT_NOTE not in (out / "fertig" / "index.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    teasers = index.split('<article class="teaser"')[1:]
    assert [DRAFT_NOTE in teaser for teaser in teasers] == [True, True, False]
    assert DRAFT_NOTE in (out / "tags" / "zinswende" / "index.html").read_text(encoding="utf-8")


def test_publishing_a_draft_in_the_preview_removes_its_marker(drafts: Path, tmp_path: Path) -> None:
    out = tmp_path / "preview" / "site"
    preview(drafts, out)
    notiz = drafts / "content" / "2025-10-03-notiz.txt"
    notiz.write_text(notiz.read_text(encoding="utf-8").replace("draft\n", ""), encoding="utf-8")
    site = load_site(drafts / "feed.yaml")
    options = PreviewOptions(
        content_dir=drafts / "content",
        config=drafts / "feed.yaml",
        clock=lambda _site: parse_date(FIXED_NOW, site.tz),
        live_clock=False,
    )
    outcome = build_preview(options, out, "http://127.0.0.1:8123/")
    assert (outcome.published, outcome.drafts) == (3, 1)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count(DRAFT_NOTE) == 1
    assert DRAFT_NOTE not in (out / "notiz" / "index.html").read_text(encoding="utf-8")


def test_the_same_content_built_for_real_afterwards_has_no_draft(
    drafts: Path, tmp_path: Path
) -> None:
    preview(drafts, tmp_path / "preview" / "site")
    assert build(drafts) == 0
    index = (drafts / "public" / "index.html").read_text(encoding="utf-8")
    assert "draft-note" not in index and "Geheimplan" not in index


def test_a_future_draft_waits_for_its_date_in_the_preview_too(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write(root, "spaeter.md", "---\ntitle: Später\ndate: 2030-01-01\ndraft: true\n---\nText.\n")
    site = load_site(root / "feed.yaml")
    now: datetime = parse_date(FIXED_NOW, site.tz)
    options = PreviewOptions(
        content_dir=root / "content",
        config=root / "feed.yaml",
        clock=lambda _site: now,
        live_clock=False,
    )
    outcome = build_preview(options, tmp_path / "preview" / "site", "http://127.0.0.1:8123/")
    assert (outcome.published, outcome.scheduled, outcome.drafts) == (0, 1, 0)

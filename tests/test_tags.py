"""Tags: categories in every format, one set of feeds and a page per tag under tags/<slug>/."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from sitekit import (
    ATOM,
    BASE_URL,
    FH,
    atom,
    atom_ids,
    build,
    entry_id,
    json_feed,
    json_ids,
    make_site,
    rss_ids,
    write,
)

from conftest import validate_atom, validate_json_feed


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    root = make_site(tmp_path, feed_limit=2)
    write(
        root,
        "2025-10-01-zinsen.md",
        "---\ntitle: Zinsen steigen\ndate: 2025-10-01\n"
        "tags: [Wirtschaft, Künstliche Intelligenz]\n---\nText.\n",
    )
    write(
        root,
        "2025-10-02-chips.md",
        "---\ntitle: Chips\ndate: 2025-10-02\ntags: [künstliche intelligenz]\n---\nText.\n",
    )
    write(
        root,
        "2025-10-03-wetter.txt",
        "date 2025-10-03 Wetter\ntags Wetter, Künstliche Intelligenz\n\nSonne satt.\n",
    )
    write(root, "2025-10-04-ohne.md", "---\ntitle: Ohne Thema\ndate: 2025-10-04\n---\nText.\n")
    write(
        root,
        "2025-10-05-entwurf.md",
        "---\ntitle: Entwurf\ndate: 2025-10-05\ndraft: true\ntags: [Geheim]\n---\nText.\n",
    )
    assert build(root) == 0
    return root


def test_each_tag_feed_contains_exactly_the_tagged_articles(tagged: Path) -> None:
    tags = tagged / "public" / "tags"
    assert sorted(p.name for p in tags.iterdir() if p.is_dir()) == [
        "kuenstliche-intelligenz",
        "wetter",
        "wirtschaft",
    ]
    wirtschaft = tags / "wirtschaft"
    assert atom_ids(atom(wirtschaft / "atom.xml")) == [entry_id("zinsen")]
    assert rss_ids(atom(wirtschaft / "rss.xml")) == [entry_id("zinsen")]
    assert json_ids(json_feed(wirtschaft / "feed.json")) == [entry_id("zinsen")]
    assert json_ids(json_feed(tags / "wetter" / "feed.json")) == [entry_id("wetter")]


def test_spellings_with_one_slug_are_one_tag_capped_at_the_feed_limit(tagged: Path) -> None:
    ki = tagged / "public" / "tags" / "kuenstliche-intelligenz"
    newest_two = [entry_id("wetter"), entry_id("chips")]
    assert atom_ids(atom(ki / "atom.xml")) == newest_two
    assert json_ids(json_feed(ki / "feed.json")) == newest_two
    assert atom(ki / "atom.xml").find(f"{FH}complete") is None  # three tagged, limit two
    assert (
        atom(tagged / "public" / "tags" / "wetter" / "atom.xml").find(f"{FH}complete") is not None
    )
    page = (ki / "index.html").read_text(encoding="utf-8")
    assert "Thema: Künstliche Intelligenz" in page  # the spelling most articles use
    for slug in ("zinsen", "chips", "wetter"):
        assert f'href="{BASE_URL}{slug}/"' in page
    assert f'href="{BASE_URL}ohne/"' not in page


def test_tag_feeds_have_their_own_identity_and_pass_the_validators(tagged: Path) -> None:
    folder = tagged / "public" / "tags" / "wirtschaft"
    doc = atom(folder / "atom.xml")
    assert doc.findtext(f"{ATOM}id") == "tag:example.org,2025:feed/tags/wirtschaft/"
    assert doc.findtext(f"{ATOM}title") == "Testseite – Wirtschaft"
    alternate = [
        link.get("href") for link in doc.findall(f"{ATOM}link") if link.get("rel") == "alternate"
    ]
    assert alternate == [BASE_URL + "tags/wirtschaft/"]
    validate_atom(folder / "atom.xml")
    validate_json_feed(folder / "feed.json")
    parsed = feedparser.parse((folder / "rss.xml").read_bytes())
    assert not parsed.bozo and parsed.feed.link == BASE_URL + "tags/wirtschaft/"


def test_tags_are_categories_in_atom_and_rss_and_tags_in_json(tagged: Path) -> None:
    public = tagged / "public"
    entry = next(
        e
        for e in atom(public / "atom.xml").iter(f"{ATOM}entry")
        if e.findtext(f"{ATOM}id") == entry_id("wetter")
    )
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        "Wetter",
        "Künstliche Intelligenz",
    ]
    item = next(
        i for i in atom(public / "rss.xml").iter("item") if i.findtext("guid") == entry_id("wetter")
    )
    assert [c.text for c in item.findall("category")] == ["Wetter", "Künstliche Intelligenz"]
    json_item = next(
        i for i in json_feed(public / "feed.json")["items"] if i["id"] == entry_id("wetter")
    )
    assert json_item["tags"] == ["Wetter", "Künstliche Intelligenz"]


def test_articles_the_index_and_the_tag_overview_link_the_tag_pages(tagged: Path) -> None:
    public = tagged / "public"
    article = (public / "zinsen" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{BASE_URL}tags/wirtschaft/" rel="tag">Wirtschaft</a>' in article
    index = (public / "index.html").read_text(encoding="utf-8")
    assert f'href="{BASE_URL}tags/kuenstliche-intelligenz/"' in index
    assert f'href="{BASE_URL}tags/"' in index
    overview = (public / "tags" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{BASE_URL}tags/wetter/" rel="tag">Wetter</a> (1)' in overview
    assert "Künstliche Intelligenz</a> (3)" in overview
    tag_page = (public / "tags" / "wetter" / "index.html").read_text(encoding="utf-8")
    assert (
        f'type="application/atom+xml" title="Testseite – Wetter (Atom)" '
        f'href="{BASE_URL}tags/wetter/atom.xml"' in tag_page
    )


def test_drafts_make_no_tag_pages_and_untagged_sites_no_tags_folder(
    tagged: Path, tmp_path: Path
) -> None:
    assert not (tagged / "public" / "tags" / "geheim").exists()
    root = make_site(tmp_path / "plain")
    write(root, "a.txt", "date 2025-10-01 Ohne\n\nText.\n")
    assert build(root) == 0
    assert not (root / "public" / "tags").exists()
    assert "Alle Themen" not in (root / "public" / "index.html").read_text(encoding="utf-8")


def test_a_tag_without_letters_or_digits_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(tmp_path)
    path = write(root, "a.md", '---\ntitle: A\ndate: 2025-10-01\ntags: ["🎉"]\n---\nText.\n')
    assert build(root) == 1
    assert f"{path}:4: tag '🎉' has no letters or digits" in capsys.readouterr().err

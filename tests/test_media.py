"""Media: files beside the articles are copied; `image:` is the lead image and the enclosure."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from sitekit import ATOM, BASE_URL, atom, build, json_feed, make_site, write

from conftest import validate_atom, validate_json_feed

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def media_site(tmp_path: Path) -> Path:
    root = make_site(tmp_path)
    write(
        root,
        "2025/2025-10-01-zinsen.md",
        "---\ntitle: Zinsen\ndate: 2025-10-01\nimage: bilder/zins kurve.png\n---\nText.\n",
    )
    folder = root / "content" / "2025" / "bilder"
    folder.mkdir(parents=True)
    (folder / "zins kurve.png").write_bytes(PNG)
    (root / "content" / "2025" / "bericht.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (root / "content" / ".versteckt.png").write_bytes(PNG)
    assert build(root) == 0
    return root


def test_media_files_are_copied_with_their_content_paths(media_site: Path) -> None:
    public = media_site / "public"
    assert (public / "2025" / "bilder" / "zins kurve.png").read_bytes() == PNG
    assert (public / "2025" / "bericht.pdf").read_bytes() == b"%PDF-1.4\n%%EOF\n"
    assert not (public / ".versteckt.png").exists()


def test_the_lead_image_is_an_atom_enclosure_with_length_and_type(media_site: Path) -> None:
    entry = atom(media_site / "public" / "atom.xml").find(f"{ATOM}entry")
    enclosures = [
        link.attrib for link in entry.findall(f"{ATOM}link") if link.get("rel") == "enclosure"
    ]
    assert enclosures == [
        {
            "href": f"{BASE_URL}2025/bilder/zins%20kurve.png",
            "rel": "enclosure",
            "type": "image/png",
            "length": str(len(PNG)),
        }
    ]
    validate_atom(media_site / "public" / "atom.xml")


def test_the_lead_image_is_an_rss_enclosure_and_the_json_image(media_site: Path) -> None:
    public = media_site / "public"
    item = atom(public / "rss.xml").find("channel").find("item")
    assert item.find("enclosure").attrib == {
        "url": f"{BASE_URL}2025/bilder/zins%20kurve.png",
        "length": str(len(PNG)),
        "type": "image/png",
    }
    parsed = feedparser.parse((public / "rss.xml").read_bytes())
    assert not parsed.bozo and parsed.entries[0].enclosures[0].type == "image/png"
    item_json = json_feed(public / "feed.json")["items"][0]
    assert item_json["image"] == f"{BASE_URL}2025/bilder/zins%20kurve.png"
    validate_json_feed(public / "feed.json")


def test_the_lead_image_heads_the_article_page(media_site: Path) -> None:
    page = (media_site / "public" / "zinsen" / "index.html").read_text(encoding="utf-8")
    assert (
        f'<figure class="lead-image"><img src="{BASE_URL}2025/bilder/zins%20kurve.png" '
        'alt=""></figure>'
    ) in page


def test_a_plain_text_article_names_its_image_in_a_header_line(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    write(root, "a.txt", "date 2025-10-01 A\nimage a.png\n\nText.\n")
    (root / "content" / "a.png").write_bytes(PNG)
    assert build(root) == 0
    assert json_feed(root / "public" / "feed.json")["items"][0]["image"] == BASE_URL + "a.png"


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("fehlt.jpg", ":4: image 'fehlt.jpg' not found: expected the file "),
        ("bericht.pdf", ":4: image 'bericht.pdf' is not an image file"),
        ("../../aussen.png", ":4: image '../../aussen.png' is outside the content folder"),
        ("https://example.com/x.png", ":4: image 'https://example.com/x.png' must be a file path"),
    ],
)
def test_a_bad_image_is_an_error_naming_the_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], image: str, message: str
) -> None:
    root = make_site(tmp_path)
    (root / "content" / "bericht.pdf").write_bytes(b"%PDF")
    (tmp_path / "aussen.png").write_bytes(PNG)
    path = write(root, "a.md", f"---\ntitle: A\ndate: 2025-10-01\nimage: {image}\n---\nText.\n")
    assert build(root) == 1
    assert f"{path}{message}" in capsys.readouterr().err
    assert not (root / "public").exists()


def test_a_media_file_may_not_replace_a_generated_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(tmp_path)
    write(root, "a.txt", "date 2025-10-01 A\n\nText.\n")
    (root / "content" / "atom.xml").write_text("<feed/>", encoding="utf-8")
    assert build(root) == 1
    assert (
        "atom.xml:1: the media file atom.xml in the content folder would replace the "
        "generated file" in capsys.readouterr().err
    )

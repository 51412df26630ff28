"""`feedgen-app check`: clean on every site the build writes, and finds each planted defect."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.checking.atom import check_atom
from feedgen_app.checking.jsonfeed import check_json
from feedgen_app.checking.report import is_rfc822, is_rfc3339
from feedgen_app.checking.rss import check_rss
from feedgen_app.checking.site import check_feed, check_site, group_alternates
from feedgen_app.commands.cli import main
from feedgen_app.formats import is_language_tag

SCENARIOS = sorted(p.name for p in CASES.iterdir() if (p / "content").is_dir())


def build(case: str, out: Path) -> Path:
    code = main(
        [
            "build",
            "--content",
            str(CASES / case / "content"),
            "--config",
            str(CASES / case / "feed.yaml"),
            "--out",
            str(out),
            "--now",
            FIXED_NOW,
        ]
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The markdown scenario built once: several entries, tags, another language."""
    return build("markdown", tmp_path_factory.mktemp("good") / "public")


@pytest.fixture
def site(good_site: Path, tmp_path: Path) -> Path:
    """A private copy of the good site, to corrupt."""
    copy = tmp_path / "public"
    shutil.copytree(good_site, copy)
    return copy


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def findings_about(site_dir: Path, needle: str) -> list[str]:
    return [f for f in check_site(site_dir) if needle in f]


@pytest.mark.parametrize("case", SCENARIOS)
def test_every_scenario_build_passes_check(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = build(case, tmp_path / "public")
    capsys.readouterr()
    assert check_site(out) == []
    assert main(["check", str(out)]) == 0
    assert "no findings" in capsys.readouterr().out


@pytest.mark.parametrize("case", SCENARIOS)
def test_every_golden_site_passes_check(case: str) -> None:
    assert check_site(CASES / case / "expected") == []


def test_the_bundled_seed_site_passes_check(tmp_path: Path) -> None:
    repo = CASES.parent.parent
    out = tmp_path / "public"
    assert (
        main(
            [
                "build",
                "--content",
                str(repo / "content"),
                "--config",
                str(repo / "feed.yaml"),
                "--out",
                str(out),
                "--now",
                FIXED_NOW,
            ]
        )
        == 0
    )
    assert check_site(out) == []


def test_check_reports_findings_as_file_colon_message_and_exits_1(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(site / "atom.xml", 'xml:lang="de-DE"', 'xml:lang="de_DE"')
    capsys.readouterr()
    assert main(["check", str(site)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines and all(line.startswith(f"{site}/") for line in lines)
    assert f"{site}/atom.xml:2: xml:lang 'de_DE' is not a valid BCP 47 language tag" in lines[0]
    assert "1 finding" in captured.err


def test_check_of_a_missing_folder_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "nowhere")]) == 1
    assert "not a folder" in capsys.readouterr().out


def test_check_of_a_folder_without_feeds_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>hi</p>", encoding="utf-8")
    assert any("no feed found" in f for f in check_site(tmp_path))


# --- planted defects -------------------------------------------------------------------------


def test_wrong_atom_date_format_is_found(site: Path) -> None:
    atom = site / "atom.xml"
    text = atom.read_text(encoding="utf-8")
    first = text.split("<updated>", 2)[2].split("</updated>")[0]
    edit(atom, f"<updated>{first}</updated>", "<updated>3. November 2025</updated>")
    found = findings_about(site, "is not an RFC 3339 date-time")
    assert len(found) == 1 and found[0].startswith(f"{site}/atom.xml:")


def test_wrong_rss_date_format_is_found(site: Path) -> None:
    rss = site / "rss.xml"
    text = rss.read_text(encoding="utf-8")
    first = text.split("<pubDate>", 1)[1].split("</pubDate>")[0]
    edit(rss, f"<pubDate>{first}</pubDate>", "<pubDate>2025-11-03T06:30:00+01:00</pubDate>")
    assert findings_about(site, "is not an RFC 822 date")


def test_german_day_names_in_rss_dates_are_found(site: Path) -> None:
    rss = site / "rss.xml"
    text = rss.read_text(encoding="utf-8")
    first = text.split("<pubDate>", 1)[1].split("</pubDate>")[0]
    edit(rss, f"<pubDate>{first}", f"<pubDate>Mo{first[3:]}")
    assert findings_about(site, "is not an RFC 822 date")


def test_wrong_json_date_format_is_found(site: Path) -> None:
    feed = site / "feed.json"
    document = json.loads(feed.read_text(encoding="utf-8"))
    document["items"][0]["date_published"] = "03.11.2025"
    feed.write_text(json.dumps(document), encoding="utf-8")
    assert findings_about(site, "items[0]: date_published '03.11.2025' is not an RFC 3339")


def test_missing_atom_entry_id_is_found(site: Path) -> None:
    atom = site / "atom.xml"
    text = atom.read_text(encoding="utf-8")
    entry_id = text.split("<entry>", 1)[1].split("<id>", 1)[1].split("</id>")[0]
    edit(atom, f"<id>{entry_id}</id>", "")
    assert findings_about(site, "<entry> must have exactly one <id> (found 0)")
    # ... and the feeds no longer carry the same entries
    assert findings_about(site, "does not carry the same entries")


def test_missing_json_item_id_is_found(site: Path) -> None:
    feed = site / "feed.json"
    document = json.loads(feed.read_text(encoding="utf-8"))
    del document["items"][1]["id"]
    feed.write_text(json.dumps(document), encoding="utf-8")
    assert findings_about(site, "feed.json: items[1]: id is missing")


def test_duplicate_guid_is_found(site: Path) -> None:
    rss = site / "rss.xml"
    text = rss.read_text(encoding="utf-8")
    guids = [part.split(">", 1)[1].split("</guid>")[0] for part in text.split("<guid")[1:]]
    assert len(guids) >= 2
    edit(rss, f">{guids[1]}</guid>", f">{guids[0]}</guid>")
    found = findings_about(site, f"guid {guids[0]!r} is already used by the item on line")
    assert len(found) == 1 and found[0].startswith(f"{site}/rss.xml:")


def test_duplicate_atom_entry_id_is_found(site: Path) -> None:
    atom = site / "atom.xml"
    text = atom.read_text(encoding="utf-8")
    ids = [part.split("</id>")[0] for part in text.split("<entry>\n    <id>")[1:]]
    edit(atom, f"<id>{ids[1]}</id>", f"<id>{ids[0]}</id>")
    assert findings_about(site, "ids must be unique")


def test_broken_link_is_found(site: Path) -> None:
    pages = sorted(
        p
        for p in site.iterdir()
        if p.is_dir()
        and (p / "index.html").is_file()
        and p.name not in ("tags", "archive", "static")
    )
    shutil.rmtree(pages[0])
    found = findings_about(site, f"does not resolve to a page in the site (no {pages[0].name}/")
    # Atom, RSS and JSON Feed each link to the missing page
    assert {f.split(":")[0] for f in found} >= {
        f"{site}/atom.xml",
        f"{site}/rss.xml",
        f"{site}/feed.json",
    }


def test_entry_link_outside_the_site_is_found(site: Path) -> None:
    feed = site / "feed.json"
    document = json.loads(feed.read_text(encoding="utf-8"))
    document["items"][0]["url"] = "https://elsewhere.example/x/"
    feed.write_text(json.dumps(document), encoding="utf-8")
    assert findings_about(site, "does not point into the site")
    assert findings_about(site, "links to ['https://elsewhere.example/x/']")


def test_ill_formed_xml_is_found(site: Path) -> None:
    atom = site / "atom.xml"
    atom.write_bytes(atom.read_bytes()[:-40])
    found = findings_about(site, "not well-formed XML")
    assert found and found[0].startswith(f"{site}/atom.xml:")


def test_forbidden_control_character_makes_xml_ill_formed(site: Path) -> None:
    edit(site / "rss.xml", "<title>", "<title>\x01", count=1)
    assert findings_about(site, "rss.xml:") and findings_about(site, "not well-formed XML")


def test_ill_formed_json_is_found(site: Path) -> None:
    (site / "feed.json").write_text('{"version": ', encoding="utf-8")
    assert findings_about(site, "feed.json:1: not valid JSON")


def test_wrong_language_tag_is_found(site: Path) -> None:
    edit(site / "rss.xml", "<language>de-DE</language>", "<language>deutsch</language>")
    feed = site / "feed.json"
    document = json.loads(feed.read_text(encoding="utf-8"))
    document["language"] = "de_DE"
    feed.write_text(json.dumps(document), encoding="utf-8")
    assert findings_about(site, "<language> 'deutsch' is not a valid BCP 47 language tag")
    assert findings_about(site, "feed.json: language 'de_DE' is not a valid BCP 47")


def test_missing_entry_in_one_feed_is_found(site: Path) -> None:
    feed = site / "feed.json"
    document = json.loads(feed.read_text(encoding="utf-8"))
    dropped = document["items"].pop()
    feed.write_text(json.dumps(document), encoding="utf-8")
    found = findings_about(site, "does not carry the same entries")
    assert found and dropped["id"] in " ".join(found)


def test_entries_in_another_order_are_found(site: Path) -> None:
    feed = site / "feed.json"
    document = json.loads(feed.read_text(encoding="utf-8"))
    document["items"].reverse()
    feed.write_text(json.dumps(document), encoding="utf-8")
    assert findings_about(site, "another order")


def test_self_link_that_is_not_the_file_is_found(site: Path) -> None:
    edit(site / "rss.xml", 'rss.xml" rel="self"', 'feed.rss" rel="self"')
    assert findings_about(site, "does not match the file's place in the site")


def test_missing_rss_self_link_is_found(site: Path) -> None:
    rss = site / "rss.xml"
    lines = rss.read_text(encoding="utf-8").splitlines(keepends=True)
    rss.write_text("".join(line for line in lines if 'rel="self"' not in line), encoding="utf-8")
    assert findings_about(site, 'has no <atom:link rel="self">')


def test_missing_required_rss_channel_element_is_found(site: Path) -> None:
    rss = site / "rss.xml"
    text = rss.read_text(encoding="utf-8")
    description = text.split("<description>", 1)[1].split("</description>")[0]
    edit(rss, f"<description>{description}</description>", "")
    assert findings_about(site, "<channel> must have exactly one <description> (found 0)")


def test_second_alternate_link_of_one_type_is_found(site: Path) -> None:
    edit(
        site / "atom.xml",
        'rel="alternate" type="text/html"/>',
        'rel="alternate" type="text/html"/>\n<link href="https://x.example/" '
        'rel="alternate" type="text/html"/>',
    )
    assert findings_about(site, "allows one per type and language")


def test_relative_link_is_found(site: Path) -> None:
    edit(
        site / "atom.xml",
        'rel="alternate" type="text/html"/>',
        'rel="alternate" type="text/html"/>\n<link href="../x" rel="related"/>',
    )
    assert findings_about(site, "href '../x' is not an absolute IRI")


# --- the functions on their own --------------------------------------------------------------

ATOM_OK = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de-DE">
  <id>tag:example.org,2025:feed/</id><title>T</title><updated>2025-10-08T06:30:00Z</updated>
  <author><name>R</name></author>
  <link href="https://example.org/atom.xml" rel="self"/>
  <entry><id>tag:example.org,2025:a</id><title>A</title>
    <updated>2025-10-08T06:30:00+02:00</updated>
    <link href="https://example.org/a/"/></entry>
</feed>
"""


def test_check_atom_accepts_a_minimal_valid_feed_from_bytes() -> None:
    report = check_atom(ATOM_OK, "x.xml")
    assert report.findings == () and report.ok
    assert [e.id for e in report.entries] == ["tag:example.org,2025:a"]
    assert report.self_url == "https://example.org/atom.xml"


def test_check_atom_reads_a_path(tmp_path: Path) -> None:
    path = tmp_path / "atom.xml"
    path.write_bytes(ATOM_OK)
    assert check_atom(path).ok


def test_an_entry_without_author_needs_a_feed_author() -> None:
    data = ATOM_OK.replace(b"<author><name>R</name></author>", b"")
    assert any("has no <author>" in f for f in check_atom(data, "x.xml").findings)


def test_a_doctype_is_refused_so_entity_bombs_cannot_expand() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><feed>&b;</feed>'
    )
    findings = check_atom(bomb, "bomb.xml").findings
    assert findings == ("bomb.xml:1: not well-formed XML: a DOCTYPE is not allowed in a feed",)


def test_the_wrong_root_element_is_named() -> None:
    assert "expected Atom <feed>" in check_atom(b"<rss version='2.0'/>", "a.xml").findings[0]
    assert "expected <rss>" in check_rss(ATOM_OK, "r.xml").findings[0]


def test_check_json_needs_version_1_1_and_item_content() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1",
        "title": "T",
        "items": [{"id": "x", "url": "https://example.org/x/"}],
        "feed_url": "https://example.org/feed.json",
        "extra": 1,
    }
    findings = check_json(json.dumps(document).encode(), "f.json").findings
    assert any("expected 'https://jsonfeed.org/version/1.1'" in f for f in findings)
    assert any("needs content_html or content_text" in f for f in findings)
    assert any("unknown key 'extra'" in f for f in findings)


def test_check_feed_skips_documents_that_are_not_feeds() -> None:
    assert check_feed(b"<urlset/>", "sitemap.xml") is None
    assert check_feed(b'{"a": 1}', "data.json") is None
    report = check_feed(ATOM_OK, "atom.xml")
    assert report is not None and report.kind == "atom"


def test_alternates_are_grouped_by_folder_and_name() -> None:
    names = [
        "atom.xml",
        "rss.xml",
        "feed.json",
        "archive/2025-10.xml",
        "archive/2025-10.rss.xml",
        "archive/2025-10.json",
        "archive/2025-11.xml",
        "tags/ki/atom.xml",
        "tags/ki/feed.json",
    ]
    assert sorted(map(sorted, group_alternates(names))) == [
        ["archive/2025-10.json", "archive/2025-10.rss.xml", "archive/2025-10.xml"],
        ["atom.xml", "feed.json", "rss.xml"],
        ["tags/ki/atom.xml", "tags/ki/feed.json"],
    ]


@pytest.mark.parametrize(
    "tag",
    [
        "de",
        "de-DE",
        "en",
        "de-AT",
        "zh-Hant-TW",
        "es-419",
        "de-CH-1901",
        "x-private",
        "i-default",
        "sr-Latn-RS",
    ],
)
def test_valid_language_tags(tag: str) -> None:
    assert is_language_tag(tag)


@pytest.mark.parametrize(
    "tag", ["", "de_DE", "deutsch", "german", "d", "de-", "de--DE", "de-DE-", "1de"]
)
def test_invalid_language_tags(tag: str) -> None:
    assert not is_language_tag(tag)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2025-10-08T06:30:00+02:00", True),
        ("2025-10-08T06:30:00Z", True),
        ("2025-10-08T06:30:00.123Z", True),
        ("2025-10-08", False),
        ("2025-10-08T06:30+02:00", False),
        ("2025-10-08t06:30:00z", False),
        ("2025-02-30T06:30:00Z", False),
        ("2025-10-08 06:30:00Z", False),
    ],
)
def test_rfc3339_dates(value: str, ok: bool) -> None:
    assert is_rfc3339(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("Wed, 08 Oct 2025 06:30:00 +0200", True),
        ("08 Oct 2025 06:30:00 GMT", True),
        ("Thu, 08 Oct 2025 06:30:00 +0200", False),
        ("Mi, 08 Okt 2025 06:30:00 +0200", False),
        ("Wed, 08 Oct 25 06:30:00 +0200", False),
        ("2025-10-08T06:30:00+02:00", False),
        ("Wed, 31 Feb 2025 06:30:00 +0200", False),
    ],
)
def test_rfc822_dates(value: str, ok: bool) -> None:
    assert is_rfc822(value) is ok

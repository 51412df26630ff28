"""`new` and `list`: German slugs, refusals, files that build; statuses, order and --json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.commands.cli import current_time, main
from feedgen_app.reading.config import load_site
from feedgen_app.reading.content import read_article
from feedgen_app.reading.dates import parse_date

CONFIG = CASES / "markdown" / "feed.yaml"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An empty content folder beside a copy of the markdown case's feed.yaml."""
    (tmp_path / "content").mkdir()
    shutil.copy(CONFIG, tmp_path / "feed.yaml")
    return tmp_path


def new(site: Path, *argv: str) -> int:
    return main(
        ["new", *argv, "--content", str(site / "content"), "--config", str(site / "feed.yaml")]
    )


def build(site: Path, now: str = FIXED_NOW) -> int:
    return main(
        [
            "build",
            "--content",
            str(site / "content"),
            "--config",
            str(site / "feed.yaml"),
            "--out",
            str(site / "public"),
            "--now",
            now,
        ]
    )


def created(capsys: pytest.CaptureFixture[str]) -> Path:
    """The path `new` printed (its first stdout line)."""
    return Path(capsys.readouterr().out.splitlines()[0])


# --- new: slugs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Grüße aus München", "gruesse-aus-muenchen"),
        ("Ärger über Öl und Übermut", "aerger-ueber-oel-und-uebermut"),
        ("STRASSE, Straße und Maß", "strasse-strasse-und-mass"),
        ("Café crème à la française", "cafe-creme-a-la-francaise"),
        ("„Die Inflation sinkt“ – 2,1 % im November!", "die-inflation-sinkt-2-1-im-november"),
        ("  Łódź & Søren: Ein Besuch  ", "odz-sren-ein-besuch"),
    ],
)
def test_new_derives_the_slug_from_a_german_title(
    site: Path, title: str, slug: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, title, "--date", "2025-12-09") == 0
    path = created(capsys)
    assert path == site / "content" / f"2025-12-09-{slug}.txt"
    assert path.read_text(encoding="utf-8").startswith(f"date 2025-12-09 {title.strip()}\n")


def test_new_uses_todays_date_by_default(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(site, "Heute") == 0
    today = current_time(None, load_site(site / "feed.yaml")).date()
    assert created(capsys).name == f"{today.isoformat()}-heute.txt"


@pytest.mark.parametrize(
    ("raw", "name", "line"),
    [
        ("9. Dezember 2025, 06:00 Uhr", "2025-12-09-zins.txt", "date 2025-12-09T06:00 Zins"),
        ("09.12.2025", "2025-12-09-zins.txt", "date 2025-12-09 Zins"),
        ("9.12.2025 06:00", "2025-12-09-zins.txt", "date 2025-12-09T06:00 Zins"),
        # the second 02:30 of the autumn DST change keeps its offset, or it would mean the first
        ("2025-10-26T02:30+01:00", "2025-10-26-zins.txt", "date 2025-10-26T02:30+01:00 Zins"),
    ],
)
def test_new_accepts_german_dates(
    site: Path, raw: str, name: str, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "Zins", "--date", raw) == 0
    path = created(capsys)
    assert path.name == name
    assert path.read_text(encoding="utf-8").splitlines()[0] == line
    article = read_article(path, load_site(site / "feed.yaml"))
    expected = parse_date(raw, load_site(site / "feed.yaml").tz)
    assert article.published.timestamp() == expected.timestamp()


def test_new_with_a_bad_date_is_a_usage_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "Zins", "--date", "32.13.2025") == 2
    assert "--date" in capsys.readouterr().err
    assert list((site / "content").iterdir()) == []


def test_new_refuses_a_title_without_letters(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "!!! ???") == 1
    assert "gives no slug" in capsys.readouterr().err
    assert list((site / "content").iterdir()) == []


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "the title is empty"),
        ("Zeile eins\nZeile zwei", "the title must be one line"),
        ("Glocke\x07", "control character"),
    ],
)
def test_new_refuses_unusable_titles(
    site: Path, title: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, title) == 1
    assert message in capsys.readouterr().err
    assert list((site / "content").iterdir()) == []


# --- new: refusals -----------------------------------------------------------------------------


def test_new_refuses_to_overwrite_an_existing_article(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "Grüße aus München", "--date", "2025-12-09") == 0
    path = created(capsys)
    path.write_text("date 2025-12-09 Grüße aus München\nMein Text.\n", encoding="utf-8")
    assert new(site, "Grüße aus München", "--date", "2025-12-09") == 1
    err = capsys.readouterr().err
    assert f"{path}:1: slug 'gruesse-aus-muenchen' is already used" in err
    assert path.read_text(encoding="utf-8") == "date 2025-12-09 Grüße aus München\nMein Text.\n"


def test_new_refuses_a_slug_used_on_another_day(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = site / "content" / "2025-10-08-gruesse-aus-muenchen.txt"
    old.write_text("date 2025-10-08 Alt\nAlter Text.\n", encoding="utf-8")
    assert new(site, "Grüße aus München", "--date", "2025-12-09") == 1
    assert f"{old}:1: slug 'gruesse-aus-muenchen' is already used" in capsys.readouterr().err
    assert sorted(p.name for p in (site / "content").iterdir()) == [old.name]


def test_new_refuses_a_slug_set_in_front_matter(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = site / "content" / "anders.md"
    other.write_text(
        "---\ntitle: Anders\ndate: 2025-10-08\nslug: zins\n---\nText.\n", encoding="utf-8"
    )
    assert new(site, "Zins", "--date", "2025-12-09") == 1
    assert "slug 'zins' is already used" in capsys.readouterr().err


def test_new_refuses_the_slug_of_a_broken_article(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "content" / "2025-10-08-zins.txt").write_text("kein Datum\n", encoding="utf-8")
    assert new(site, "Zins") == 1
    assert "slug 'zins' is already used" in capsys.readouterr().err


def test_new_refuses_an_existing_file_even_with_another_slug(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the file's own name gives slug "zins", but its front matter moved it to "anders"
    taken = site / "content" / "2025-12-09-zins.md"
    text = "---\ntitle: Zins\ndate: 2025-12-09\nslug: anders\n---\nText.\n"
    taken.write_text(text, encoding="utf-8")
    assert new(site, "Zins", "--date", "2025-12-09", "--format", "md") == 1
    assert "already" in capsys.readouterr().err
    assert taken.read_text(encoding="utf-8") == text


# --- new: the file builds ----------------------------------------------------------------------


def test_a_new_plain_text_article_builds_and_is_published(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "Grüße aus München", "--date", "2025-12-09", "--ready") == 0
    created(capsys)
    assert build(site) == 0
    page = (site / "public" / "gruesse-aus-muenchen" / "index.html").read_text(encoding="utf-8")
    assert "Grüße aus München" in page
    feed = json.loads((site / "public" / "feed.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in feed["items"]] == ["Grüße aus München"]
    assert feed["items"][0]["summary"].startswith("Hier steht der Vorspann")


def test_a_new_markdown_article_with_tags_builds_when_due(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "Zinsentscheid: „Die EZB“ senkt",
        "--date",
        "9. Dezember 2025, 06:00 Uhr",
        "--format",
        "md",
        "--tags",
        "Wirtschaft, EZB",
        "--ready",
    ]
    assert new(site, *argv) == 0
    path = created(capsys)
    assert path.name == "2025-12-09-zinsentscheid-die-ezb-senkt.md"
    assert build(site, now="2025-12-09T05:59") == 0
    assert not (site / "public" / "zinsentscheid-die-ezb-senkt").exists()
    assert build(site, now="2025-12-09T06:00") == 0
    feed = json.loads((site / "public" / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["title"] == "Zinsentscheid: „Die EZB“ senkt"
    assert feed["items"][0]["tags"] == ["Wirtschaft", "EZB"]


def test_a_new_plain_text_article_keeps_its_tags(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "Zins", "--date", "2025-12-09", "--tags", "Wirtschaft,EZB") == 0
    article = read_article(created(capsys), load_site(site / "feed.yaml"))
    assert article.tags == ("Wirtschaft", "EZB")


def test_new_with_slug_option_names_the_file_and_builds(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        new(
            site,
            "Ein sehr langer Titel für eine Meldung",
            "--slug",
            "kurz",
            "--date",
            "2025-12-09",
            "--format",
            "md",
            "--ready",
        )
        == 0
    )
    assert created(capsys).name == "2025-12-09-kurz.md"
    assert build(site) == 0
    assert (site / "public" / "kurz" / "index.html").is_file()


# --- new: drafts by default --------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "marker"), [("txt", "draft"), ("md", "draft: true")])
@pytest.mark.german
def test_new_writes_a_draft_that_no_build_publishes(
    site: Path, fmt: str, marker: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        new(
            site,
            "Grüße aus München",
            "--date",
            "2025-12-09",
            "--format",
            fmt,
            "--tags",
            "Wirtschaft",
        )
        == 0
    )
    path = created(capsys)
    assert marker in path.read_text(encoding="utf-8").splitlines()[:5]
    capsys.readouterr()
    assert build(site) == 0
    assert not (site / "public" / "gruesse-aus-muenchen").exists()
    feed = json.loads((site / "public" / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"] == []
    assert not (site / "public" / "tags").exists()
    capsys.readouterr()
    assert run_list(site) == 0
    assert "Entwurf" in capsys.readouterr().out.splitlines()[1]


@pytest.mark.german
def test_new_says_the_draft_waits_for_its_draft_line(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "Zins", "--date", "2025-12-09") == 0
    captured = capsys.readouterr()
    assert "Neuer Entwurf datiert auf 9. Dezember 2025" in captured.err
    assert "erst, wenn die Zeile `draft` gelöscht ist" in captured.err
    path = Path(captured.out.splitlines()[0])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("date 2025-12-09 Zins\ndraft\n\nHier steht der Vorspann")
    path.write_text(text.replace("draft\n", "", 1), encoding="utf-8")
    assert build(site) == 0
    assert (site / "public" / "zins" / "index.html").is_file()


@pytest.mark.parametrize("fmt", ["txt", "md"])
@pytest.mark.german
def test_new_ready_writes_no_draft_marker(
    site: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "Zins", "--date", "2025-12-09", "--format", fmt, "--ready") == 0
    captured = capsys.readouterr()
    assert "draft" not in Path(captured.out.splitlines()[0]).read_text(encoding="utf-8")
    assert "Neuer Artikel datiert auf" in captured.err and "gelöscht" not in captured.err


def test_new_refuses_a_malformed_slug_option(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(site, "Zins", "--slug", "Zins_Entscheid") == 1
    assert "must be lowercase letters" in capsys.readouterr().err


# --- list --------------------------------------------------------------------------------------


def write(site: Path, name: str, text: str) -> Path:
    path = site / "content" / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def mixed(site: Path) -> Path:
    """One article of every status, at FIXED_NOW (2026-01-01T00:00+01:00)."""
    write(site, "2025-10-08-alt.txt", "date 2025-10-08T06:30 Alte Meldung\nText.\n")
    write(site, "2025-12-01-neu.txt", "date 2025-12-01 Neue Meldung\nText.\n")
    write(site, "2026-03-01-plan.txt", "date 2026-03-01T06:00 Geplante Meldung\nText.\n")
    write(site, "entwurf.md", "---\ntitle: Ein Entwurf\ndate: 2025-11-15\ndraft: true\n---\nT.\n")
    write(site, "2025-11-20-kaputt.txt", "date 2025-11-20 Kaputt\n")
    write(site, "ohne-datum.txt", "Kein Datum\nText.\n")
    return site


def run_list(site: Path, *argv: str) -> int:
    return main(
        [
            "list",
            "--content",
            str(site / "content"),
            "--config",
            str(site / "feed.yaml"),
            "--now",
            FIXED_NOW,
            *argv,
        ]
    )


@pytest.mark.german
def test_list_shows_every_status_newest_first(
    mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_list(mixed) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Datum", "Status", "Slug", "Titel"]
    rows = [line for line in lines[1:] if not line.startswith("    ")][:-1]
    # undated broken files first (they need attention), then newest first
    assert [row.split("  ")[0].strip() for row in rows] == [
        "–",
        "1. März 2026",
        "1. Dezember 2025",
        "20. November 2025",
        "15. November 2025",
        "8. Oktober 2025",
    ]
    assert "geplant für 1. März 2026, 06:00 Uhr" in rows[1] and "plan" in rows[1]
    assert "veröffentlicht" in rows[2] and "Neue Meldung" in rows[2]
    assert "fehlerhaft" in rows[3] and "kaputt" in rows[3]
    assert "Entwurf" in rows[4] and "Ein Entwurf" in rows[4]
    assert "veröffentlicht" in rows[5] and "Alte Meldung" in rows[5]
    assert "fehlerhaft" in rows[0] and "ohne-datum" in rows[0]
    text = "\n".join(lines)
    kaputt = mixed / "content" / "2025-11-20-kaputt.txt"
    assert f"    {kaputt}:1: der Artikel hat keinen Absatz" in text
    assert f"    {mixed / 'content' / 'ohne-datum.txt'}:1: erwartet als erste Zeile" in text
    assert lines[-1] == "6 Artikel: 2 veröffentlicht, 1 geplant, 1 Entwurf, 2 fehlerhaft"
    assert "\033[" not in text  # not a terminal: no colour


def test_list_json_has_a_stable_shape(mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_list(mixed, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["now"] == "2026-01-01T00:00:00+01:00"
    items = document["articles"]
    assert all(
        set(item) == {"path", "slug", "title", "status", "date", "updated", "due", "tags", "errors"}
        for item in items
    )
    assert [(i["slug"], i["status"]) for i in items] == [
        ("ohne-datum", "broken"),
        ("plan", "scheduled"),
        ("neu", "published"),
        ("kaputt", "broken"),
        ("entwurf", "draft"),
        ("alt", "published"),
    ]
    by_slug = {i["slug"]: i for i in items}
    assert by_slug["plan"]["due"] == by_slug["plan"]["date"] == "2026-03-01T06:00:00+01:00"
    assert by_slug["alt"]["due"] is None and by_slug["alt"]["errors"] == []
    assert by_slug["alt"]["date"] == "2025-10-08T06:30:00+02:00"
    assert by_slug["alt"]["path"] == str(mixed / "content" / "2025-10-08-alt.txt")
    assert by_slug["ohne-datum"]["date"] is None
    assert by_slug["kaputt"]["date"] == "2025-11-20T00:00:00+01:00"  # from the file name
    kaputt = mixed / "content" / "2025-11-20-kaputt.txt"
    assert by_slug["kaputt"]["errors"][0].startswith(f"{kaputt}:1: the article has no paragraph")


def test_list_marks_the_second_of_two_articles_with_one_slug_as_broken(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(site, "2025-10-08-zins.txt", "date 2025-10-08 Zins\nText.\n")
    write(site, "2025-10-09-zins.txt", "date 2025-10-09 Zins again\nText.\n")
    assert run_list(site, "--json") == 0
    items = json.loads(capsys.readouterr().out)["articles"]
    assert [(i["path"].rsplit("/", 1)[1], i["status"]) for i in items] == [
        ("2025-10-09-zins.txt", "broken"),
        ("2025-10-08-zins.txt", "published"),
    ]
    assert "already used" in items[0]["errors"][0]


@pytest.mark.german
def test_list_without_all_hides_old_published_articles(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for day in range(1, 23):
        write(site, f"2025-10-{day:02d}-m{day}.txt", f"date 2025-10-{day:02d} Meldung {day}\nT.\n")
    write(site, "2026-05-01-plan.txt", "date 2026-05-01 Plan\nText.\n")
    assert run_list(site) == 0
    short = capsys.readouterr().out
    assert "m22" in short and "m3 " in short and "plan" in short
    assert " m2 " not in short and " m1 " not in short
    assert "2 ältere veröffentlichte Artikel ausgeblendet; --all zeigt alle." in short
    assert run_list(site, "--all") == 0
    full = capsys.readouterr().out
    assert " m2 " in full and " m1 " in full and "ausgeblendet" not in full
    assert run_list(site, "--json") == 0
    assert len(json.loads(capsys.readouterr().out)["articles"]) == 23


def test_list_with_a_broken_config_exits_1(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "feed.yaml").write_text("title: X\n", encoding="utf-8")
    assert run_list(site) == 1
    assert "required key 'base_url' is missing" in capsys.readouterr().err

"""Output for people: the build summary line, --quiet/--verbose, the progress bar, colour rules."""

from __future__ import annotations

import io
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.commands.cli import main
from feedgen_app.commands.console import Output, ProgressBar, format_summary, use_colour
from feedgen_app.reading.config import load_site
from feedgen_app.reading.content import read_articles
from feedgen_app.reading.dates import parse_date

SITE = load_site(CASES / "markdown" / "feed.yaml")


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def due(text: str) -> datetime:
    return parse_date(text, SITE.tz)


@pytest.mark.german
def test_the_summary_line_reads_as_the_issue_shows() -> None:
    line = format_summary(SITE, 12, 1, due("2025-12-09T06:00"), 0, 0.4)
    assert line == (
        "12 Artikel veröffentlicht, 1 geplant für 9. Dezember 2025, 06:00 Uhr, 0 Fehler, 0,4 s"
    )


@pytest.mark.german
def test_the_summary_line_names_the_soonest_of_several_and_none() -> None:
    assert format_summary(SITE, 1, 2, due("2025-12-09T06:00"), 2, 12.345) == (
        "1 Artikel veröffentlicht, 2 geplant, der nächste für 9. Dezember 2025, 06:00 Uhr, "
        "2 Fehler, 12,3 s"
    )
    assert format_summary(SITE, 0, 0, None, 0, 0.04) == (
        "0 Artikel veröffentlicht, 0 geplant, 0 Fehler, 0,0 s"
    )


@pytest.mark.german
def test_the_summary_shows_the_due_time_in_the_site_timezone() -> None:
    utc = due("2025-12-09T05:00+00:00")
    assert "1 geplant für 9. Dezember 2025, 06:00 Uhr" in format_summary(SITE, 0, 1, utc, 0, 0)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(
        CASES / "markdown", tmp_path / "site", ignore=shutil.ignore_patterns("expected")
    )
    return tmp_path / "site"


def build(site: Path, *extra: str) -> int:
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
            FIXED_NOW,
            *extra,
        ]
    )


@pytest.mark.german
def test_build_prints_the_summary_line(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(site) == 0
    out, err = capsys.readouterr()
    assert out.startswith(
        "3 Artikel veröffentlicht, 1 geplant für 1. Januar 2030, 06:00 Uhr, 0 Fehler, "
    )
    assert out.endswith(" s\n") and out.count("\n") == 1
    assert err == ""


@pytest.mark.german
def test_build_quiet_prints_nothing_and_verbose_lists_the_articles(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(site, "--quiet") == 0
    assert capsys.readouterr() == ("", "")
    assert build(site, "--verbose") == 0
    out = capsys.readouterr().out
    assert f"→ {site / 'public'}" in out
    assert "  veröffentlicht  zeitumstellung  Zeitumstellung: Uhren zurück" in out
    assert "  geplant für 1. Januar 2030, 06:00 Uhr  geplant  Geplante Meldung" in out


def test_quiet_and_verbose_together_are_a_usage_error(site: Path) -> None:
    assert build(site, "--quiet", "--verbose") == 2


def test_the_build_duration_stays_out_of_the_output_files(site: Path) -> None:
    assert build(site, "--quiet") == 0
    for path in (site / "public").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            assert " s\n" not in path.read_text(encoding="utf-8")
            assert "Fehler," not in path.read_text(encoding="utf-8")


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_colour(Terminal())
    assert not use_colour(io.StringIO())


@pytest.mark.parametrize("value", ["1", "0", "false", "yes"])
def test_no_color_turns_colour_off_whatever_its_value(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("NO_COLOR", value)
    assert not use_colour(Terminal())


def test_an_empty_no_color_and_term_dumb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.setenv("TERM", "xterm")
    assert use_colour(Terminal())  # no-color.org: only a non-empty value counts
    monkeypatch.setenv("TERM", "dumb")
    assert not use_colour(Terminal())


def test_output_paints_only_when_colour_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    output = Output(argparse.Namespace())
    output.out = Terminal()
    assert output.paint("fehlerhaft", "red") == "\033[31mfehlerhaft\033[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert output.paint("fehlerhaft", "red") == "fehlerhaft"
    output.out = io.StringIO()
    monkeypatch.delenv("NO_COLOR")
    assert output.paint("fehlerhaft", "red") == "fehlerhaft"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.german
def test_the_progress_bar_waits_a_second_then_draws_and_clears() -> None:
    clock, stream = FakeClock(), Terminal()
    bar = ProgressBar(stream, enabled=True, started=100.0, clock=clock)
    clock.now = 100.9
    bar.update(1, 4)
    assert stream.getvalue() == ""
    clock.now = 101.1
    bar.update(2, 4)
    drawn = "[" + "#" * 15 + "." * 15 + "] 2/4 Artikel gelesen"
    assert stream.getvalue() == "\r" + drawn
    bar.finish()
    assert stream.getvalue() == "\r" + drawn + "\r" + " " * len(drawn) + "\r"


def test_the_progress_bar_stays_silent_when_disabled() -> None:
    clock, stream = FakeClock(), io.StringIO()
    bar = ProgressBar(stream, enabled=False, started=0.0, clock=clock)
    bar.update(1, 1)
    bar.finish()
    assert stream.getvalue() == ""


def test_read_articles_reports_progress_per_file() -> None:
    calls: list[tuple[int, int]] = []
    read_articles(CASES / "markdown" / "content", SITE, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_build_on_a_pipe_draws_no_progress_bar(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(site) == 0
    assert "Artikel gelesen" not in capsys.readouterr().err


def test_the_writing_phase_replaces_the_bar_once_a_second_has_passed() -> None:
    clock, stream = FakeClock(), Terminal()
    bar = ProgressBar(stream, enabled=True, started=100.0, clock=clock)
    bar.show("Seiten und Feeds werden geschrieben …")
    assert stream.getvalue() == ""
    clock.now = 102.0
    bar.update(4, 4)
    bar.show("kurz")
    assert stream.getvalue().endswith("\rkurz" + " " * (len(stream.getvalue().split("\r")[1]) - 4))
    bar.finish()
    assert stream.getvalue().endswith("\r")

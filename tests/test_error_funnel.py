"""`cli.main` is the one funnel: each error class gives its exit code and an error line that
says what the command did not do; a bug keeps its traceback."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.commands import cli
from feedgen_app.commands.cli import NOT_DONE, main
from feedgen_app.errors import ContentError


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(CASES / "seed", tmp_path / "site", ignore=shutil.ignore_patterns("expected"))
    return tmp_path / "site"


def site_options(site: Path) -> list[str]:
    return ["--content", str(site / "content"), "--config", str(site / "feed.yaml")]


def test_every_command_says_what_it_did_not_do() -> None:
    (commands,) = [
        action.choices
        for action in cli.make_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    assert set(NOT_DONE) == set(commands)


def test_a_usage_error_exits_2_with_the_command_and_the_option(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", *site_options(site), "--now", "gestern"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("feedgen-app list: error: --now: 'gestern' is not a date")
    assert err.count("\n") == 1


def test_a_content_error_exits_1_and_ends_with_nothing_was_published(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "content" / "kaputt.txt").write_text("Kein Datum\nText.\n", encoding="utf-8")
    assert (
        main(["build", *site_options(site), "--out", str(site / "public"), "--now", FIXED_NOW]) == 1
    )
    assert capsys.readouterr().err.endswith(
        "feedgen-app build: error: 1 problem; nothing was published\n"
    )


def test_a_failed_trigger_says_no_rebuild_was_requested(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    assert main(["trigger", "--repo", "octo/site"]) == 1
    err = capsys.readouterr().err
    assert err.endswith("feedgen-app trigger: error: 1 problem; no rebuild was requested\n")
    assert "published" not in err


def test_a_failed_comparison_says_the_site_was_not_compared(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            ["build", *site_options(site), "--out", str(site / "public"), "--now", FIXED_NOW, "-q"]
        )
        == 0
    )
    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / "feed.json").write_text("[1, 2", encoding="utf-8")
    capsys.readouterr()
    assert (
        main(["check", str(site / "public"), "--against", str(previous), *site_options(site)]) == 1
    )
    err = capsys.readouterr().err
    assert f"{previous}/feed.json:1: not a JSON Feed" in err
    assert err.endswith(
        "feedgen-app check: error: 1 problem; the site was not compared with the published one\n"
    )
    assert "nothing was published" not in err


def test_ctrl_c_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_list", interrupted)
    assert main(["list", *site_options(site)]) == 130
    assert capsys.readouterr().err == "\nfeedgen-app list: interrupted\n"


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
    def broken(args: object) -> int:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "cmd_list", broken)
    with pytest.raises(ZeroDivisionError, match="a bug"):
        main(["list", *site_options(site)])


def test_the_problems_come_before_the_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    def failing(args: object) -> int:
        raise ContentError("a.txt:1: one", "b.txt:2: two")

    monkeypatch.setattr(cli, "cmd_new", failing)
    assert main(["new", "Titel", *site_options(site)]) == 1
    assert capsys.readouterr().err == (
        "a.txt:1: one\nb.txt:2: two\nfeedgen-app new: error: 2 problems; no article was written\n"
    )

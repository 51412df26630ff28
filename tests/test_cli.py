"""The build command in-process: exit codes 0/1/2, stderr messages, nothing written on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.commands.cli import main


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(CASES / "seed", tmp_path / "site", ignore=shutil.ignore_patterns("expected"))
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
            *extra,
        ]
    )


@pytest.mark.german
def test_build_succeeds_with_exit_0_and_writes_the_five_outputs(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(site, "--now", FIXED_NOW) == 0
    for name in (
        "atom.xml",
        "rss.xml",
        "feed.json",
        "index.html",
        "amazon-mischt-gesundheitswesen-auf/index.html",
    ):
        assert (site / "public" / name).is_file(), name
    assert "1 Artikel veröffentlicht" in capsys.readouterr().out


def test_content_error_exits_1_with_path_and_line_and_writes_nothing(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = site / "content" / "kaputt.txt"
    bad.write_text("Kein Datum hier\nText.\n", encoding="utf-8")
    assert build(site, "--now", FIXED_NOW) == 1
    err = capsys.readouterr().err
    assert f"{bad}:1: expected the first line to be `date <DATE> <Title>`" in err
    assert not (site / "public").exists()


def test_config_error_exits_1(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "feed.yaml").write_text("title: T\n", encoding="utf-8")
    assert build(site) == 1
    assert "required key 'base_url' is missing" in capsys.readouterr().err


def test_output_error_exits_1(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "public").mkdir()
    (site / "public" / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert (
        main(
            [
                "build",
                "--content",
                str(site / "content"),
                "--config",
                str(site / "feed.yaml"),
                "--out",
                str(site / "public"),
            ]
        )
        == 1
    )
    assert "was not written by feedgen-app" in capsys.readouterr().err


def test_output_folder_that_is_the_content_folder_is_a_usage_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "build",
                "--content",
                str(site / "content"),
                "--config",
                str(site / "feed.yaml"),
                "--out",
                str(site / "content"),
            ]
        )
        == 2
    )
    assert "the site would be read back as content" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["build", "--bogus"], ["nonsense"], [], ["build", "--now", "gestern"]]
)
def test_usage_errors_exit_2(
    argv: list[str], site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site)
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_now_decides_what_is_published(site: Path) -> None:
    assert build(site, "--now", "07.10.2025 23:59") == 0
    assert not (site / "public" / "amazon-mischt-gesundheitswesen-auf").exists()
    assert build(site, "--now", "8. Oktober 2025") == 0
    assert (site / "public" / "amazon-mischt-gesundheitswesen-auf" / "index.html").is_file()


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--help"]) == 0
    assert "--now" in capsys.readouterr().out

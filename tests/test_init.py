"""`init`: the files of a new site, its values and defaults, the questions on a terminal, the
refusals; the action ref; the demo's values in another site; and init, build and check from an
installed wheel outside this repository."""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from feedgen_app import __version__
from feedgen_app.checking.site import check_site
from feedgen_app.commands import scaffold
from feedgen_app.commands.cli import current_time, main
from feedgen_app.model import Author, Site
from feedgen_app.reading.config import (
    DEMO_BASE_URL,
    DEMO_ID_AUTHORITY,
    DEMO_SEED,
    demo_warnings,
    load_site,
)
from feedgen_app.reading.content import read_article

SHA = "0123456789abcdef0123456789abcdef01234567"
NOW = "2026-03-02T09:30"
VALUES = [
    "--title",
    "Wirtschaft kompakt",
    "--base-url",
    "https://octo.github.io/nachrichten/",
    "--author",
    "Redaktion Wirtschaft",
    "--now",
    NOW,
    "--action-ref",
    SHA,
]
FILES = {
    "feed.yaml",
    "content/2026-03-02-willkommen.md",
    "templates/README.md",
    "static/README.md",
    ".gitignore",
    ".github/workflows/publish.yml",
}


class Terminal(io.StringIO):
    """Standard input that is a terminal, with the answers already typed."""

    def isatty(self) -> bool:
        return True


def init(target: Path, *argv: str) -> int:
    return main(["init", str(target), *argv])


def listing(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input is not a terminal unless a test says so (pytest's may be one)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


# --- what init writes ------------------------------------------------------------------------


@pytest.mark.german
def test_init_writes_the_six_files_of_a_new_site_and_prints_their_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "nachrichten"
    assert init(site, *VALUES) == 0
    out, err = capsys.readouterr()
    assert listing(site) == FILES
    assert sorted(out.splitlines()) == sorted(str(site / name) for name in FILES)
    assert err.startswith("Neue Website „Wirtschaft kompakt“ angelegt. Vorschau: cd ")


def test_the_config_has_the_values_and_an_id_authority_from_host_and_year(tmp_path: Path) -> None:
    assert init(tmp_path, *VALUES) == 0
    site = load_site(tmp_path / "feed.yaml")
    assert site == Site(
        title="Wirtschaft kompakt",
        base_url="https://octo.github.io/nachrichten/",
        author=Author("Redaktion Wirtschaft"),
        id_authority="octo.github.io,2026",
    )


def test_the_year_of_the_id_authority_is_the_sites_local_year(tmp_path: Path) -> None:
    assert init(tmp_path, *VALUES, "--now", "2026-12-31T23:30:00+00:00") == 0  # Berlin: 2027
    assert load_site(tmp_path / "feed.yaml").id_authority == "octo.github.io,2027"


def test_the_first_article_is_german_dated_now_and_published(tmp_path: Path) -> None:
    assert init(tmp_path, *VALUES) == 0
    site = load_site(tmp_path / "feed.yaml")
    article = read_article(tmp_path / "content" / "2026-03-02-willkommen.md", site)
    assert (article.slug, article.title, article.tags) == (
        "willkommen",
        "Willkommen",
        ("In eigener Sache",),
    )
    assert article.published == current_time(NOW, site)
    assert "Die neue Website ist eingerichtet" in article.summary


def test_without_now_the_article_is_dated_by_the_one_clock(tmp_path: Path) -> None:
    values = [v for v in VALUES if v not in ("--now", NOW)]
    assert init(tmp_path, *values) == 0
    site = load_site(tmp_path / "feed.yaml")
    today = current_time(None, site)
    (article,) = (tmp_path / "content").iterdir()
    assert article.name == f"{today:%Y-%m-%d}-willkommen.md"
    assert site.id_authority == f"octo.github.io,{today.year}"


def test_a_new_site_builds_and_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, *VALUES) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "build",
                "--content",
                str(tmp_path / "content"),
                "--config",
                str(tmp_path / "feed.yaml"),
                "--out",
                str(tmp_path / "public"),
                "--now",
                "2026-03-02T10:00",
            ]
        )
        == 0
    )
    assert capsys.readouterr().err == ""  # no warning: not the demo's values
    assert check_site(tmp_path / "public") == []
    assert (tmp_path / "public" / "willkommen" / "index.html").is_file()


def test_the_folders_say_what_goes_into_them_and_git_ignores_the_output(tmp_path: Path) -> None:
    assert init(tmp_path, *VALUES) == 0
    assert "replaces feedgen-app's packaged template of the same name" in (
        tmp_path / "templates" / "README.md"
    ).read_text(encoding="utf-8")
    assert "copied to the site root as they are" in (tmp_path / "static" / "README.md").read_text(
        encoding="utf-8"
    )
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/public/", "/.feedgen-cache/", "/.public.*", ".venv/"} <= set(ignored)


def test_the_workflow_uses_the_action_at_the_given_ref(tmp_path: Path) -> None:
    assert init(tmp_path, *VALUES) == 0
    workflow = (tmp_path / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert f"uses: feedgen-app/feedgen-app@{SHA}\n" in workflow
    assert f"uses: feedgen-app/feedgen-app/ping@{SHA}\n" in workflow
    assert "__" not in workflow
    assert yaml.safe_load(workflow)["jobs"]["build"]["steps"][1]["with"] == {
        "content": "content",
        "config": "feed.yaml",
        "force": "${{ inputs.force || github.event.client_payload.force || false }}",
    }


def test_a_base_url_without_its_trailing_slash_gets_one(tmp_path: Path) -> None:
    values = [
        v if v != "https://octo.github.io/nachrichten/" else "https://octo.github.io/n"
        for v in VALUES
    ]
    assert init(tmp_path, *values) == 0
    assert load_site(tmp_path / "feed.yaml").base_url == "https://octo.github.io/n/"


def test_titles_with_quotes_and_colons_stay_as_typed(tmp_path: Path) -> None:
    title = 'Preise & Löhne: „Die Inflation sinkt“ "heute" # 1'
    assert init(tmp_path, *VALUES, "--title", title) == 0
    assert load_site(tmp_path / "feed.yaml").title == title


# --- defaults and questions ----------------------------------------------------------------


@pytest.mark.german
def test_without_a_terminal_it_takes_the_defaults_and_asks_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, "--now", NOW, "--action-ref", SHA) == 0
    site = load_site(tmp_path / "feed.yaml")
    assert (site.title, site.base_url, site.author.name, site.id_authority) == (
        "Meine Nachrichten",
        "https://example.org/",
        "Redaktion Meine Nachrichten",
        "example.org,2026",
    )
    err = capsys.readouterr().err
    assert "[" not in err.splitlines()[0]  # no question
    assert (
        "base_url ist noch der Platzhalter https://example.org/: vor dem ersten "
        "Veröffentlichen in feed.yaml die eigene Adresse und id_authority eintragen."
    ) in err


@pytest.mark.german
def test_on_a_terminal_it_asks_for_each_missing_value_with_its_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("Mein Blog\nhttps://octo.github.io/blog\n\n"))
    assert init(tmp_path, "--now", NOW, "--action-ref", SHA) == 0
    err = capsys.readouterr().err
    assert err.startswith(
        "Titel der Website [Meine Nachrichten]: "
        "Adresse (base_url), z. B. https://name.github.io/repo/ [https://example.org/]: "
        "Autor oder Redaktion [Redaktion Mein Blog]: "
    )
    site = load_site(tmp_path / "feed.yaml")
    assert (site.title, site.base_url, site.author.name, site.id_authority) == (
        "Mein Blog",
        "https://octo.github.io/blog/",
        "Redaktion Mein Blog",
        "octo.github.io,2026",
    )


@pytest.mark.german
def test_on_a_terminal_it_asks_only_for_what_was_not_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("Jana Müller\n"))
    assert init(tmp_path, *VALUES[:4], "--now", NOW) == 0
    assert capsys.readouterr().err.startswith(
        "Autor oder Redaktion [Redaktion Wirtschaft kompakt]: "
    )
    assert load_site(tmp_path / "feed.yaml").author == Author("Jana Müller")


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("existing", sorted(FILES))
def test_init_never_overwrites_and_writes_nothing_when_a_file_exists(
    tmp_path: Path, existing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    assert init(tmp_path, *VALUES) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"{tmp_path / existing}:1: exists already; init never overwrites a site (run "
        "it in an empty folder, or move the file away)\n"
        "feedgen-app init: error: 1 problem; nothing was written\n"
    )
    assert listing(tmp_path) == {existing}
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"


def test_init_refuses_a_target_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "site").write_text("", encoding="utf-8")
    assert init(tmp_path / "site", *VALUES) == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'site'}:1: not a folder")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--base-url", "ftp://octo.example/", "'base_url' must be an absolute http(s) URL"),
        ("--title", " ", "'title' must not be empty"),
        ("--author", "", "'author' must be a name"),
    ],
)
def test_a_value_that_makes_no_valid_config_is_a_usage_error(
    tmp_path: Path, option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path / "site", *VALUES, option, value) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path / 'site' / 'feed.yaml'}:")
    assert message in err
    assert err.endswith(
        "feedgen-app init: error: --title, --base-url or --author do not make a "
        "valid feed.yaml; nothing was written\n"
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--now", "gestern", "feedgen-app init: error: --now: "),
        (
            "--action-ref",
            "main; rm -rf /",
            "feedgen-app init: error: --action-ref: 'main; rm -rf /' "
            "is not a commit SHA, tag or branch\n",
        ),
    ],
)
def test_a_bad_now_or_action_ref_is_a_usage_error(
    tmp_path: Path, option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, *VALUES, option, value) == 2
    assert capsys.readouterr().err.startswith(message)
    assert listing(tmp_path) == set()


# --- the action's ref ---------------------------------------------------------------------


def test_the_default_ref_is_the_commit_pip_installed_from(monkeypatch: pytest.MonkeyPatch) -> None:
    class Installed:
        def read_text(self, name: str) -> str:
            assert name == "direct_url.json"
            return json.dumps(
                {
                    "url": "https://github.com/feedgen-app/feedgen-app",
                    "vcs_info": {"vcs": "git", "commit_id": SHA},
                }
            )

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed())
    ref = scaffold.find_action_ref(None)
    assert (ref.ref, ref.pinned, ref.uses_suffix()) == (SHA, True, f"{SHA} # v{__version__}")


def test_without_a_recorded_commit_the_ref_is_the_version_tag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Installed:
        def read_text(self, name: str) -> str | None:
            return None  # installed from a wheel or a folder: pip records no commit

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed())
    ref = scaffold.find_action_ref(None)
    assert (ref.ref, ref.pinned, ref.uses_suffix()) == (f"v{__version__}", False, f"v{__version__}")


@pytest.mark.german
def test_a_tag_ref_is_used_as_given_with_a_hint_to_pin_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, *VALUES, "--action-ref", "v1.2.3") == 0
    workflow = (tmp_path / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert "uses: feedgen-app/feedgen-app@v1.2.3\n" in workflow
    assert (
        "Der Workflow nutzt die Action über das Tag v1.2.3; --action-ref mit einem "
        "Commit-SHA legt sie fest."
    ) in capsys.readouterr().err


# --- the demo's values in another site ------------------------------------------------------


def test_the_demo_constants_are_this_repositorys_config_and_seed() -> None:
    site = load_site(REPO / "feed.yaml")
    assert (site.base_url, site.id_authority) == (DEMO_BASE_URL, DEMO_ID_AUTHORITY)
    assert (REPO / "content" / DEMO_SEED).is_file()


def demo_site(
    base_url: str = "https://octo.github.io/n/", id_authority: str = "octo.github.io,2026"
) -> Site:
    return Site(title="T", author=Author("R"), base_url=base_url, id_authority=id_authority)


@pytest.mark.parametrize(
    ("values", "keys"),
    [
        (
            {"base_url": DEMO_BASE_URL, "id_authority": DEMO_ID_AUTHORITY},
            "base_url und id_authority stammen",
        ),
        ({"id_authority": DEMO_ID_AUTHORITY}, "id_authority stammt"),
        ({"base_url": DEMO_BASE_URL}, "base_url stammt"),
    ],
)
@pytest.mark.german
def test_a_site_that_is_not_the_demo_is_warned_about_the_demos_values(
    values: dict[str, str], keys: str
) -> None:
    assert demo_warnings(demo_site(**values), "feed.yaml", has_demo_seed=False) == [
        f"feed.yaml:1: Achtung: {keys} noch von der Demo-Website; vor dem ersten "
        "Veröffentlichen eigene Werte eintragen (docs/configuration.md)."
    ]


def test_the_demo_itself_and_other_values_are_not_warned_about() -> None:
    demo = demo_site(base_url=DEMO_BASE_URL, id_authority=DEMO_ID_AUTHORITY)
    assert demo_warnings(demo, "feed.yaml", has_demo_seed=True) == []
    assert demo_warnings(demo_site(), "feed.yaml", has_demo_seed=False) == []


@pytest.mark.german
def test_build_warns_on_stderr_and_still_builds_with_the_demo_config_and_other_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "2026-01-05-eigenes.txt").write_text(
        "date 2026-01-05 Eigener Artikel\nEin eigener Text.\n", encoding="utf-8"
    )
    config = REPO / "feed.yaml"
    assert (
        main(
            [
                "build",
                "--content",
                str(tmp_path / "content"),
                "--config",
                str(config),
                "--out",
                str(tmp_path / "public"),
                "--now",
                "2026-01-06",
                "-q",
            ]
        )
        == 0
    )
    assert capsys.readouterr().err == (
        f"{config}:1: Achtung: base_url und id_authority stammen noch von der Demo-Website; vor "
        "dem ersten Veröffentlichen eigene Werte eintragen (docs/configuration.md).\n"
    )
    assert (
        main(
            [
                "build",
                "--content",
                str(REPO / "content"),
                "--config",
                str(config),
                "--out",
                str(tmp_path / "demo"),
                "--now",
                "2026-01-06",
                "-q",
            ]
        )
        == 0
    )
    assert capsys.readouterr().err == ""


# --- from an installed wheel ----------------------------------------------------------------


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"
    return result


@pytest.mark.slow
@pytest.mark.german
def test_init_build_and_check_work_from_an_installed_wheel(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so building leaves no build/ in the repository
    shutil.copytree(
        REPO / "feedgen_app", source / "feedgen_app", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        cwd=tmp_path,
    )
    (wheel,) = (tmp_path / "dist").glob("feedgen_app-*.whl")
    run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(tmp_path / "venv")],
        cwd=tmp_path,
    )
    bin_dir = tmp_path / "venv" / "bin"
    run([str(bin_dir / "pip"), "install", "--no-deps", "--quiet", str(wheel)], cwd=tmp_path)
    where = run(
        [str(bin_dir / "python"), "-c", "import feedgen_app; print(feedgen_app.__file__)"],
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(tmp_path / "venv")), where  # the wheel, not this checkout

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    app = str(bin_dir / "feedgen-app")
    written = run(
        [
            app,
            "init",
            "nachrichten",
            "--title",
            "Wirtschaft kompakt",
            "--base-url",
            "https://octo.github.io/nachrichten/",
            "--author",
            "Redaktion",
        ],
        cwd=elsewhere,
    ).stdout.splitlines()
    site = elsewhere / "nachrichten"
    assert len(written) == len(FILES)
    assert set(written) == {f"nachrichten/{name}" for name in listing(site)}
    built = run([app, "build"], cwd=site)
    assert built.stdout.startswith("1 Artikel veröffentlicht, 0 geplant, 0 Fehler")
    assert built.stderr == ""
    assert run([app, "check"], cwd=site).stdout == "public: keine Befunde\n"  # the wheel's catalog
    workflow = (site / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert f"uses: feedgen-app/feedgen-app@v{__version__}\n" in workflow

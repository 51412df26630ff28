"""Shared fixtures: golden-file regeneration, validators (jing, JSON Feed schema), site builds."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
VENDORED_VALIDATORS = Path(__file__).resolve().parent / "validators"
"""A verbatim copy of the shared reference folder's validators, for runners without that folder
(GitHub's); test_reference_copies.py fails if it drifts from the shared original."""
VALIDATORS = SHARED / "validators" if (SHARED / "validators").is_dir() else VENDORED_VALIDATORS
CASES = Path(__file__).resolve().parent / "cases"
FIXED_NOW = "2026-01-01T00:00:00+01:00"
IN_CI = os.environ.get("CI") == "true"

# Property tests: under CI=true every run draws the same examples (no example database, so a
# random draw could fail one submission and pass the next); locally they keep exploring, and a
# failure prints the reproduce blob either way.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("ci" if IN_CI else "explore")


def load_script(name: str) -> ModuleType:
    """A script of scripts/ (`update_catalog.py`, ...) as a module, to test what it makes."""
    path = REPO / "scripts" / name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/cases/*/expected/ from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def missing_tool(message: str) -> NoReturn:
    """A test needs something that is not installed: skip locally, fail under CI=true."""
    if IN_CI:
        pytest.fail(f"{message}; CI must have it")
    pytest.skip(message)


def require_tool(name: str) -> str:
    """The path of a system tool; skip locally when missing, fail under CI=true."""
    path = shutil.which(name)
    if path is None:
        missing_tool(f"{name} is not installed (apt-get install -y {name})")
    return path


def validate_atom(path: Path) -> None:
    """Validate an Atom document against RFC 4287's RELAX NG schema with jing."""
    jing = require_tool("jing")
    result = subprocess.run(
        [jing, "-c", str(VALIDATORS / "atom.rnc"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"jing: {path}\n{result.stdout}{result.stderr}"


def validate_json_feed(path: Path) -> None:
    """Validate a JSON Feed against the shared JSON Feed 1.1 schema, plus version and language."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    schema = json.loads((VALIDATORS / "jsonfeed" / "feed.json").read_text(encoding="utf-8"))
    base = json.loads((VALIDATORS / "jsonfeed" / "feed-1.json").read_text(encoding="utf-8"))
    resource = Resource.from_contents(base, default_specification=DRAFT4)
    registry = Registry().with_resources([("feed-1", resource), ("feed-1.json", resource)])
    document = json.loads(path.read_text(encoding="utf-8"))
    errors = [e.message for e in Draft4Validator(schema, registry=registry).iter_errors(document)]
    assert errors == [], f"{path}: {errors}"
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["language"]


ENGLISH_ENV = {"LANG": "en_US.UTF-8"}
"""The tests read messages in English (the msgids); tests/test_i18n.py checks the German ones."""
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True, scope="session")
def english_session() -> Iterator[None]:
    """LANG=en_US.UTF-8 from the session's start, so that module- and session-scoped fixtures
    (a preview server started once per module) run their subprocesses in English too."""
    with pytest.MonkeyPatch.context() as patch:
        for name in LANGUAGE_VARIABLES:
            patch.delenv(name, raising=False)
        patch.setenv("LANG", ENGLISH_ENV["LANG"])
        yield


@pytest.fixture(autouse=True)
def messages_language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with LANG=en_US.UTF-8 (and no LANGUAGE, LC_ALL or LC_MESSAGES that would
    win over it), in process and in the subprocesses it starts, so that assertions on message
    text read the English msgids; a test marked `german` checks the German console output
    (the default) and runs with none of them set."""
    from feedgen_app import i18n

    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if request.node.get_closest_marker("german") is None:
        monkeypatch.setenv("LANG", ENGLISH_ENV["LANG"])
    i18n.select()


@pytest.fixture(autouse=True)
def isolated_build_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process builds use a fresh build cache per test, not ./.feedgen-cache (shared by
    every test and every pytest run in the working folder)."""
    from feedgen_app.commands import cli

    monkeypatch.setattr(cli, "CACHE_DIR", tmp_path_factory.mktemp("build-cache"))

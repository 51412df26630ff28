"""The code stays lint-clean (ruff), type-clean (mypy strict, the tests included) and free of
dead code (vulture), as
pyproject.toml configures."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib

from conftest import REPO, missing_tool, require_tool


def test_ruff_finds_nothing() -> None:
    ruff = require_tool("ruff")
    result = subprocess.run(
        [ruff, "check", "."], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing() -> None:
    ruff = require_tool("ruff")
    result = subprocess.run(
        [ruff, "format", "--check", "."], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_complexity_is_limited() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    assert "C90" in config["lint"]["select"]
    assert config["lint"]["mccabe"]["max-complexity"] == 10


def test_mypy_checks_the_tests_and_the_scripts_as_strictly_as_the_package() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert {"feedgen_app", "tests", "scripts"} <= set(config["files"])


def test_vulture_finds_no_dead_code_in_the_package() -> None:
    """At 80% confidence (unused imports, variables, arguments, unreachable code); an argument a
    protocol needs but the code does not read starts with `_`."""
    if importlib.util.find_spec("vulture") is None:
        missing_tool("vulture is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [sys.executable, "-m", "vulture", "feedgen_app", "--min-confidence", "80"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_mypy_strict_finds_nothing() -> None:
    require_tool("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""The code stays lint-clean (ruff) and type-clean (mypy strict, the tests included), as
pyproject.toml configures."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from conftest import REPO, require_tool


def test_ruff_finds_nothing() -> None:
    ruff = require_tool("ruff")
    result = subprocess.run([ruff, "check", "."], cwd=REPO, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_checks_the_tests_and_the_scripts_as_strictly_as_the_package() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert {"feedgen_app", "tests", "scripts"} <= set(config["files"])


def test_mypy_strict_finds_nothing() -> None:
    require_tool("mypy")
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

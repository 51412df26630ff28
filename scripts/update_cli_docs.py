"""The CLI reference in docs/cli.md: each command's `--help`, rendered 100 columns wide, in
English (LANG=en_US.UTF-8; without it the command line speaks German, docs/messages.md).

Every block sits between `<!-- help: COMMAND -->` and `<!-- /help -->` (`<!-- help: -->` is
`feedgen-app --help` itself). This script rewrites the blocks from the current parser and
appends one for a command that has none; tests/test_cli_docs.py fails when they differ.
Usage: python scripts/update_cli_docs.py [--check]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
from pathlib import Path

from feedgen_app.commands.cli import main, make_parser

CLI_DOCS = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
BLOCK = re.compile(r"<!-- help: ?(?P<command>[a-z-]*) -->\n.*?<!-- /help -->\n", re.DOTALL)
WIDTH = "100"


def list_commands() -> list[str]:
    """ "" (the top-level help) and every subcommand, sorted."""
    for action in make_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return ["", *sorted(action.choices)]
    raise AssertionError("the parser has no subcommands")


def render_help(command: str) -> str:
    """The exact text `feedgen-app [COMMAND] --help` prints with COLUMNS=100, no colour and
    LANG=en_US.UTF-8."""
    names = ("COLUMNS", "NO_COLOR", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    saved = {name: os.environ.get(name) for name in names}
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        os.environ.pop(name, None)
    os.environ.update(COLUMNS=WIDTH, NO_COLOR="1", LANG="en_US.UTF-8")
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            assert main([*command.split(), "--help"]) == 0
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return out.getvalue()


def render_block(command: str) -> str:
    marker = f"<!-- help: {command} -->" if command else "<!-- help: -->"
    return f"{marker}\n```text\n{render_help(command)}```\n<!-- /help -->\n"


def update_docs(text: str) -> str:
    """The text with every help block rewritten, and a block appended for each missing one."""
    found = {m["command"] for m in BLOCK.finditer(text)}
    text = BLOCK.sub(lambda m: render_block(m["command"]), text)
    for command in list_commands():
        if command not in found:
            heading = f"### `feedgen-app {command} --help`".replace("  ", " ")
            text = f"{text.rstrip()}\n\n{heading}\n\n{render_block(command)}"
    return text


if __name__ == "__main__":
    current = CLI_DOCS.read_text(encoding="utf-8")
    updated = update_docs(current)
    if "--check" in sys.argv[1:]:
        sys.exit(0 if updated == current else f"{CLI_DOCS} is out of date: run {sys.argv[0]}")
    CLI_DOCS.write_text(updated, encoding="utf-8")

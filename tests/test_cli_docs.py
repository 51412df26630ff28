"""Help and docs: every command (whoever added it) has help with an example and is in docs/."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from feedgen_app.cli import main, make_parser

DOCS = "\n".join(path.read_text(encoding="utf-8")
                 for path in sorted((Path(__file__).resolve().parent.parent / "docs").glob("*.md")))


def subcommand_action() -> argparse._SubParsersAction[argparse.ArgumentParser]:
    for action in make_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise AssertionError("the parser has no subcommands")


COMMANDS = dict(subcommand_action().choices)
OPTIONS = sorted(
    (name, option)
    for name, parser in COMMANDS.items()
    for action in parser._actions
    for option in action.option_strings
    if option.startswith("--") and option != "--help"
)


def test_the_authoring_commands_exist() -> None:
    assert {"build", "new", "list", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: feedgen-app {name}")
    assert COMMANDS[name].description, f"{name} has no description"
    examples = re.split(r"^examples?:$", text, maxsplit=1, flags=re.MULTILINE)
    assert len(examples) == 2, f"`feedgen-app {name} --help` has no 'example:' section"
    assert re.search(rf"^  .*\bfeedgen-app {name}\b", examples[1], re.MULTILINE), \
        f"the examples of {name} do not run `feedgen-app {name}`"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_a_summary_in_the_main_help(name: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    summaries = {a.dest: a.help for a in subcommand_action()._choices_actions}
    assert summaries.get(name), f"{name} has no help= summary"
    assert main(["--help"]) == 0
    assert re.search(rf"^\s+{name}\s+\S", capsys.readouterr().out, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_documented_in_the_docs(name: str) -> None:
    assert f"`feedgen-app {name}" in DOCS, f"docs/ does not document `feedgen-app {name}`"


@pytest.mark.parametrize(("name", "option"), OPTIONS)
def test_every_option_is_documented_in_the_docs(name: str, option: str) -> None:
    assert re.search(rf"`[^`\n]*{re.escape(option)}\b", DOCS), \
        f"docs/ does not mention `{option}` of `feedgen-app {name}`"

"""Help and docs: every command (whoever added it) has help with an example, is described in
docs/, and has its exact `--help` in docs/cli.md, each option under its own command."""

from __future__ import annotations

import argparse
import re

import pytest

from conftest import REPO, load_script
from feedgen_app.commands.cli import main, make_parser

DOCS = REPO / "docs"


UPDATE = load_script("update_cli_docs.py")
CLI_DOCS = (DOCS / "cli.md").read_text(encoding="utf-8")
BLOCKS = {m["command"]: m[0] for m in UPDATE.BLOCK.finditer(CLI_DOCS)}
# The prose of every docs page, without the generated help blocks.
PROSE = "\n".join(
    UPDATE.BLOCK.sub("", path.read_text(encoding="utf-8")) for path in sorted(DOCS.glob("*.md"))
)
REGENERATE = "regenerate it with `python scripts/update_cli_docs.py` and review the diff"


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


def test_the_update_script_knows_every_command() -> None:
    assert UPDATE.list_commands() == ["", *sorted(COMMANDS)]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([name, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: feedgen-app {name}")
    assert COMMANDS[name].description, f"{name} has no description"
    examples = re.split(r"^examples?:$", text, maxsplit=1, flags=re.MULTILINE)
    assert len(examples) == 2, f"`feedgen-app {name} --help` has no 'example:' section"
    assert re.search(rf"^  .*\bfeedgen-app {name}\b", examples[1], re.MULTILINE), (
        f"the examples of {name} do not run `feedgen-app {name}`"
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_a_summary_in_the_main_help(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    summaries = {a.dest: a.help for a in subcommand_action()._choices_actions}
    assert summaries.get(name), f"{name} has no help= summary"
    assert main(["--help"]) == 0
    assert re.search(rf"^\s+{name}\s+\S", capsys.readouterr().out, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_described_in_the_docs(name: str) -> None:
    assert f"`feedgen-app {name}" in PROSE, (
        f"no page in docs/ describes `feedgen-app {name}` outside the generated help"
    )


@pytest.mark.parametrize("name", ["", *sorted(COMMANDS)])
def test_every_command_has_its_help_block_in_docs_cli(name: str) -> None:
    assert name in BLOCKS, (
        f"docs/cli.md has no `<!-- help: {name} -->` block for `feedgen-app {name} --help`: "
        + REGENERATE
    )


@pytest.mark.parametrize("name", ["", *sorted(COMMANDS)])
def test_every_help_block_is_the_current_help(name: str) -> None:
    assert BLOCKS.get(name) == UPDATE.render_block(name), (
        f"the `feedgen-app {name} --help` block in docs/cli.md is out of date: " + REGENERATE
    )


@pytest.mark.parametrize(("name", "option"), OPTIONS)
def test_every_option_is_in_its_own_commands_help_block(name: str, option: str) -> None:
    assert re.search(rf"^\s+(-\w, )?{re.escape(option)}\b", BLOCKS.get(name, ""), re.MULTILINE), (
        f"docs/cli.md does not show `{option}` under `feedgen-app {name} --help`"
    )


def test_docs_cli_has_no_block_for_an_unknown_command() -> None:
    assert set(BLOCKS) <= {"", *COMMANDS}, "docs/cli.md has help blocks for removed commands"

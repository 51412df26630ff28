"""The German message catalog: extract every marked message, merge it into the .po, compile the .mo.

Messages are marked with `_()`, `N_()` and `ngettext()` in feedgen_app/*.py and with `_()` in
feedgen_app/templates/*.html (Jinja2's i18n extension, `%(name)s` placeholders); argparse's own
words
(`usage: `, `the following arguments are required: %s`, ...) are taken from the running
Python's argparse, which `feedgen_app.i18n` routes through the same catalog. The .po keeps
every translation it has, gains an empty entry for each new message and loses the ones no
longer used; the .mo is compiled from it. tests/test_i18n.py fails when a message has no
translation, when a translation's placeholders differ from its msgid's, or when the .mo is not
the compiled .po.
Usage: python scripts/update_catalog.py [--check]
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "feedgen_app"
PO = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "feedgen_app.po"
MO = PO.with_suffix(".mo")
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
"""The header's dates: fixed, so that regenerating an unchanged catalog changes no byte."""

Message = str | tuple[str, str]
"""A msgid, or a (singular, plural) pair."""


def python_messages(path: Path) -> Iterator[Message]:
    """The messages marked in one Python file: `_("...")`, `N_("...")`, `ngettext(s, p, n)`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name | ast.Attribute):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        texts = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if name in ("_", "N_") and len(node.args) == 1 and len(texts) == 1:
            yield texts[0]
        elif name == "ngettext" and len(texts) >= 2 and len(node.args) == 3:
            yield texts[0], texts[1]


def template_messages(path: Path) -> Iterator[Message]:
    """The messages of one Jinja2 template: `{{ _("...") }}` (Jinja2's i18n extension)."""
    with path.open("rb") as file:
        for _line, _function, message, _comments in babel_extract(
            file, ("_", "gettext", "ngettext"), [], {}
        ):
            texts = [message] if isinstance(message, str) else list(message or ())
            strings = [text for text in texts if isinstance(text, str)]
            if len(strings) == 1:  # `_("...", name=value)`: keyword arguments are no text
                yield strings[0]
            elif len(strings) >= 2:
                yield strings[0], strings[1]


def extract() -> list[Message]:
    """Every message, in a stable order: the package's, its templates', then argparse's."""
    found: list[Message] = []
    sources = [
        *(python_messages(p) for p in sorted(PACKAGE.rglob("*.py"))),
        *(template_messages(p) for p in sorted((PACKAGE / "templates").glob("*.html"))),
        python_messages(Path(argparse.__file__)),
    ]
    for messages in sources:
        found += (m for m in messages if m and m not in found)
    return found


def read_catalog(path: Path = PO) -> Catalog:
    if not path.is_file():
        return Catalog(locale="de", domain="feedgen_app")
    with path.open("rb") as file:
        return read_po(file, locale="de", domain="feedgen_app")


def merged(messages: list[Message], old: Catalog) -> Catalog:
    """A catalog of exactly `messages`, with the translations `old` has for them."""
    catalog = Catalog(
        locale="de",
        domain="feedgen_app",
        project="feedgen-app",
        version="",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        language_team="",
        last_translator="",
        fuzzy=False,
    )
    for message in messages:
        key = message[0] if isinstance(message, tuple) else message
        previous = old.get(key)
        if isinstance(message, tuple):
            string: str | tuple[str, str] = ("", "")
            if previous is not None and isinstance(previous.string, tuple | list):
                string = (str(previous.string[0]), str(previous.string[1]))
        else:
            string = (
                previous.string if previous is not None and isinstance(previous.string, str) else ""
            )
        catalog.add(message, string)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, no_location=True, omit_header=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def main(check: bool) -> int:
    catalog = merged(extract(), read_catalog())
    po, mo = po_bytes(catalog), mo_bytes(catalog)
    current = (PO.read_bytes() if PO.is_file() else b"", MO.read_bytes() if MO.is_file() else b"")
    if check:
        if (po, mo) != current:
            print(f"{PO} or {MO.name} is out of date: run {sys.argv[0]}", file=sys.stderr)
            return 1
        return 0
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_bytes(po)
    MO.write_bytes(mo)
    missing = [m for m in catalog if m.id and not m.string]
    if missing:
        print(f"{len(missing)} message(s) without a German translation in {PO}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))

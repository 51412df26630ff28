"""Feed documents parsed safely for checking: XML into a tree of Nodes (expat, namespaces
resolved, no DTD, bounded depth) and JSON with a guard against deep nesting."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from feedgen_app.errors import XmlError
from feedgen_app.formats import ATOM_NS
from feedgen_app.i18n import _

ATOM = ATOM_NS + " "
"""The prefix of an Atom element's tag in a Node tree: `ATOM + "entry"`."""
MAX_XML_DEPTH = 256
"""Deepest element nesting a checked XML document may have (feeds need about ten levels)."""


@dataclass
class Node:
    """A parsed XML element: `{namespace} local` tag, attributes, children, text and its line."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def findall(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def find(self, tag: str) -> Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def iter(self) -> Iterable[Node]:
        yield self
        for child in self.children:
            yield from child.iter()


def parse_xml(data: bytes) -> Node:
    """Parse `data` with expat into Nodes (namespaces resolved); refuse any DTD and nesting
    deeper than MAX_XML_DEPTH.

    Feeds never need a DOCTYPE, and refusing it rules out entity expansion bombs; the depth
    bound keeps a hostile document (e.g. a live site for `check --against`) from exhausting
    the stack of every function that walks the tree.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[Node] = []
    roots: list[Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_XML_DEPTH:
            raise XmlError(
                parser.CurrentLineNumber,
                _(
                    "elements nested more than {MAX_XML_DEPTH} deep; a feed never needs that many"
                ).format(MAX_XML_DEPTH=MAX_XML_DEPTH),
            )
        node = Node(tag, attrs, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    def doctype(*args: object) -> None:
        raise XmlError(parser.CurrentLineNumber, _("a DOCTYPE is not allowed in a feed"))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlError(exc.lineno, expat.errors.messages[exc.code]) from None
    return roots[0]


def parse_json(data: bytes) -> Any:
    """`data` as UTF-8 JSON; json.JSONDecodeError also for nesting deeper than Python's stack
    allows (a hostile document must give a finding, not a RecursionError)."""
    text = data.decode("utf-8")
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError(_("nested too deeply"), text, 0) from None

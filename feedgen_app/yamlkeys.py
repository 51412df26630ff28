"""Safe YAML mappings with the line of every key, for messages that name file and line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class YamlMapping:
    """A parsed YAML mapping: its values and the 1-based line of each key."""

    values: dict[str, Any]
    lines: dict[str, int]
    scalars: dict[str, str]
    """The source text of each key whose value is a plain scalar (dates are read from it)."""


def load_mapping(text: str, where: str, first_line: int = 1) -> YamlMapping:
    """Parse `text` as a YAML mapping with safe_load semantics.

    `where` names the file in messages; `first_line` is the file line of the text's first line.
    Raises ValueError with a `where:LINE: message` text; aliases are refused (they are never
    needed in a config or front matter, and they make alias bombs possible).
    """
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = first_line + (event.start_mark.line if event.start_mark else 0)
                raise ValueError(f"{where}:{line}: YAML aliases (*name) are not allowed here")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        values = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark is not None else 0)
        raise ValueError(f"{where}:{line}: not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}:{first_line}: not valid YAML: {exc}") from None
    if values is None:
        values, node = {}, None
    is_mapping = node is None or isinstance(node, yaml.MappingNode)
    if not isinstance(values, dict) or not is_mapping:
        raise ValueError(f"{where}:{first_line}: expected a mapping of `key: value` lines")
    lines: dict[str, int] = {}
    scalars: dict[str, str] = {}
    for key_node, value_node in node.value if node is not None else ():
        lines[str(key_node.value)] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.ScalarNode):
            scalars[str(key_node.value)] = str(value_node.value)
    for key in values:
        if not isinstance(key, str):
            raise ValueError(f"{where}:{first_line}: key {key!r} is not a text key")
    return YamlMapping(values=values, lines=lines, scalars=scalars)

"""Safe YAML mappings with the line of every key, for messages that name file and line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from feedgen_app.formats import UNFIT_FOR_FEEDS
from feedgen_app.i18n import _, library_reason


class _BadValueError(yaml.constructor.ConstructorError):
    """A scalar YAML accepts but Python cannot build, e.g. the date 2025-02-30."""


class _AliasError(Exception):
    """The YAML uses an alias (`*name`); `line` is its 0-based line."""

    def __init__(self, line: int | None) -> None:
        super().__init__(line)
        self.line = line


class _SafeLoader(yaml.SafeLoader):
    """safe_load semantics, but a value that cannot be built (`2025-02-30`) is a marked error,
    and an alias is refused before anything is built from it (no alias bombs)."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise _AliasError(mark.line if mark else None)
        return super().compose_node(parent, index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return yaml.constructor.SafeConstructor.construct_object(self, node, deep=deep)
        except (ValueError, OverflowError, TypeError) as exc:
            message = (
                _("{value!r} is not a valid date: {reason}")
                if str(node.tag).endswith(":timestamp")
                else _("{value!r} is not a valid value: {reason}")
            )
            raise _BadValueError(
                None,
                None,
                message.format(value=node.value, reason=library_reason(exc)),
                node.start_mark,
            ) from None


@dataclass(frozen=True)
class YamlMapping:
    """A parsed YAML mapping: its values and the 1-based line of each key."""

    values: dict[str, Any]
    lines: dict[str, int]
    scalars: dict[str, str]
    """The source text of each key whose value is a plain scalar (dates are read from it)."""


_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)


if _CSafeLoader is not None:

    class _FastLoader(_CSafeLoader):  # type: ignore[misc]
        """libyaml's parser with safe_load's constructor; a value that cannot be built is an
        error (as in _SafeLoader)."""

        construct_object = _SafeLoader.construct_object


def compose_fast(text: str) -> tuple[yaml.Node | None, Any] | None:
    """(node, values) through libyaml's C parser, when PyYAML has it and the text is a plain
    document without aliases that builds without error; None otherwise, and then the
    pure-Python loader, which locates every problem exactly, reads the text again."""
    if _CSafeLoader is None:
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _has_alias(node):
            return None  # refused below, with the alias's line
        values = loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        return None
    finally:
        loader.dispose()
    return node, values


def _has_alias(node: yaml.Node) -> bool:
    """True when a node is reachable twice: libyaml's composer resolves an alias to the very
    node it names (a cycle included)."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            return True
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            stack.extend(item for pair in current.value for item in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return False


def load_mapping(text: str, where: str, first_line: int = 1) -> YamlMapping:
    """Parse `text` as a YAML mapping with safe_load semantics.

    `where` names the file in messages; `first_line` is the file line of the text's first line.
    Raises ValueError with a `where:LINE: message` text; aliases are refused (they are never
    needed in a config or front matter, and they make alias bombs possible). libyaml's C
    parser reads the text when it can (several times faster); any problem is located by the
    pure-Python loader, so messages are the same either way.
    """
    fast = compose_fast(text)
    if fast is not None:
        return check_mapping(*fast, where, first_line)
    loader: _SafeLoader | None = None
    try:
        loader = _SafeLoader(text)  # its reader may refuse the text already
        node = loader.get_single_node()  # refuses aliases as it meets them (see compose_node)
        values = loader.construct_document(node) if node is not None else None
    except _AliasError as exc:
        line = first_line + (exc.line or 0)
        raise ValueError(
            _("{where}:{line}: YAML aliases (*name) are not allowed here").format(
                where=where, line=line
            )
        ) from None
    except RecursionError:
        raise ValueError(
            _("{where}:{first_line}: the YAML is nested too deeply").format(
                where=where, first_line=first_line
            )
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark is not None else 0)
        if isinstance(exc, _BadValueError):
            raise ValueError(f"{where}:{line}: {exc.problem}") from None
        raise ValueError(
            _("{where}:{line}: not valid YAML: {reason}").format(
                where=where, line=line, reason=library_reason(exc.problem or exc)
            )
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at its line
        line = first_line + text.count("\n", 0, exc.position)
        raise ValueError(
            _(
                "{where}:{line}: the text contains U+{character:04X}, a control "
                "character YAML and XML do not allow; remove it"
            ).format(where=where, line=line, character=exc.character)
        ) from None
    except yaml.YAMLError as exc:
        raise ValueError(
            _("{where}:{first_line}: not valid YAML: {reason}").format(
                where=where, first_line=first_line, reason=library_reason(exc)
            )
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return check_mapping(node, values, where, first_line)


def check_mapping(node: yaml.Node | None, values: Any, where: str, first_line: int) -> YamlMapping:
    """The mapping composed as `node` and built as `values`, checked: a mapping of text keys,
    no key twice, no character XML forbids; with the line of every key."""
    if values is None:
        values, node = {}, None
    is_mapping = node is None or isinstance(node, yaml.MappingNode)
    if not isinstance(values, dict) or not is_mapping:
        raise ValueError(
            _("{where}:{first_line}: expected a mapping of `key: value` lines").format(
                where=where, first_line=first_line
            )
        )
    lines: dict[str, int] = {}
    scalars: dict[str, str] = {}
    refuse_forbidden_characters(node, where, first_line)
    refuse_duplicate_keys(node, where, first_line)
    for key_node, value_node in node.value if node is not None else ():
        lines[str(key_node.value)] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.ScalarNode):
            scalars[str(key_node.value)] = str(value_node.value)
    for key in values:
        if not isinstance(key, str):
            raise ValueError(
                _("{where}:{first_line}: key {key!r} is not a text key").format(
                    where=where, first_line=first_line, key=key
                )
            )
    return YamlMapping(values=values, lines=lines, scalars=scalars)


def refuse_duplicate_keys(node: yaml.Node | None, where: str, first_line: int) -> None:
    """Refuse a key given twice in any mapping: YAML loaders let the last one silently win,
    so a second `date:` would change an article's date without a word."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                line = first_line + key_node.start_mark.line
                key = str(key_node.value)
                if isinstance(key_node, yaml.ScalarNode) and key in seen:
                    raise ValueError(
                        _(
                            "{where}:{line}: key {key!r} is given twice (first on line {seen}); "
                            "keep one"
                        ).format(where=where, line=line, key=key, seen=seen[key])
                    )
                seen.setdefault(key, line)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def refuse_forbidden_characters(node: yaml.Node | None, where: str, first_line: int) -> None:
    """Refuse scalars holding characters XML 1.0 forbids, or the C1 controls it discourages
    (readers garble them): YAML escapes (`"\\x01"`) could smuggle them into a feed."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            bad = UNFIT_FOR_FEEDS.search(str(current.value))
            if bad:
                line = first_line + current.start_mark.line
                raise ValueError(
                    _(
                        "{where}:{line}: the value contains U+{ord:04X} at character "
                        "{value}, a control character XML 1.0 forbids in a feed; remove "
                        "the escape that produces it"
                    ).format(where=where, line=line, ord=ord(bad.group()), value=bad.start() + 1)
                )
        elif isinstance(current, yaml.MappingNode):
            stack.extend(item for pair in current.value for item in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)

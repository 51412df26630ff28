"""Front matter and feed.yaml through libyaml's C parser read exactly as through the
pure-Python loader: the same values, lines and scalars, or the same error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedgen_app.reading import yamlkeys
from feedgen_app.reading.yamlkeys import YamlMapping, load_mapping

SAMPLES = [
    "title: Grüße aus München\ndate: 2025-10-08T06:30\ntags: [Wirtschaft, KI]\n",
    'title: "Zitat: „Ja“"\ndate: 08.10.2025\nauthor: {name: Erika, email: e@example.org}\n',
    "title: a\ntitle: b\n",  # a key twice
    "a: &x 1\nb: *x\n",  # an alias
    "title: [unclosed\n",
    "date: 2025-02-30\n",  # a date that does not exist
    'title: "\\x01"\n',  # a control character from an escape
    "- a\n- b\n",  # not a mapping
    "",
]


def read(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> YamlMapping | str:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(yamlkeys, "compose_fast", lambda text: None)
        try:
            return load_mapping(text, "content/x.md", first_line=2)
        except ValueError as exc:
            return str(exc)


@pytest.mark.parametrize("text", SAMPLES)
def test_the_c_parser_reads_like_the_python_loader(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert read(text, True, monkeypatch) == read(text, False, monkeypatch)


def test_the_c_parser_is_used_for_plain_front_matter() -> None:
    assert yamlkeys.compose_fast(SAMPLES[0]) is not None
    assert yamlkeys.compose_fast(SAMPLES[3]) is None  # aliases: refused by the exact loader


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc: -[]{}'\"\n&*#\\xü1.T")), max_size=60))
def test_any_text_reads_alike_through_both_parsers(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        assert read(text, True, patch) == read(text, False, patch)

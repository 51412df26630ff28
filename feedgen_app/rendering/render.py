"""How one output file is rendered: a function of the whole articles it shows, loaded only
when it runs, so that a plan of the whole site holds compact records only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from feedgen_app.model import Article, ArticleRecord

Loader = Callable[[Sequence[ArticleRecord]], list[Article]]
"""Loads the whole articles of some records (from the build index, or from memory)."""
Rendered = bytes | Iterable[bytes]
"""A rendered file: its bytes, or its bytes in pieces (a large page, written as rendered)."""


@dataclass(frozen=True)
class Renderer:
    """How to render one output file: `draw` gets the whole articles of `records` (loaded
    through `load` when it runs), so a plan holds records only."""

    draw: Callable[[list[Article]], Rendered]
    records: tuple[ArticleRecord, ...] = ()
    load: Loader | None = None

    def __call__(self) -> Rendered:
        articles = self.load(self.records) if self.load is not None and self.records else []
        return self.draw(articles)


def simple(render: Callable[[], Rendered]) -> Renderer:
    """A renderer that shows no article's body."""
    return Renderer(lambda _: render())

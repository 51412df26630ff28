"""How one output file is rendered: a function of the whole articles it shows, loaded only
when it runs, so that a plan of the whole site holds compact records only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from feedgen_app.model import Article, ArticleRecord

Loader = Callable[[Sequence[ArticleRecord]], list[Article]]
"""Loads the whole articles of some records (from the build index, or from memory)."""
Rendered = bytes | Iterable[bytes]
"""A rendered file: its bytes, or its bytes in pieces (a large page or document, written as
rendered)."""
STREAM_CHUNK = 100
"""Whole articles a streamed document loads at a time."""


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class StreamedRenderer(Renderer):
    """How to render a document too large to hold whole (a month's archive): `draw` gets an
    iterator over the whole articles of `records`, loaded STREAM_CHUNK at a time and kept no
    longer than it takes to write them, and returns the document in pieces. Memory stays the
    same however many articles the month holds."""

    draw: Callable[[Any], Rendered]

    def __call__(self) -> Rendered:
        return self.draw(self.each_article())

    def draw_from(self, articles: Iterator[Article]) -> Rendered:
        """The document, from articles given by the caller (the whole articles of `records`,
        in order), so that documents of the same articles can share one loading."""
        return self.draw(articles)

    def each_article(self) -> Iterator[Article]:
        """The whole articles of `records`, in order."""
        if self.load is None:
            return
        for start in range(0, len(self.records), STREAM_CHUNK):
            yield from self.load(self.records[start : start + STREAM_CHUNK])

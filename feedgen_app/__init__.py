"""feedgen-app: dated German articles in, Atom, RSS, JSON Feed and HTML pages out.

The library interface (docs/library.md) is what `__all__` names: `build_site` builds a site as
`feedgen-app build` does, `check_site` checks a built one as `feedgen-app check` does, and the
models and errors they take and give. Everything else is internal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
"""The one place the version is written (pyproject.toml reads it)."""

if TYPE_CHECKING:
    from feedgen_app.checking.site import check_site
    from feedgen_app.errors import ConfigError, ContentError, FeedAppError, PublishError
    from feedgen_app.model import Article, ArticleRecord, Author, Site
    from feedgen_app.pipeline import BuildResult, build_site

_HOMES = {
    "check_site": "feedgen_app.checking.site",
    "ConfigError": "feedgen_app.errors",
    "ContentError": "feedgen_app.errors",
    "FeedAppError": "feedgen_app.errors",
    "PublishError": "feedgen_app.errors",
    "Article": "feedgen_app.model",
    "ArticleRecord": "feedgen_app.model",
    "Author": "feedgen_app.model",
    "Site": "feedgen_app.model",
    "BuildResult": "feedgen_app.pipeline",
    "build_site": "feedgen_app.pipeline",
}
"""Where each name of the library interface lives; imported on first use (PEP 562), so that
the command line, which imports this package first, starts without all of them."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'feedgen_app' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "Article",
    "ArticleRecord",
    "Author",
    "BuildResult",
    "ConfigError",
    "ContentError",
    "FeedAppError",
    "PublishError",
    "Site",
    "__version__",
    "build_site",
    "check_site",
]

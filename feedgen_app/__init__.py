"""feedgen-app: dated German articles in, Atom, RSS, JSON Feed and HTML pages out.

The library interface (docs/library.md) is what `__all__` names: `build_site` builds a site as
`feedgen-app build` does, `check_site` checks a built one as `feedgen-app check` does, and the
models and errors they take and give. Everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"
"""The one place the version is written (pyproject.toml reads it); set before the imports
below, whose modules read it."""

from feedgen_app.checking.site import check_site
from feedgen_app.errors import ConfigError, ContentError, FeedAppError, PublishError
from feedgen_app.model import Article, ArticleRecord, Author, Site
from feedgen_app.pipeline import BuildResult, build_site

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

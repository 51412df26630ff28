"""A site's own folders beside its config file: `templates/` (Jinja2 templates that replace
the packaged ones of the same name) and `static/` (files copied to the site root as they are).

Both are optional; `feedgen-app init` writes each with a README.md, which the build skips.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEMPLATES_DIR = "templates"
STATIC_DIR = "static"
FOLDER_README = "README.md"
"""Skipped at the top of `templates/` and `static/` (`init` writes one into each); a README.md
in a sub-folder of `static/` is copied like any other file."""


@dataclass(frozen=True)
class SiteFolders:
    """Where a site's own templates and static files are (None: the site has none)."""

    templates: Path | None = None
    static: Path | None = None


def site_folders(config: Path) -> SiteFolders:
    """`templates/` and `static/` beside the config file (`feed.yaml`), as paths relative to
    where the config was named from, so that messages read `templates/article.html:3: ...`."""
    base = config.parent
    return SiteFolders(templates=base / TEMPLATES_DIR, static=base / STATIC_DIR)


def list_site_files(folder: Path | None) -> list[Path]:
    """The files below `folder` that the build uses: hidden files and folders (a name starting
    with `.`) and the README.md at the top left out; sorted; [] when there is no folder. The
    content folder's file-system rules apply (`content.walk_content`: regular files only, no
    link leaving the folder, no folder links)."""
    if folder is None or not folder.is_dir():
        return []
    from feedgen_app.reading.content import walk_content

    readme = folder / FOLDER_README
    found = [path for path in walk_content(folder) if path != readme]
    return sorted(found, key=lambda path: path.parts)

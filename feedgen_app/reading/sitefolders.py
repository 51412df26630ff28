"""A site's own folders beside its config file: `templates/` (Jinja2 templates that replace
the packaged ones of the same name) and `static/` (files copied to the site root as they are).

Both are optional; `feedgen-app init` writes each with a README.md, which the build skips.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from feedgen_app.reading.files import list_folder_files

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
    return [Path(name) for name in list_site_folder(folder)]


def list_site_folder(folder: Path | None) -> list[str]:
    """`list_site_files(folder)` as path strings (see `list_content`)."""
    if folder is None or not folder.is_dir():
        return []
    readme = os.path.join(folder, FOLDER_README)
    found = [name for name in list_content(folder) if name != readme]
    return sorted(found, key=lambda name: name.split(os.sep))


def list_content(folder: Path) -> list[str]:
    """The files of `content.walk_content(folder)`, as path strings, unsorted. A folder of
    plain files and folders only is listed here with no path objects and without importing
    the content reader (a large content folder's scan is mostly this); one with links or
    special files (or an unreadable folder) goes through `walk_content`, which follows its
    rules and states every problem."""
    files, odd, problems = list_folder_files(os.fspath(folder))
    if not odd and not problems:
        return files
    from feedgen_app.reading.content import walk_content

    return [str(path) for path in walk_content(folder)]

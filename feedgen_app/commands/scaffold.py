"""`init`: the files of a new site repository (config, a first article, the publish workflow)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from feedgen_app import __version__
from feedgen_app.commands.authoring import format_file_date
from feedgen_app.errors import ConfigError, ScaffoldError, UsageError
from feedgen_app.i18n import _
from feedgen_app.model import Author, Site
from feedgen_app.reading.config import site_from_mapping
from feedgen_app.reading.yamlkeys import load_mapping

DEFAULT_TITLE = "Meine Nachrichten"
PLACEHOLDER_BASE_URL = "https://example.org/"
"""base_url when none is given: a reserved domain, so nobody mistakes it for a real address."""
WELCOME_SLUG = "willkommen"

_SHA = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class SiteAnswers:
    """What `init` asks for: the site's title, address and author."""

    title: str
    base_url: str
    author: str


@dataclass(frozen=True)
class ActionRef:
    """The ref the workflow pins feedgen-app's action to, and the version it stands for."""

    ref: str
    version: str | None = None
    """Known only when the ref was derived from the running package: shown as `# v<version>`."""

    @property
    def pinned(self) -> bool:
        """True for a full commit SHA (immutable); a tag can be moved."""
        return _SHA.fullmatch(self.ref) is not None

    def uses_suffix(self) -> str:
        """What follows `@` in `uses:`: the ref, and for a derived SHA its version comment."""
        return f"{self.ref} # v{self.version}" if self.pinned and self.version else self.ref


@dataclass(frozen=True)
class SitePlan:
    """The files `init` writes (relative path -> text) and the site they describe."""

    site: Site
    files: tuple[tuple[str, str], ...]


def default_author(title: str) -> str:
    return f"Redaktion {title}"


def normalise_base_url(raw: str) -> str:
    """The address as typed, with the trailing `/` that base_url needs added if it is missing."""
    url = raw.strip()
    return url if url.endswith("/") else url + "/"


def draft_site(answers: SiteAnswers) -> Site:
    """The site before its id_authority is known: enough to decide "now" in its timezone."""
    return Site(
        title=answers.title,
        base_url=answers.base_url,
        author=Author(answers.author),
        id_authority="",
    )


def derive_id_authority(base_url: str, now: datetime) -> str:
    """`example.org,2026`: the base_url's host and the year of `now` (RFC 4151)."""
    host = urlsplit(base_url).hostname or ""
    return f"{host},{now.year}"


_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
"""A tag or branch name as `--action-ref` may give it."""


def find_action_ref(explicit: str | None) -> ActionRef:
    """The action's ref: `explicit` if given; else the commit the running package was installed
    from (pip records it for `pip install git+https://...@SHA`, PEP 610); else `v<version>`.
    Raises UsageError for an explicit ref that is no commit SHA, tag or branch name."""
    if explicit is not None:
        if not _REF.fullmatch(explicit) or ".." in explicit:
            raise UsageError(
                _("--action-ref: {explicit!r} is not a commit SHA, tag or branch").format(
                    explicit=explicit
                )
            )
        return ActionRef(explicit)
    commit = installed_commit()
    if commit is not None:
        return ActionRef(commit, __version__)
    return ActionRef(f"v{__version__}", __version__)


def installed_commit() -> str | None:
    """The full commit SHA the installed package was built from, if pip recorded one."""
    from importlib.metadata import PackageNotFoundError, distribution  # costly to import

    try:
        text = distribution("feedgen-app").read_text("direct_url.json")
    except PackageNotFoundError:
        return None
    try:
        commit = json.loads(text or "{}").get("vcs_info", {}).get("commit_id")
    except (ValueError, AttributeError):
        return None
    return commit if isinstance(commit, str) and _SHA.fullmatch(commit) else None


def plan_site(answers: SiteAnswers, now: datetime, action: ActionRef, target: Path) -> SitePlan:
    """Every file of the new site, validated: the config is read back as `build` reads it and
    the article is parsed, so what `init` writes builds. Raises ConfigError for bad answers."""
    from feedgen_app.reading.content import parse_markdown

    now = now.astimezone(draft_site(answers).tz)  # the year and the date where the site is
    config = fill(
        read_template("feed.yaml"),
        TITLE=quote(answers.title),
        BASE_URL=quote(answers.base_url),
        AUTHOR=quote(answers.author),
        ID_AUTHORITY=quote(derive_id_authority(answers.base_url, now)),
    )
    config_path = target / "feed.yaml"
    try:
        mapping = load_mapping(config, str(config_path))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    site = site_from_mapping(mapping, str(config_path))
    article_name = f"content/{now:%Y-%m-%d}-{WELCOME_SLUG}.md"
    article = fill(read_template("willkommen.md"), DATE=format_file_date(now, True, site))
    parse_markdown(article, target / article_name, site)  # a ContentError if it would not build
    workflow = fill(read_template("publish.yml"), ACTION_REF=action.uses_suffix())
    files = (
        ("feed.yaml", config),
        (article_name, article),
        ("templates/README.md", read_template("templates-README.md")),
        ("static/README.md", read_template("static-README.md")),
        (".gitignore", read_template("gitignore")),
        (".github/workflows/publish.yml", workflow),
    )
    return SitePlan(site=site, files=files)


def write_site(target: Path, plan: SitePlan) -> list[Path]:
    """Write the planned files below `target` (created if need be); return their paths.

    Refuses (ScaffoldError, nothing written) when `target` is not a folder or any planned file
    exists already: `init` starts a site, it never changes one.
    """
    if target.exists() and not target.is_dir():
        raise ScaffoldError(
            _("{target}:1: not a folder; init writes a new site into a folder").format(
                target=target
            )
        )
    existing = [
        target / name
        for name, _ in plan.files
        if (target / name).exists() or (target / name).is_symlink()
    ]
    if existing:
        raise ScaffoldError(
            *(
                _(
                    "{path}:1: exists already; init never overwrites a site (run "
                    "it in an empty folder, or move the file away)"
                ).format(path=path)
                for path in existing
            )
        )
    written = []
    for name, text in plan.files:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(path)
    return written


def read_template(name: str) -> str:
    from importlib.resources import files as package_files

    return package_files("feedgen_app").joinpath("scaffold_files", name).read_text(encoding="utf-8")


_PLACEHOLDER = re.compile(r"__[A-Z_]+__")
"""A `__NAME__` in a scaffold file, which `fill` replaces."""


def fill(template: str, **values: str) -> str:
    """Replace each `__NAME__` in `template`; every placeholder must get a value."""
    wanted = {match[2:-2] for match in _PLACEHOLDER.findall(template)}
    assert wanted == set(values), f"placeholders {sorted(wanted)}, values {sorted(values)}"
    for name, value in values.items():
        template = template.replace(f"__{name}__", value)
    return template


def quote(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(value, ensure_ascii=False)

"""One build end to end, for every command that builds or reads the site: scan the content
folder, read what changed, plan, render what changed into the staging tree, check, publish and
record. The only module that uses the build index (`store`).

The stages, each bounded in memory apart from the records (a few hundred bytes an article):
1. scan: list the content folder; hash only files whose size, mtime or inode changed;
2. recognise an unchanged build from that alone (no article read, no file written);
3. read: parse only new and changed articles (in forked workers for many), store each whole
   article in the index and keep its compact record;
4. plan: every output file with a key over its inputs (records' digests, neighbours, the site,
   the package); an output whose key and published bytes are unchanged is kept as it is;
5. render the others in batches, straight into the staging tree (workers for many), each
   document checked as it is written; then the site rules, the swap, and the index update.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from feedgen_app.cache.store import (
    BuildIndex,
    PublishedTree,
    describe_environment,
    hash_files,
    hash_package,
    open_index,
    read_file_stats,
    set_aside,
    sign_site,
    tree_folders,
)
from feedgen_app.errors import ContentError, PublishError, StoreError
from feedgen_app.formats import ARTICLE_SUFFIXES
from feedgen_app.i18n import _, ngettext, os_reason
from feedgen_app.model import ArticleRecord, Site
from feedgen_app.reading.sitefolders import list_content, list_site_folder

if TYPE_CHECKING:
    from feedgen_app.workers import Helpers

T = TypeVar("T")
CACHE_DIR = Path(".feedgen-cache")
"""The default build cache folder (its index: `cache.store`), relative to the working folder."""
POOL_MIN_JOBS = 400
"""Fewer articles to parse, or files to render, than this are done in this process."""
PAGE_BATCH = 100
"""Article pages a worker renders per job."""


@dataclass(frozen=True)
class BuildRequest:
    """Where to read and write, as of when, and how."""

    content: Path
    out: Path
    cache_dir: Path
    now: datetime
    options: Mapping[str, object]
    """The options that can change the output (part of every output's key)."""
    keep_going: bool = False
    full: bool = False
    """Always take the full path (read every article), even when nothing changed."""
    workers: int = 0
    """Worker processes (0: chosen by the size of the work and the machine)."""
    templates: Path | None = None
    """The site's template folder: its files replace packaged templates of the same name."""
    static: Path | None = None
    """The site's static folder: copied to the site root as it is."""
    drafts: bool = False
    """Publish drafts too, like any other article (the `serve` preview, which marks them)."""


@dataclass(frozen=True)
class BuildProgress:
    """Callbacks for a progress display; the defaults show nothing."""

    articles_read: Callable[[int, int], None] = lambda done, total: None
    stage: Callable[[str], None] = lambda line: None
    done: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the caller to report."""

    published_count: int
    scheduled: tuple[tuple[str, str, datetime], ...]
    """(slug, title, due) of each scheduled article, soonest first."""
    site_hash: str
    problems: tuple[str, ...] = ()
    """Broken articles left out (only with keep_going; otherwise they raise ContentError)."""
    warnings: tuple[str, ...] = ()
    published: tuple[ArticleRecord, ...] = ()
    """The published articles; empty when the build was recognised as unchanged early."""
    scheduled_articles: tuple[ArticleRecord, ...] = field(default=())
    written: int = 0
    """Output files rendered and written (0 for an unchanged build)."""
    drafts: int = 0
    """How many of the published articles are drafts (only with `BuildRequest.drafts`)."""

    @property
    def next_due(self) -> datetime | None:
        return min((due for _, _, due in self.scheduled), default=None)


@dataclass
class ContentScan:
    """The content folder as this build found it."""

    articles: list[str]
    """The article files (path strings), sorted."""
    media: list[Path]
    hashes: dict[str, str]
    """path -> SHA-256 of every readable file (unchanged ones from the index); of the
    media, static and template files only once the articles are read
    (`drop_article_hashes`)."""
    changed: dict[str, tuple[int, int, int, str]]
    """Rows of the index's file table that this scan learned."""
    gone: list[str]
    """Files the index knows that are no longer there."""
    static: list[Path] = field(default_factory=list)
    """The site's static files (sitefolders.list_site_files)."""
    templates: list[Path] = field(default_factory=list)
    """The files of the site's template folder."""
    unreadable: dict[str, str] = field(default_factory=dict)
    """path -> why it could not be read (`FILE:1: cannot read the file: …`)."""

    def drop_article_hashes(self) -> None:
        """Drop the article files' hashes once the articles are read: only the media,
        static and template files' are used after that (a build of 100,000 articles holds
        some 16 MB less)."""
        articles = set(self.articles)
        self.hashes = {path: sha for path, sha in self.hashes.items() if path not in articles}

    def unreadable_problem(self, path: Path) -> str:
        """The problem line for a file the scan could not read."""
        return self.unreadable.get(str(path), _("{path}:1: cannot read the file").format(path=path))


@dataclass(frozen=True)
class Reading:
    """The articles of the content folder, as records, and one line per problem."""

    records: tuple[ArticleRecord, ...]
    """Newest first."""
    problems: tuple[str, ...]

    def published(self, now: datetime, drafts: bool = False) -> tuple[ArticleRecord, ...]:
        """The articles a build at `now` publishes: nothing dated after `now`, and no drafts
        unless `drafts`."""
        return tuple(r for r in self.records if (drafts or not r.draft) and r.published <= now)

    def scheduled(self, now: datetime, drafts: bool = False) -> tuple[ArticleRecord, ...]:
        """Articles dated after `now` (drafts only if `drafts`), soonest first."""
        waiting = [r for r in self.records if (drafts or not r.draft) and r.published > now]
        return tuple(sorted(waiting, key=lambda r: (r.published, r.slug)))


# ---------------------------------------------------------------------------------------------
# The build


def build_site(
    config: Path,
    content: Path,
    out: Path,
    now: datetime | None = None,
    *,
    cache_dir: Path = CACHE_DIR,
    keep_going: bool = False,
    workers: int = 0,
) -> BuildResult:
    """Build the site of `config` (feed.yaml) from the articles in `content` into `out`, as
    `feedgen-app build` does (the library interface, docs/library.md): the site's templates/
    and static/ beside the config are used, and `out` is replaced in one atomic step.

    `now` (default: the current time; without a timezone: the site's) decides what is
    published. ConfigError, ContentError or PublishError say what is wrong; nothing is
    published then (with `keep_going`, broken articles are left out and listed in the
    result's `problems` instead)."""
    from feedgen_app.reading.config import load_site
    from feedgen_app.reading.dates import localize
    from feedgen_app.reading.sitefolders import site_folders

    site = load_site(config)
    folders = site_folders(config)
    when = datetime.now(UTC) if now is None else localize(now, site.tz)
    request = BuildRequest(
        content=content,
        out=out,
        cache_dir=cache_dir,
        now=when.astimezone(site.tz),
        options={"keep_going": keep_going},
        keep_going=keep_going,
        workers=workers,
        templates=folders.templates,
        static=folders.static,
    )
    return run_build(site, request)


def run_build(
    site: Site, request: BuildRequest, progress: BuildProgress | None = None
) -> BuildResult:
    """Build the site into `request.out`; raise ContentError for broken articles unless
    `keep_going`. A build with nothing changed reads no article and writes no file."""
    steps = progress or BuildProgress()
    return with_index(request.cache_dir, lambda index: build_with(index, site, request, steps))


def with_index(cache_dir: Path, action: Callable[[BuildIndex], T]) -> T:
    """`action(index)` with the build index of `cache_dir`; when the index breaks on the way
    (a corrupt page found only now), it is set aside with a warning and the action runs once
    more with a new, empty one."""
    index = open_build_index(cache_dir)
    try:
        try:
            return action(index)
        except StoreError as exc:
            index.fail(str(exc))
            set_aside(index)
            warnings = index.warnings
            index = open_build_index(cache_dir)
            index.warnings[:0] = warnings
            return action(index)
    finally:
        index.close()


def build_with(
    index: BuildIndex, site: Site, request: BuildRequest, progress: BuildProgress
) -> BuildResult:
    """`run_build` with an open index."""
    from feedgen_app.workers import Helpers

    listing = list_inputs(request.content, request.static, request.templates)
    known = read_file_stats(index)
    early = early_workers(listing, known, request)
    if early > 1:
        import_stages()
    with Helpers(early) as started:
        helpers = started if started.pool is not None else None
        scan = hash_inputs(index, listing, known)
        del known
        inputs = inputs_key(site, request, scan)
        remember_files(index, scan)  # what a file holds is known whatever the build does next
        if not request.full:
            unchanged = find_unchanged_build(index, inputs, request)
            if unchanged is not None:
                return unchanged
        reading = read_content(index, site, request, scan, progress, helpers)
        scan.drop_article_hashes()
        if reading.problems and not request.keep_going:
            raise ContentError(*reading.problems)
        published = reading.published(request.now, request.drafts)
        scheduled = reading.scheduled(request.now, request.drafts)
        progress.stage(
            ngettext(
                "{count} article: writing pages and feeds …",
                "{count} articles: writing pages and feeds …",
                len(published),
            ).format(count=len(published))
        )
        try:
            site_hash, written, memo, files = publish_site(
                site, request, index, published, scan, helpers
            )
        finally:
            progress.done()
    remember_build(
        index, request, inputs, memo, files, published, scheduled, reading.problems, site_hash
    )
    return BuildResult(
        published_count=len(published),
        scheduled=tuple((r.slug, r.title, r.published) for r in scheduled),
        site_hash=site_hash,
        problems=reading.problems,
        warnings=tuple(index.warnings),
        published=published,
        scheduled_articles=scheduled,
        written=written,
        drafts=sum(r.draft for r in published),
    )


def read_site(
    site: Site, content: Path, cache_dir: Path, warnings: list[str] | None = None
) -> Reading:
    """The articles of `content` as records (through the index, so unchanged articles are not
    parsed again), without building anything: for `ping` and `check --against`."""
    request = BuildRequest(
        content=content, out=content, cache_dir=cache_dir, now=datetime.max, options={}
    )

    def read(index: BuildIndex) -> Reading:
        scan = scan_content(index, content)
        reading = read_content(index, site, request, scan, BuildProgress())
        remember_files(index, scan)
        if warnings is not None:
            warnings.extend(index.warnings)
        return reading

    return with_index(cache_dir, read)


def open_build_index(cache_dir: Path) -> BuildIndex:
    """The build index in `cache_dir`; when it cannot be created there (an unwritable or
    odd folder: warned about), one in a temporary folder that lives as long as the build."""
    index = open_index(cache_dir)
    if index.connection is None:
        import tempfile

        scratch = Path(tempfile.mkdtemp(prefix="feedgen-app-index-"))
        fallback = open_index(scratch)
        fallback.warnings[:0] = index.warnings
        fallback.scratch = scratch
        return fallback
    return index


# ---------------------------------------------------------------------------------------------
# 1. scan


def scan_content(
    index: BuildIndex,
    content_dir: Path,
    static_dir: Path | None = None,
    templates_dir: Path | None = None,
) -> ContentScan:
    """List the content folder (once, under its file-system rules: see
    `content.walk_content`) and the site's static and template folders, and hash what
    changed since the index last saw it."""
    listing = list_inputs(content_dir, static_dir, templates_dir)
    return hash_inputs(index, listing, read_file_stats(index))


@dataclass
class Listing:
    """The files of the content folder and of the site's folders, not yet read."""

    articles: list[str]
    media: list[Path]
    static: list[Path]
    templates: list[Path]


def list_inputs(
    content_dir: Path, static_dir: Path | None = None, templates_dir: Path | None = None
) -> Listing:
    """The first half of `scan_content`: the files, sorted."""
    if not content_dir.is_dir():
        raise ContentError(
            _("{content_dir}:1: content folder not found").format(content_dir=content_dir)
        )
    articles: list[str] = []
    media: list[Path] = []
    for name in list_content(content_dir):
        if name.endswith(ARTICLE_SUFFIXES):
            articles.append(name)
        else:
            media.append(Path(name))
    articles.sort(key=path_order)
    media.sort()
    static = [Path(name) for name in list_site_folder(static_dir)]
    templates = [Path(name) for name in list_site_folder(templates_dir)]
    return Listing(articles, media, static, templates)


def hash_inputs(
    index: BuildIndex, listing: Listing, known: dict[str, tuple[int, int, int, str]]
) -> ContentScan:
    """The second half of `scan_content`: each file's SHA-256 (from `known`, the index's
    file table, when its stat is unchanged)."""
    files = [
        *listing.articles,
        *map(str, [*listing.media, *listing.static, *listing.templates]),
    ]
    hashes, changed, unreadable = hash_files(index, files, known)
    present = set(files)
    gone = [path for path in known if path not in present]
    return ContentScan(
        articles=listing.articles,
        media=listing.media,
        hashes=hashes,
        changed=changed,
        gone=gone,
        static=listing.static,
        templates=listing.templates,
        unreadable=unreadable,
    )


def path_order(name: str) -> str:
    """A sort key that orders paths folder by folder, as `name.split(os.sep)` would (a folder's
    name before the names it is a prefix of: `a/b` before `a-b`), but as one string: the
    separator becomes NUL, which sorts before every character a name can hold."""
    return name.replace(os.sep, "\0")


def inputs_key(site: Site, request: BuildRequest, scan: ContentScan) -> str | None:
    """The key of every input but "now", taken before any article is read (so a file saved
    during the build makes the next build a real one); None if a file could not be read."""
    files = len(scan.articles) + len(scan.media) + len(scan.static) + len(scan.templates)
    if len(scan.hashes) != files:
        return None
    parts = [
        sign_site(site, request.content),
        str(request.out.absolute()),
        request.drafts,
        sorted((k, repr(v)) for k, v in request.options.items()),
    ]
    digest = hashlib.sha256(json.dumps(parts).encode("utf-8"))
    # then every file and its hash, each ended by NUL (which no path holds; the hashes have
    # one length), as UTF-8 with surrogateescape (which keeps any byte of a name apart)
    listing = "".join(f"{path}\0{sha}\0" for path, sha in sorted(scan.hashes.items()))
    digest.update(listing.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# 2. an unchanged build


def last_published(index: BuildIndex, request: BuildRequest) -> PublishedTree | None:
    """What the last build left in `request.out` (see `is_output_untouched`); None when that
    build cannot be the result of this one anyway, at this "now" or for this output folder."""
    early = index.last.get("early")
    if not isinstance(early, dict) or early.get("out") != str(request.out.absolute()):
        return None
    if not early["from"] <= request.now.timestamp() < early["until"]:
        return None
    from feedgen_app.cache.store import read_published

    return read_published(index)


def find_unchanged_build(
    index: BuildIndex, inputs: str | None, request: BuildRequest
) -> BuildResult | None:
    """The last build, if its inputs are the same, "now" publishes the same articles and its
    output is exactly as it left it; else None. Reads no article, writes no file."""
    early = index.last.get("early")
    if inputs is None or not isinstance(early, dict) or early.get("inputs") != inputs:
        return None
    published = last_published(index, request)
    if published is None or not is_output_untouched(request.out, published):
        return None
    from feedgen_app.cache.store import decode_value

    scheduled = tuple((slug, title, decode_value(due)) for slug, title, due in early["scheduled"])
    return BuildResult(
        published_count=early["published"],
        scheduled=scheduled,
        site_hash=str(early.get("site_hash", "")),
        warnings=tuple(index.warnings),
        drafts=early.get("drafts", 0),
    )


def is_output_untouched(out_dir: Path, tree: PublishedTree) -> bool:
    """True when `out_dir` is exactly as `stat_tree` recorded it: every file with the same
    size, mtime and inode, and every folder with the same mtime and inode (a file added,
    removed or renamed in a folder changes the folder's mtime), so no file is more or less."""
    if not tree.names:
        return False
    root = os.fspath(out_dir)
    stat = os.stat
    files = len(tree.names)
    number = -1
    for number, name in enumerate(chain(tree.names, tree_folders(tree.names))):
        try:
            info = stat(f"{root}/{name}")
        except OSError:
            return False
        if number >= len(tree) or (info.st_mtime_ns, info.st_ino) != (
            tree.mtimes[number],
            tree.inodes[number],
        ):
            return False
        if number < files and info.st_size != tree.sizes[number]:
            return False
    return number + 1 == len(tree)


def stat_tree(out_dir: Path, names: Sequence[str]) -> PublishedTree | None:
    """The size, mtime and inode of the files `names` (sorted, so that each folder's files
    come together) and the mtime and inode of every folder holding them, the output folder
    itself included; None if one is missing."""
    tree = PublishedTree(names)
    root = os.fspath(out_dir)
    stat = os.stat
    for name in chain(names, tree_folders(names)):
        try:
            info = stat(f"{root}/{name}")
        except OSError:
            return None
        tree.add(info.st_size, info.st_mtime_ns, info.st_ino)
    return tree


# ---------------------------------------------------------------------------------------------
# 3. read


def early_workers(listing: Listing, known: Mapping[str, object], request: BuildRequest) -> int:
    """The processes to start before the build hashes or reads anything (see
    `workers.Helpers`): as many as parsing needs when so many articles are new to the index
    that it needs more than this one (a first build above all); else 1, and a stage that
    turns out to need workers forks its own."""
    new = sum(1 for name in listing.articles if name not in known)
    return choose_workers(new, request.workers)


def import_stages() -> None:
    """Import what parsing, rendering and checking use before workers are forked: every
    process then shares one copy of the modules instead of importing its own."""
    import importlib

    for name in ("checking.site", "reading.content", "rendering.pages", "rendering.plan"):
        importlib.import_module(f"feedgen_app.{name}")


def read_content(
    index: BuildIndex,
    site: Site,
    request: BuildRequest,
    scan: ContentScan,
    progress: BuildProgress,
    helpers: Helpers | None = None,
) -> Reading:
    """Records of every article: stored ones whose file and site are unchanged, the others
    parsed (and stored); duplicate slugs and IDs are problems."""
    from feedgen_app.cache.store import forget_articles, read_article_keys, read_records
    from feedgen_app.model import sort_articles
    from feedgen_app.reading.content import refuse_duplicates

    signature = sign_site(site, request.content)
    stored = read_article_keys(index)
    sources = scan.articles
    reusable = [
        s
        for s in sources
        if scan.hashes.get(s) is not None and stored.get(s) == (scan.hashes[s], signature)
    ]
    records = read_records(index, reusable)
    to_parse = [s for s in sources if s not in records]  # strings: Paths would be 29 MB at 100k
    parsed, problems = parse_and_store(
        index, site, request, to_parse, scan, signature, progress, helpers
    )
    records.update(parsed)
    progress.articles_read(len(sources), len(sources))
    present = set(sources)
    stale = [s for s in stored if s not in present]
    if stale:
        forget_articles(index, stale)
    unique, duplicate_slugs = refuse_duplicates(records.values(), "slug")
    unique, duplicate_ids = refuse_duplicates(unique, "entry_id")
    return Reading(
        records=sort_articles(unique), problems=tuple(problems + duplicate_slugs + duplicate_ids)
    )


def parse_and_store(
    index: BuildIndex,
    site: Site,
    request: BuildRequest,
    paths: list[str],
    scan: ContentScan,
    signature: str,
    progress: BuildProgress,
    helpers: Helpers | None = None,
) -> tuple[dict[str, ArticleRecord], list[str]]:
    """Parse `paths` (with forked workers for many) and store each article in the index."""
    from feedgen_app.cache.store import decode_record, write_articles

    records: dict[str, ArticleRecord] = {}
    problems: list[str] = []
    rows = []
    done = 0
    for source, result in parse_articles(
        paths,
        site,
        request.content,
        helpers.processes if helpers else choose_workers(len(paths), request.workers),
        helpers,
    ):
        done += 1
        progress.articles_read(done, len(paths))
        if isinstance(result, list):
            problems.extend(result)
            continue
        record_blob, blob, has_files = result
        record = decode_record(record_blob)
        records[source] = record
        # An article with a lead image or body links depends on other files: parsed every build.
        sha = "" if has_files else scan.hashes.get(source, "")
        rows.append((source, sha, signature, record, blob))
        if len(rows) >= 1000:
            write_articles(index, rows)
            rows.clear()
    write_articles(index, rows)
    return records, problems


ParseResult = tuple[str, tuple[bytes, bytes, bool] | list[str]]


def parse_articles(
    paths: Sequence[str | Path],
    site: Site,
    content_dir: Path,
    workers: int,
    helpers: Helpers | None = None,
) -> Iterable[ParseResult]:
    """(source, (record bytes, article bytes, uses other files) or [problem lines]) per path,
    in order; parsed by `workers` processes (this one and forked ones; the build's
    `helpers` when it started them) when that is more than one."""
    if workers <= 1:
        for path in paths:
            yield parse_one(Path(path), site, content_dir)
        return
    size = max(16, min(200, len(paths) // (workers * 8) or 1))
    chunks = [(list(paths[i : i + size]), site, content_dir) for i in range(0, len(paths), size)]
    from feedgen_app.workers import helpers_for

    with helpers_for(helpers, workers) as team:
        for results in team.map(parse_chunk, _same, parse_chunk, chunks):
            yield from results


def _same(item: T) -> T:
    return item


def parse_chunk(job: tuple[list[str | Path], Site, Path]) -> list[ParseResult]:
    paths, site, content_dir = job
    return [parse_one(Path(path), site, content_dir) for path in paths]


def parse_one(path: Path, site: Site, content_dir: Path) -> ParseResult:
    """Parse one article into its stored form; errors come back as their problem lines."""
    from feedgen_app.cache.store import digest_blob, encode_article, encode_record
    from feedgen_app.model import make_record
    from feedgen_app.reading.content import read_article

    try:
        article = read_article(path, site, content_dir)
    except ContentError as exc:
        return str(path), list(exc.problems)
    blob = encode_article(article)
    record = make_record(article, digest_blob(blob))
    return str(path), (
        encode_record(record),
        blob,
        article.image is not None or bool(article.body_files),
    )


def choose_workers(count: int, requested: int = 0) -> int:
    """Worker processes for `count` jobs: `requested` if given; else 1 (this process) for
    small work, in a process that runs other threads (forking them is unsafe) or cannot
    fork, and otherwise one per CPU (at most 4: the work is partly disk-bound)."""
    if requested <= 0 and count < POOL_MIN_JOBS:
        return 1
    import multiprocessing  # only for a pool

    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested > 0:
        return requested
    return max(1, min(os.cpu_count() or 1, 4))


# ---------------------------------------------------------------------------------------------
# 4. and 5. plan, render, check, publish


def sign_outputs(theme: Sequence[tuple[str, str]] = ()) -> str:
    """What rendered output depends on besides its inputs: versions, the environment, the
    package's code, templates and static files, and the site's own templates (`theme`:
    (path in the folder, SHA-256) of each)."""
    from feedgen_app.cache.store import ENVIRONMENT_VARIABLES

    environment = [os.environ.get(name) for name in ENVIRONMENT_VARIABLES]
    text = json.dumps([describe_environment(), hash_package(), environment, list(theme)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sign_theme(templates_dir: Path | None, scan: ContentScan) -> list[tuple[str, str]]:
    """(path below the template folder, SHA-256) of each of the site's template files."""
    if templates_dir is None:
        return []
    return [
        (path.relative_to(templates_dir).as_posix(), scan.hashes.get(str(path), ""))
        for path in scan.templates
    ]


def publish_site(
    site: Site,
    request: BuildRequest,
    index: BuildIndex,
    published: Sequence[ArticleRecord],
    scan: ContentScan,
    helpers: Helpers | None = None,
) -> tuple[str, int, dict[str, tuple[str, str]], list[str]]:
    """Render what changed into the staging tree, check it and swap it in; the site's
    content hash, how many files were rendered, each output's key and SHA-256, and every
    file published."""
    from feedgen_app.cache.store import ArticleLoader, read_outputs
    from feedgen_app.publishing.publish import Staging
    from feedgen_app.rendering.pages import check_theme
    from feedgen_app.rendering.plan import OutputKeys, plan_outputs

    theme = request.templates if scan.templates else None
    theme_files = sign_theme(theme, scan)
    check_theme(theme, theme_files)
    loader = ArticleLoader(index.path)
    keys = OutputKeys(site, sign_outputs(theme_files))
    teasers = TeaserWork.open(site, theme, keys, index)
    plan = plan_outputs(
        site, published, loader, now=request.now, theme=theme, teasers=teasers.store, keys=keys
    )
    media = plan_media(request.content, scan, plan)
    media.update(plan_static(request.static, scan, plan, media))
    memo = read_outputs(index)
    with Staging(request.out, request.content) as staging:
        staging.prepare([*plan, *media])
        digests: dict[str, str] = {}
        todo = []
        for name, (key, _) in plan.items():
            known = memo.get(name)
            # keep() succeeds only when the published file is still the one with that SHA-256
            if known is not None and known[0] == key and staging.keep(name, known[1]):
                digests[name] = known[1]
            else:
                todo.append(name)
        for name, (path, sha) in media.items():
            if not staging.keep(name, sha):
                sha = copy_media(staging, name, path)
            digests[name] = sha
        rendered, findings = render_outputs(
            todo, plan, staging, request, published, teasers, index, helpers
        )
        digests.update(rendered)
        refuse_findings(findings, request.out)
        site_hash = staging.commit(digests)
    memo = {name: (key, digests[name]) for name, (key, _) in plan.items()}
    return site_hash, len(todo), memo, sorted(digests)


def refuse_findings(findings: Sequence[str], out_dir: Path) -> None:
    """A new site with findings is never published: PublishError listing them."""
    if findings:
        raise PublishError(
            *findings,
            _(
                "{out_dir}:1: the new site fails `feedgen-app check` (findings "
                "above); the old site stays as it was"
            ).format(out_dir=out_dir),
        )


def write_site(
    out_dir: Path, files: Mapping[str, bytes], content_dir: Path | None = None
) -> dict[str, str]:
    """Publish a site held in memory (output path -> bytes) as a build does: every path inside
    the output folder, the whole plan checked as `feedgen-app check` checks it (one with
    findings is never written), then swapped in atomically; every published file's SHA-256.
    For tests and small tools: `run_build` renders straight into the staging tree instead."""
    from feedgen_app.checking.site import check_files
    from feedgen_app.publishing.publish import check_relative_path, write_files

    for name in files:
        check_relative_path(name)
    refuse_findings(check_files(files, prefix=f"{out_dir}/"), out_dir)
    return write_files(out_dir, files, content_dir)


def plan_media(
    content_dir: Path, scan: ContentScan, plan: Mapping[str, object]
) -> dict[str, tuple[Path, str]]:
    """Media files by output path -> (file, SHA-256); none may replace a generated file, and
    none at the top of the content folder may be a file for the site root (`CNAME`). Output
    paths are NFC-normalised (macOS writes NFD names); two names equal after that are an
    error."""
    from feedgen_app.reading.content import site_root_problem

    media: dict[str, tuple[Path, str]] = {}
    for path in scan.media:
        name = unicodedata.normalize("NFC", path.relative_to(content_dir).as_posix())
        if name in media:
            raise ContentError(
                _(
                    "{path}:1: the same name as {media} once Unicode is normalised "
                    "(NFC); both would be published as {name!r}: rename one"
                ).format(path=path, media=media[name][0], name=name)
            )
        media[name] = (path, scan.hashes.get(str(path), ""))
    misplaced = [
        problem for path, _ in media.values() if (problem := site_root_problem(path, content_dir))
    ]
    if misplaced:
        raise ContentError(*misplaced)
    clashes = [
        _(
            "{path}:1: the media file {path} in the content folder would "
            "replace the generated file of the same path; rename or move "
            "it"
        ).format(path=path)
        for path in media
        if path in plan
    ]
    if clashes:
        raise ContentError(*clashes)
    unreadable = [scan.unreadable_problem(path) for path, sha in media.values() if not sha]
    if unreadable:
        raise ContentError(*unreadable)
    return media


def plan_static(
    static_dir: Path | None,
    scan: ContentScan,
    plan: dict[str, Any],
    media: Mapping[str, tuple[Path, str]],
) -> dict[str, tuple[Path, str]]:
    """The site's static files by output path (their path below `static/`) -> (file,
    SHA-256). A static file may replace a generated `robots.txt` (removed from `plan`);
    replacing any other generated file or a media file, or standing where either needs a
    folder (or the reverse), is an error naming both."""
    from feedgen_app.rendering.discovery import ROBOTS

    if static_dir is None or not scan.static:
        return {}
    static = {
        path.relative_to(static_dir).as_posix(): (path, scan.hashes.get(str(path), ""))
        for path in scan.static
    }
    if ROBOTS in static:
        plan.pop(ROBOTS, None)
    problems = []
    for name, (path, _data) in static.items():
        if name in plan:
            problems.append(
                _(
                    "{path}:1: the static file would replace the generated {name}; "
                    "rename or remove it (a page's look is changed through the site's "
                    "templates/ folder)"
                ).format(path=path, name=name)
            )
        elif name in media:
            problems.append(
                _(
                    "{path}:1: the static file and {media} in the content folder "
                    "would both be published as {name}; keep one of them"
                ).format(path=path, media=media[name][0], name=name)
            )
    folders = {folder for name in (*plan, *media) for folder in _parents(name)}
    for name, (path, _data) in static.items():
        if name in folders:
            problems.append(
                _(
                    "{path}:1: the static file stands where the site needs the folder "
                    "{name}/; rename it"
                ).format(path=path, name=name)
            )
        taken = next((p for p in _parents(name) if p in plan or p in media), None)
        if taken is not None:
            problems.append(
                _(
                    "{path}:1: the static folder {taken}/ stands where the site has "
                    "the file {taken}; rename the folder"
                ).format(path=path, taken=taken)
            )
    problems += [scan.unreadable_problem(path) for path, sha in static.values() if not sha]
    if problems:
        raise ContentError(*problems)
    return static


def _parents(name: str) -> list[str]:
    """The folders a relative output path lies in: `a/b/c.txt` -> [`a`, `a/b`]."""
    parts = name.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def copy_media(staging: Any, name: str, path: Path) -> str:
    """Write a media file into the staging tree; its SHA-256 (of the bytes written)."""
    from feedgen_app.reading.files import read_regular_file

    try:
        data = read_regular_file(path)
    except OSError as exc:
        raise ContentError(
            _("{path}:1: cannot read the file: {strerror}").format(
                path=path, strerror=os_reason(exc)
            )
        ) from None
    staging.write(name, data)
    return hashlib.sha256(data).hexdigest()


RenderResult = tuple[str, str, list[str], Any]
"""(path, SHA-256, findings, the full check's report of a subscription document or None)."""
TeaserRow = tuple[str, str, bytes]
"""A rendered teaser as the index stores it (`store.teaser_row`)."""


@dataclass(frozen=True)
class TeaserWork:
    """Teasers (what the index and tag pages show of an article) are rendered once, with the
    article's own page, and stored in the index; the list pages, rendered after every other
    file, put them together from there (rendering only those they do not find)."""

    site: Site
    theme: Path | None
    store: Any
    """The index's teasers (`store.TeaserStore`), which the list pages read."""

    @staticmethod
    def open(site: Site, theme: Path | None, keys: Any, index: BuildIndex) -> TeaserWork:
        """Teasers keyed like the output files, by `keys` (`plan.OutputKeys`, salted with
        the package, templates, versions)."""
        from feedgen_app.cache.store import TeaserStore

        path = index.path if index.connection is not None else None
        store = TeaserStore(path, keys.teaser_key)
        return TeaserWork(site, theme, store)

    def of_page(self, name: str, renderer: Any) -> list[TeaserRow]:
        """The teaser of the article whose page `name` is (none for other files)."""
        from feedgen_app.cache.store import teaser_row
        from feedgen_app.rendering.pages import render_teaser

        records: tuple[ArticleRecord, ...] = getattr(renderer, "records", ())
        if len(records) != 1 or name != f"{records[0].path}index.html":
            return []
        record = records[0]
        html = render_teaser(self.site, record, self.theme)
        return [teaser_row(record, self.store.key_of(record), html)]


def is_bounded_output(name: str) -> bool:
    """An article page or a feed or archive document: a file that shows a bounded number of
    articles (itself and its neighbours; a feed's newest entries; a month). The workers get
    these, each job with its renderers (pickled, so that no worker touches, and copies, the
    pages of memory that hold the plan and its records). The rest is rendered here, after
    them: the index and the tag pages (put together from the teasers stored meanwhile), the
    sitemaps and the small pages; several of them show every article."""
    from feedgen_app.rendering.discovery import SITEMAP_DIR, SITEMAPS

    if name.endswith((".xml", ".json")):
        return name not in SITEMAPS and not name.startswith(SITEMAP_DIR)
    return name.endswith("/index.html") and name.count("/") == 1 and not name.startswith("tags/")


def render_outputs(
    todo: list[str],
    plan: Mapping[str, tuple[str, Any]],
    staging: Any,
    request: BuildRequest,
    published: Sequence[ArticleRecord],
    teasers: TeaserWork | None = None,
    index: BuildIndex | None = None,
    helpers: Helpers | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Render `todo` into the staging tree (in forked workers for many), check each document
    as it is written, then the rules across documents; (path -> SHA-256, findings). The list
    pages come last, when the teasers of the pages rendered before are stored."""
    from feedgen_app.cache.store import record_teasers
    from feedgen_app.checking.site import check_tree

    prefix = f"{request.out}/"
    jobs = batch_jobs(todo)
    # workers the build started early work whatever the count (they are there already)
    workers = helpers.processes if helpers else choose_workers(len(todo), request.workers)
    digests: dict[str, str] = {}
    findings: list[str] = []
    reports = {}
    pooled: list[list[str]] = []
    here: list[list[str]] = []
    for job in jobs:
        (pooled if all(map(is_bounded_output, job)) else here).append(job)
    for wave, count in ((pooled, workers), (here, 1)):
        done = run_jobs(wave, plan, staging, prefix, count, teasers, helpers if count > 1 else None)
        for job, (results, rows) in zip(wave, done, strict=True):
            if index is not None:
                record_teasers(index, rows)
            own = {name: name for name in job}  # kept: the plan's names, not a worker's copies
            for name, sha, found, report in results:
                digests[own[name]] = sha
                findings += found
                if report is not None:
                    reports[own[name]] = report
    if reports:
        names = set(plan)
        findings += check_tree(names, reports.get, sorted(reports), prefix)
    findings += check_entry_pages(plan, published, prefix)
    return digests, findings


def batch_jobs(todo: Sequence[str]) -> list[list[str]]:
    """Jobs for the workers: the documents of one feed history step together (they load the
    same articles), article pages in batches of PAGE_BATCH, everything else alone."""
    groups: dict[str, list[str]] = {}
    pages: list[str] = []
    for name in todo:
        if not is_bounded_output(name):
            groups.setdefault(name, []).append(name)
        elif name.endswith((".xml", ".json")):
            groups.setdefault(os.path.dirname(name) + "|" + _month_of(name), []).append(name)
        else:
            pages.append(name)
    jobs = list(groups.values())
    jobs += [pages[i : i + PAGE_BATCH] for i in range(0, len(pages), PAGE_BATCH)]
    return jobs


def _month_of(name: str) -> str:
    base = os.path.basename(name)
    return base.split(".", 1)[0] if base[:4].isdigit() else ""


def run_jobs(
    jobs: list[list[str]],
    plan: Mapping[str, tuple[str, Any]],
    staging: Any,
    prefix: str,
    workers: int,
    teasers: TeaserWork | None = None,
    helpers: Helpers | None = None,
) -> Iterable[tuple[list[RenderResult], list[TeaserRow]]]:
    """Each job's results and teasers, rendered by `workers` processes (this one and forked
    ones; the build's `helpers` when it started them). A forked worker gets each job with its
    renderers and where to write (pickled): nothing it would read from inherited memory."""
    if workers <= 1 or len(jobs) < 2:
        for job in jobs:
            yield render_job(job, plan, staging, prefix, teasers)
        return
    from feedgen_app.workers import helpers_for

    def hand(job: list[str]) -> HandedJob:
        staging.clear(job)  # a file of the previous generation is replaced: removed here
        return staging, prefix, teasers, [(name, plan[name][1]) for name in job]

    with helpers_for(helpers, workers) as team:
        yield from team.map(
            _render_handed, hand, lambda job: render_job(job, plan, staging, prefix, teasers), jobs
        )


HandedJob = tuple[Any, str, "TeaserWork | None", list[tuple[str, Any]]]
"""A render job as a worker gets it: (staging tree, output prefix, teasers, [(path,
renderer)])."""


def _render_handed(handed: HandedJob) -> tuple[list[RenderResult], list[TeaserRow]]:
    staging, prefix, teasers, job = handed
    plan = {name: ("", renderer) for name, renderer in job}
    return render_job(list(plan), plan, staging, prefix, teasers)


def render_job(
    job: Sequence[str],
    plan: Mapping[str, tuple[str, Any]],
    staging: Any,
    prefix: str,
    teasers: TeaserWork | None = None,
) -> tuple[list[RenderResult], list[TeaserRow]]:
    """Render, check and write the files of one job; also the teasers rendered on the way
    (with each article page, and those a list page did not find)."""
    from feedgen_app.checking.site import StreamGate, gate_document

    load_together([plan[name][1] for name in job])
    results = []
    rows: list[TeaserRow] = []
    together = streamed_together(job, plan)
    if together:
        results += write_streamed(together, plan, staging, prefix)
    for name in job:
        if name in together:
            continue
        if teasers is not None:
            rows += teasers.of_page(name, plan[name][1])
        data = plan[name][1]()
        if isinstance(data, bytes):
            digest = hashlib.sha256(data).hexdigest()
            findings: list[str] = []
            report = None
            if name.endswith((".xml", ".json")) and not name.startswith("."):
                findings, report = gate_document(
                    prefix + name, data, full=is_subscription_document(name)
                )
            staging.write(name, data)
        else:
            hasher = hashlib.sha256()
            gate = StreamGate(prefix + name) if name.endswith((".xml", ".json")) else None
            staging.write(name, _hashing(data, hasher, gate))
            digest, report = hasher.hexdigest(), None
            findings = gate.close() if gate is not None else []
        results.append((name, digest, findings, report))
    if teasers is not None:
        rows += teasers.store.take_added()
    return results, rows


def streamed_together(job: Sequence[str], plan: Mapping[str, tuple[str, Any]]) -> list[str]:
    """The files of `job` that are streamed from the very same articles (a month's archive
    in its three formats), when there are several: they are written together."""
    from feedgen_app.rendering.render import StreamedRenderer

    streamed = [name for name in job if isinstance(plan[name][1], StreamedRenderer)]
    if len(streamed) < 2:
        return []
    first = plan[streamed[0]][1]
    same = all(
        plan[name][1].records is first.records and plan[name][1].load is first.load
        for name in streamed
    )
    return streamed if same else []


def write_streamed(
    names: Sequence[str], plan: Mapping[str, tuple[str, Any]], staging: Any, prefix: str
) -> list[RenderResult]:
    """Write documents streamed from the same articles together, a piece of each in turn:
    each article is loaded once for all of them and held only until all have written it
    (`itertools.tee` keeps what the slowest has not taken yet: an article or two). Each is
    hashed and checked as it is written."""
    import itertools

    from feedgen_app.checking.site import StreamGate

    renderers = [plan[name][1] for name in names]
    shared = itertools.tee(renderers[0].each_article(), len(names))
    hashers = [hashlib.sha256() for _ in names]
    gates = [StreamGate(prefix + name) for name in names]
    staging.write_together(
        [
            (name, _hashing(_pieces(renderer.draw_from(articles)), hasher, gate))
            for name, renderer, articles, hasher, gate in zip(
                names, renderers, shared, hashers, gates, strict=True
            )
        ]
    )
    return [
        (name, hasher.hexdigest(), gate.close(), None)
        for name, hasher, gate in zip(names, hashers, gates, strict=True)
    ]


def _pieces(data: bytes | Iterable[bytes]) -> Iterable[bytes]:
    return [data] if isinstance(data, bytes) else data


def is_subscription_document(name: str) -> bool:
    """A document the build checks in full as `feedgen-app check` does: every XML and JSON
    output but the monthly archives and the sitemaps (checked for well-formedness only)."""
    from feedgen_app.rendering.discovery import SITEMAP_DIR, SITEMAPS

    return not name.startswith(("archive/", SITEMAP_DIR)) and name not in SITEMAPS


def load_together(renderers: Sequence[Any]) -> None:
    """Load the articles that a job's files show in one go (each article once), through a
    loader that keeps them (`store.ArticleLoader.keep`). A streamed document (a month's
    archive) loads its own, a chunk at a time."""
    from feedgen_app.rendering.render import StreamedRenderer

    wanted: dict[int, tuple[Any, dict[str, ArticleRecord]]] = {}
    for renderer in renderers:
        keep = getattr(renderer.load, "keep", None)
        if keep is not None and renderer.records and not isinstance(renderer, StreamedRenderer):
            _, records = wanted.setdefault(id(renderer.load), (keep, {}))
            records.update((r.source, r) for r in renderer.records)
    for keep, records in wanted.values():
        keep(list(records.values()))


def _hashing(pieces: Iterable[bytes], hasher: Any, gate: Any = None) -> Iterable[bytes]:
    """The pieces of a file as they are written, each hashed and, for a document, checked."""
    for piece in pieces:
        hasher.update(piece)
        if gate is not None:
            gate.feed(piece)
        yield piece


def check_entry_pages(
    plan: Mapping[str, object], published: Sequence[ArticleRecord], prefix: str
) -> list[str]:
    """Every feed entry links to its article's page: each published article has one."""
    return [
        _(
            "{prefix}{path}index.html: the page of {source} is missing, but the feeds link to it"
        ).format(prefix=prefix, path=record.path, source=record.source)
        for record in published
        if f"{record.path}index.html" not in plan
    ]


# ---------------------------------------------------------------------------------------------
# recording


def remember_files(index: BuildIndex, scan: ContentScan) -> None:
    """Keep what the scan hashed, so the next build does not hash it again, and forget the
    files gone (then drop both here: the index has them)."""
    from feedgen_app.cache.store import record_files

    if scan.changed or scan.gone:
        record_files(index, scan.changed, scan.gone)
        scan.changed, scan.gone = {}, []


def remember_build(
    index: BuildIndex,
    request: BuildRequest,
    inputs: str | None,
    memo: dict[str, tuple[str, str]],
    files: list[str],
    published: Sequence[ArticleRecord],
    scheduled: Sequence[ArticleRecord],
    problems: Sequence[str],
    site_hash: str,
) -> None:
    """Record in one transaction: the output memo, and what an unchanged build needs to be
    recognised (none after problems, or when a file was unreadable)."""
    from feedgen_app.cache.store import encode_value, record_build
    from feedgen_app.publishing.manifest import MANIFEST
    from feedgen_app.rendering.discovery import news_expiry

    last: dict[str, Any] = {}
    outputs = None
    if inputs is not None and not problems:
        bisect.insort(files, MANIFEST)  # `files` is sorted
        outputs = stat_tree(request.out, files)
        newest = max((r.published.timestamp() for r in published), default=-1e18)
        soonest = min((r.published.timestamp() for r in scheduled), default=1e18)
        expiry = news_expiry(published, request.now)  # the news sitemap changes then
        if expiry is not None:
            soonest = min(soonest, expiry.timestamp())
        last["early"] = {
            "inputs": inputs,
            "out": str(request.out.absolute()),
            "from": newest,
            "until": soonest,
            "published": len(published),
            "site_hash": site_hash,
            "drafts": sum(r.draft for r in published),
            "scheduled": [[r.slug, r.title, encode_value(r.published)] for r in scheduled],
        }
    record_build(index, memo, outputs, last)

"""One build end to end: read (through the cache), render what changed, check and publish."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from feedgen_app.build import add_media, plan_outputs, render_changed
from feedgen_app.cache import (
    BuildCache,
    choose_workers,
    find_unchanged_build,
    hash_inputs,
    is_build_unchanged,
    load_cache,
    load_outputs,
    make_build_key,
    make_inputs_key,
    prepare_reader,
    record_build,
    remember_outputs,
    remember_unchanged_check,
    save_cache,
    sign_outputs,
)
from feedgen_app.check import decode_reports, encode_reports, report_clean_feed
from feedgen_app.content import find_media_files, read_articles, read_media
from feedgen_app.errors import ContentError
from feedgen_app.model import Article, Site
from feedgen_app.publish import hash_site, read_manifest, write_site


@dataclass(frozen=True)
class BuildRequest:
    """Where to read and write, as of when, and how."""

    content: Path
    out: Path
    cache_dir: Path
    now: datetime
    options: Mapping[str, object]
    """The options that can change the output (part of the cache's build key)."""
    keep_going: bool = False
    full: bool = False
    """Always take the full path (read every article), even when nothing changed."""


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
    published: tuple[Article, ...] = ()
    """The published articles; empty when the build was recognised as unchanged early."""
    scheduled_articles: tuple[Article, ...] = field(default=())

    @property
    def next_due(self) -> datetime | None:
        return min((due for _, _, due in self.scheduled), default=None)


def run_build(site: Site, request: BuildRequest,
              progress: BuildProgress | None = None) -> BuildResult:
    """Build the site into `request.out`; raise ContentError for broken articles unless
    `keep_going`. A build with nothing changed reads no article and writes no file."""
    progress = progress or BuildProgress()
    cache = load_cache(request.cache_dir)
    if not request.full:
        unchanged = find_unchanged_build(cache, site, request.content, request.out,
                                         request.options, request.now)
        if unchanged is not None:
            save_cache(cache)
            return BuildResult(published_count=unchanged.published,
                               scheduled=tuple(unchanged.scheduled),
                               site_hash=str(cache.last_build.get("site_hash", "")),
                               warnings=tuple(cache.warnings))
    report = read_articles(
        request.content, site, progress=progress.articles_read,
        prepare=lambda paths: prepare_reader(cache, request.content, site, paths))
    progress.done()
    if report.problems and not request.keep_going:
        raise ContentError(*report.problems)
    published = report.published(request.now)
    media = find_media_files(request.content)
    build_key = make_build_key(site, request.content, request.out, request.options,
                               hash_inputs(cache, media),
                               [article.source for article in published])
    if is_build_unchanged(cache, build_key, request.out):
        site_hash = str(cache.last_build.get("site_hash", ""))
    else:
        progress.stage(f"{len(published)} Artikel: Seiten und Feeds werden geschrieben …")
        try:
            site_hash = publish_outputs(site, request, cache, published, media)
        finally:
            progress.done()
        record_build(cache, build_key, request.out, {"site_hash": site_hash})
    scheduled = report.scheduled(request.now)
    remember_unchanged_check(cache, make_inputs_key(cache, site, request.content, request.out,
                                                    request.options),
                             published, scheduled, len(report.problems))
    save_cache(cache)
    return BuildResult(
        published_count=len(published),
        scheduled=tuple((a.slug, a.title, a.published) for a in scheduled),
        site_hash=site_hash, problems=report.problems, warnings=tuple(cache.warnings),
        published=published, scheduled_articles=scheduled,
    )


def publish_outputs(site: Site, request: BuildRequest, cache: BuildCache,
                    published: tuple[Article, ...], media: list[Path]) -> str:
    """Render the outputs whose inputs changed, check and write the site; its content hash."""
    memo = load_outputs(cache)
    outputs = plan_outputs(site, published, sign_outputs())
    reports = decode_reports(memo["reports"])
    rendered, checked = render_changed(
        outputs, memo["files"], read_manifest(request.out) or {},
        workers=choose_workers(len(outputs)),
        inspect=partial(report_clean_feed, prefix=f"{request.out}/"))
    reports.update(checked)  # type: ignore[arg-type]
    plan = add_media(rendered, read_media(request.content, media))
    del rendered
    digests = write_site(request.out, plan, content_dir=request.content, known_reports=reports)
    site_hash = hash_site(plan)
    del plan
    remember_outputs(cache, {name: key for name, (key, _) in outputs.items()}, digests,
                     encode_reports(reports))
    return site_hash

"""The command line: argparse, one error funnel; the only module that prints or exits."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from feedgen_app import __version__, i18n
from feedgen_app.commands.authoring import (
    FORMATS,
    STATUS_BROKEN,
    STATUS_DRAFT,
    STATUS_NAMES,
    STATUS_PUBLISHED,
    STATUS_SCHEDULED,
    ArticleRow,
    NewArticle,
    create_article,
    list_articles,
    parse_new_date,
    rows_to_json,
)
from feedgen_app.commands.console import Output, ProgressBar, format_summary
from feedgen_app.commands.scaffold import (
    DEFAULT_TITLE,
    PLACEHOLDER_BASE_URL,
    SiteAnswers,
    default_author,
    draft_site,
    find_action_ref,
    normalise_base_url,
    plan_site,
    write_site,
)
from feedgen_app.commands.trigger import (
    DEFAULT_API_URL,
    DEFAULT_EVENT,
    check_api_url,
    find_repo,
    plan_dispatch,
    read_token,
    send_dispatch,
)
from feedgen_app.commands.websub import TIMEOUT, ping_hubs
from feedgen_app.errors import (
    ConfigError,
    ContentError,
    DateFormatError,
    FeedAppError,
    PublishError,
    UsageError,
)
from feedgen_app.i18n import N_, _, count_problems, ngettext
from feedgen_app.model import Site
from feedgen_app.pipeline import (
    CACHE_DIR,
    BuildProgress,
    BuildRequest,
    BuildResult,
    read_site,
    run_build,
)
from feedgen_app.publishing.publish import write_summary
from feedgen_app.reading.config import DEMO_SEED, demo_warnings, load_site
from feedgen_app.reading.dates import format_date, format_datetime, parse_date
from feedgen_app.reading.sitefolders import site_folders

if TYPE_CHECKING:
    from feedgen_app.commands.serve import BuildOutcome

EXAMPLES = {
    "new": N_(
        "examples:\n"
        '  feedgen-app new "Grüße aus München"\n'
        '  feedgen-app new "Zinsentscheid der EZB" --date "9.12.2025 06:00" --format md '
        '--tags "Wirtschaft, EZB"\n'
        '  feedgen-app new "Kurzmeldung" --ready    # no draft: the next build publishes it'
    ),
    "list": N_(
        "examples:\n  feedgen-app list\n  feedgen-app list --all\n"
        "  feedgen-app list --json > articles.json"
    ),
    "serve": N_(
        "examples:\n  feedgen-app serve            # then open http://127.0.0.1:8000/\n"
        "  feedgen-app serve --port 8080 --now 2025-12-09T06:00"
    ),
    "build": N_(
        "example:\n  feedgen-app build --content content --out public --now 2025-10-08T06:00"
    ),
    "check": N_(
        "examples:\n  feedgen-app check\n  feedgen-app check public\n"
        "  feedgen-app check --against https://owner.github.io/repo/"
    ),
    "ping": N_(
        "example:\n  feedgen-app ping          # after a deploy; needs `hubs:` in feed.yaml"
    ),
    "trigger": N_(
        "the token comes from GITHUB_TOKEN or GH_TOKEN, never from the command line.\n"
        "examples:\n  GITHUB_TOKEN=... feedgen-app trigger --repo octo-org/nachrichten\n"
        "  feedgen-app trigger --workflow publish.yml --ref main --force"
    ),
    "init": N_(
        "examples:\n  feedgen-app init nachrichten    # asks for title, address and author\n"
        '  feedgen-app init nachrichten --title "Wirtschaft kompakt" '
        "--base-url https://octo.github.io/nachrichten/"
    ),
}


NOT_DONE = {
    "build": N_("nothing was published"),
    "check": N_("the site was not compared with the published one"),
    "trigger": N_("no rebuild was requested"),
    "new": N_("no article was written"),
    "list": N_("no article was listed"),
    "serve": N_("the preview did not start"),
    "ping": N_("no hub was notified"),
    "init": N_("nothing was written"),
}
"""What each command did not do when it fails: the last words of its error line."""
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code: 0 done, 1 a FeedAppError (content, config,
    output, a server's answer), 2 a usage error, 130 interrupted (Ctrl+C). This is the one
    place that turns exceptions into messages; any other exception is a bug and keeps its
    traceback."""
    i18n.select()
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors (2) and --help (0) this way
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except FeedAppError as exc:
        return report_error(Output(args), args.command, exc)
    except KeyboardInterrupt:
        Output(args).failure(_("\nfeedgen-app {command}: interrupted").format(command=args.command))
        return EXIT_INTERRUPTED


def report_error(out: Output, command: str, exc: FeedAppError) -> int:
    """A failed command's problems, one a line, then its error line; the exit code. A usage
    error's last problem is the error line itself (the ones before it explain it)."""
    *details, last = exc.problems or (_("unknown error"),)
    if isinstance(exc, UsageError):
        out.problems(details)
        out.failure(_("feedgen-app {command}: error: {last}").format(command=command, last=last))
        return EXIT_USAGE
    out.problems(exc.problems)
    out.failure(
        _("feedgen-app {command}: error: {problems}; {not_done}").format(
            command=command,
            problems=count_problems(len(exc.problems)),
            not_done=_(NOT_DONE[command]),
        )
    )
    return EXIT_FAILED


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]


def add_command(
    commands: Commands,
    name: str,
    handler: Handler,
    *,
    help: str,
    description: str,
    site: bool = True,
) -> argparse.ArgumentParser:
    """A subcommand's parser: its `help` and `description`, its EXAMPLES after the options,
    the function that runs it, and (with `site`) the options that name the site first."""
    parser = commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=_(EXAMPLES[name]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    if site:
        add_site_options(parser)
    return parser


def make_parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per job, each with its options and examples, in the
    selected language (argparse's own words too)."""
    i18n.translate_argparse()
    parser = argparse.ArgumentParser(
        prog="feedgen-app",
        description=_("Publish dated German articles as Atom, RSS and JSON Feed plus HTML pages."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"feedgen-app {__version__}",
        help=_("show the version number and exit"),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar=_("COMMAND"))
    add_build_parser(commands)
    add_check_parser(commands)
    add_trigger_parser(commands)
    add_new_parser(commands)
    add_list_parser(commands)
    add_serve_parser(commands)
    add_ping_parser(commands)
    add_init_parser(commands)
    return parser


def add_build_parser(commands: Commands) -> None:
    build = add_command(
        commands,
        "build",
        cmd_build,
        help=_("read content/, write the feeds and pages into public/"),
        description=_(
            "Read the articles, build Atom, RSS, JSON Feed, the HTML pages, "
            "the sitemaps and robots.txt, and replace the output folder atomically. "
            "The site's own templates/ and static/ folders beside the config "
            "file are used when they exist (docs/themes.md)."
        ),
    )
    add_output_options(build)
    build.add_argument(
        "--out",
        type=Path,
        default=Path("public"),
        metavar=_("OUT"),
        help=_("output folder (default: public)"),
    )
    add_now_option(
        build,
        _(
            "build as if it were this time (default: the current time); "
            "articles dated later are left out"
        ),
    )
    build.add_argument(
        "--summary",
        type=Path,
        metavar=_("FILE"),
        help=_(
            "also write a JSON summary (published count, scheduled articles "
            "with their due times, next_due, site_hash) to FILE, e.g. for "
            "CI"
        ),
    )
    build.add_argument(
        "--cache-dir",
        type=Path,
        default=CACHE_DIR,
        metavar=_("DIR"),
        help=_(
            "build cache: unchanged articles are not parsed again and an "
            "unchanged site is not written again (default: .feedgen-cache; "
            "delete it for a cold build)"
        ),
    )
    build.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help=_(
            "processes that parse and render (default: 0, chosen by the size "
            "of the work and the number of CPUs; 1: this one alone)"
        ),
    )
    build.add_argument(
        "--keep-going",
        action="store_true",
        help=_(
            "publish the good articles even if some are broken; the broken "
            "ones are reported on stderr and the exit code is still 1"
        ),
    )


def add_check_parser(commands: Commands) -> None:
    check = add_command(
        commands,
        "check",
        cmd_check,
        help=_("validate a built site's feeds and links without rebuilding it"),
        description=_(
            "Check every feed in a built site: well-formed XML/JSON, Atom "
            "(RFC 4287), RSS 2.0 and JSON Feed 1.1 rules, the same entries "
            "in alternate feeds, and entry links that reach pages in the "
            "site. Prints one `FILE: message` line per finding; exit 0 when "
            "clean, 1 with findings."
        ),
        site=False,
    )
    check.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path("public"),
        metavar=_("DIR"),
        help=_("the built site (default: public)"),
    )
    check.add_argument(
        "--against",
        metavar=_("DIR_OR_URL"),
        help=_(
            "also compare with the previously published site (a folder or "
            "its URL): fail when a published entry ID vanished while an entry "
            "with the same title or date appeared under a new ID; report "
            "deleted entries"
        ),
    )
    check.add_argument(
        "--deleted",
        action="append",
        default=[],
        metavar="ID",
        help=_("with --against: this published entry ID was deleted on purpose (repeatable)"),
    )
    add_site_options(check)


def add_trigger_parser(commands: Commands) -> None:
    trigger = add_command(
        commands,
        "trigger",
        cmd_trigger,
        help=_("ask GitHub Actions to rebuild and republish the site"),
        description=_(
            "Start the publish workflow on GitHub: a repository_dispatch "
            "event (default) or, with --workflow, a workflow_dispatch run."
        ),
        site=False,
    )
    trigger.add_argument(
        "--repo",
        metavar="OWNER/NAME",
        help=_(
            "repository (default: $GITHUB_REPOSITORY, else the git remote "
            "'origin' if it is on github.com)"
        ),
    )
    trigger.add_argument(
        "--event",
        default=DEFAULT_EVENT,
        metavar=_("EVENT"),
        help=_("repository_dispatch event type (default: {DEFAULT_EVENT})").format(
            DEFAULT_EVENT=DEFAULT_EVENT
        ),
    )
    trigger.add_argument(
        "--workflow",
        metavar=_("FILE"),
        help=_(
            "use workflow_dispatch on this workflow file (e.g. publish.yml) "
            "instead of repository_dispatch"
        ),
    )
    trigger.add_argument(
        "--ref", default="main", help=_("branch or tag to run --workflow on (default: main)")
    )
    trigger.add_argument(
        "--force", action="store_true", help=_("deploy even if the built site equals the live one")
    )
    trigger.add_argument(
        "--api-url",
        default=DEFAULT_API_URL,
        metavar="URL",
        help=_("GitHub API root, for GitHub Enterprise (default: {DEFAULT_API_URL})").format(
            DEFAULT_API_URL=DEFAULT_API_URL
        ),
    )


def add_new_parser(commands: Commands) -> None:
    new = add_command(
        commands,
        "new",
        cmd_new,
        help=_("create a new draft article with today's date and a slug from the title"),
        description=_(
            "Write a new article into the content folder: the file name is "
            "the date and a slug derived from the title (Grüße aus München "
            "-> gruesse-aus-muenchen), the text a skeleton to fill in. It "
            "is a draft (`draft: true`, or a `draft` line in plain text): "
            "`serve` shows it, no build publishes it until you delete that "
            "line, or write it with --ready. Never overwrites a file and "
            "never reuses a slug. Prints the new file's path."
        ),
        site=False,
    )
    new.add_argument("title", help=_("the article's title, in quotes"))
    add_site_options(new)
    new.add_argument(
        "--date",
        metavar=_("DATE"),
        help=_(
            "publication date, e.g. 2025-12-09, 9.12.2025 06:00 or '9. Dezember "
            "2025, 06:00 Uhr' (default: today); a later date schedules the "
            "article"
        ),
    )
    new.add_argument(
        "--format",
        choices=FORMATS,
        default="txt",
        help=_("txt: plain text, one paragraph a line (default); md: Markdown with front matter"),
    )
    new.add_argument(
        "--tags", metavar="TAGS", help=_("comma-separated tags, e.g. 'Wirtschaft, KI'")
    )
    new.add_argument(
        "--slug", metavar="SLUG", help=_("the URL path instead of the one derived from the title")
    )
    new.add_argument(
        "--ready", action="store_true", help=_("write a publishable article, not a draft")
    )
    add_output_options(new)


def add_list_parser(commands: Commands) -> None:
    listing = add_command(
        commands,
        "list",
        cmd_list,
        help=_("show every article with its date and status, newest first"),
        description=_(
            "A table of the articles: date, status (published, scheduled "
            "for ..., draft, broken with the error), slug and title, "
            "newest first. Without --all it shows every unpublished article "
            "and the 20 newest published ones."
        ),
    )
    listing.add_argument(
        "--all", action="store_true", help=_("show every published article, not only the 20 newest")
    )
    listing.add_argument(
        "--json", action="store_true", help=_("print JSON for scripts (always every article)")
    )
    add_now_option(listing, _("the status as of this time (default: the current time)"))
    add_output_options(listing)


def add_serve_parser(commands: Commands) -> None:
    serve = add_command(
        commands,
        "serve",
        cmd_serve,
        help=_("preview the site in a browser; rebuilds and reloads on every change"),
        description=_(
            "Build the site into a temporary folder and serve it on http://127.0.0.1:8000/ "
            "as GitHub Pages would (media types, ETag, 304, CORS on feeds). "
            "Saving an article, feed.yaml or a template rebuilds it and reloads "
            "the browser; a broken article shows its error in the terminal "
            "and on the page while the last good site stays online. public/ "
            "is not touched. Stop with Ctrl+C."
        ),
    )
    serve.add_argument(
        "--port", type=port_number, default=8000, help=_("port (default: 8000; 0 picks a free one)")
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help=_("address to listen on (default: 127.0.0.1, this computer only)"),
    )
    add_now_option(serve, _("preview as if it were this time, e.g. to see a scheduled article"))
    add_output_options(serve)


def add_ping_parser(commands: Commands) -> None:
    ping = add_command(
        commands,
        "ping",
        cmd_ping,
        help=_("tell the WebSub hubs in feed.yaml that the feeds changed"),
        description=_(
            "Send each hub in `hubs:` a WebSub publish request (hub.mode=publish, "
            "hub.url=FEED) for every subscription feed: the main Atom, RSS "
            "and JSON feeds and every tag's feeds. Exit 0 when every hub "
            "accepted, 1 when one failed (each failure on stderr); run it "
            "after the deploy."
        ),
    )
    add_now_option(ping, _("the feeds as a build at this time has them (default: now)"))
    ping.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT,
        metavar=_("SECONDS"),
        help=_("seconds to wait for each hub (default: {TIMEOUT:g})").format(TIMEOUT=TIMEOUT),
    )


def add_init_parser(commands: Commands) -> None:
    init = add_command(
        commands,
        "init",
        cmd_init,
        help=_("start a site of your own: feed.yaml, a first article, the publish workflow"),
        description=_(
            "Write a new site into DIR: feed.yaml (title, address, author "
            "and an id_authority from the address's host and the current "
            "year), content/ with a first article, templates/ and static/ "
            "with a README each, .gitignore, and .github/workflows/publish.yml, "
            "which builds the site with feedgen-app's action and deploys "
            "it to GitHub Pages. On a terminal it asks for the values not "
            "given; otherwise it takes the defaults. It never overwrites: "
            "if one of these files exists, nothing is written (exit 1)."
        ),
        site=False,
    )
    init.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path("."),
        metavar=_("DIR"),
        help=_("the new site's folder, created if need be (default: the current one)"),
    )
    init.add_argument(
        "--title",
        metavar=_("TITLE"),
        help=_("the site's title (default: {DEFAULT_TITLE})").format(DEFAULT_TITLE=DEFAULT_TITLE),
    )
    init.add_argument(
        "--base-url",
        metavar="URL",
        help=_(
            "where the site will be served, e.g. https://owner.github.io/repo/ "
            "(default: the placeholder {PLACEHOLDER_BASE_URL})"
        ).format(PLACEHOLDER_BASE_URL=PLACEHOLDER_BASE_URL),
    )
    init.add_argument(
        "--author", metavar="NAME", help=_("the site's author (default: 'Redaktion' and the title)")
    )
    add_now_option(
        init, _("the first article's date and id_authority's year (default: the current time)")
    )
    init.add_argument(
        "--action-ref",
        metavar="REF",
        help=_(
            "the commit SHA (or tag) of feedgen-app's action that the workflow "
            "uses (default: the commit this feedgen-app was installed from, "
            "if pip recorded one, else the tag v<version>)"
        ),
    )
    add_output_options(init)


def add_now_option(parser: argparse.ArgumentParser, help: str) -> None:
    """`--now`: the time the command acts as of (any accepted date form; `current_time`)."""
    parser.add_argument("--now", metavar=_("DATETIME"), help=help)


def add_site_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that reads the site takes."""
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar=_("CONTENT"),
        help=_("content folder (default: content)"),
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("feed.yaml"),
        metavar=_("CONFIG"),
        help=_("site configuration (default: feed.yaml)"),
    )


def current_time(raw: str | None, site: Site) -> datetime:
    """The one place that decides "now": `--now` if given, else the wall clock."""
    if raw is None:
        return datetime.now(UTC).astimezone(site.tz)
    try:
        return parse_date(raw, site.tz)
    except DateFormatError as exc:
        raise UsageError(f"--now: {exc}") from None


def check_build_paths(content: Path, out: Path, cache_dir: Path) -> None:
    """Refuse folder combinations that break every later build: the output or the cache inside
    the content folder (they would be read as content), the content inside the output (it
    would be replaced), the cache inside the output (the next build would find files it did
    not write), the same folder twice, or a file where a folder must go."""
    content_at, out_at, cache_at = (path.resolve() for path in (content, out, cache_dir))

    def within(inner: Path, outer: Path) -> bool:
        return inner == outer or inner.is_relative_to(outer)

    if within(out_at, content_at):
        raise UsageError(
            _(
                "--out {out} is inside the content folder {content}; the site "
                "would be read back as content: choose a folder outside it"
            ).format(out=out, content=content)
        )
    if within(content_at, out_at):
        raise UsageError(
            _(
                "--out {out} holds the content folder {content}; a build replaces "
                "the whole output folder: choose a folder of its own, e.g. public"
            ).format(out=out, content=content)
        )
    if within(cache_at, content_at):
        raise UsageError(
            _(
                "--cache-dir {cache_dir} is inside the content folder {content}; "
                "choose a folder outside it, e.g. .feedgen-cache"
            ).format(cache_dir=cache_dir, content=content)
        )
    if within(cache_at, out_at) or within(out_at, cache_at):
        raise UsageError(
            _(
                "--cache-dir {cache_dir} and --out {out} overlap; the build cache "
                "and the published site need folders of their own"
            ).format(cache_dir=cache_dir, out=out)
        )
    for option, path in (("--out", out_at), ("--cache-dir", cache_at)):
        blocker = next((p for p in (path, *path.parents) if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise UsageError(
                _("{option} {path}: {blocker} is a file, not a folder").format(
                    option=option, path=path, blocker=blocker
                )
            )


def cmd_build(args: argparse.Namespace) -> int:
    started = time.monotonic()  # the build duration: the one use of a monotonic clock
    out = Output(args)
    site = load_site(args.config)
    check_build_paths(args.content, args.out, args.cache_dir)
    request = make_build_request(args, current_time(args.now, site))
    out.problems(demo_warnings(site, str(args.config), (args.content / DEMO_SEED).is_file()))
    bar = ProgressBar(sys.stderr, sys.stderr.isatty() and not out.quiet, started)
    result = run_build(
        site, request, BuildProgress(articles_read=bar.update, stage=bar.show, done=bar.finish)
    )
    out.problems(result.warnings)
    out.problems(result.problems)  # --keep-going: report the bad, publish the good
    if args.summary is not None and not write_build_summary(out, args, site, result, request.now):
        return EXIT_FAILED
    out.info(
        format_summary(
            site,
            result.published_count,
            len(result.scheduled),
            result.next_due,
            len(result.problems),
            time.monotonic() - started,
        )
    )
    report_build(out, args.out, site, result)
    if result.problems:
        out.failure(
            _(
                "feedgen-app build: error: {problems}; the other articles "
                "were published (--keep-going)"
            ).format(problems=count_problems(len(result.problems)))
        )
        return EXIT_FAILED
    return 0


def make_build_request(args: argparse.Namespace, now: datetime) -> BuildRequest:
    """What `build` asks the pipeline for."""
    folders = site_folders(args.config)
    return BuildRequest(
        content=args.content,
        out=args.out,
        cache_dir=args.cache_dir,
        now=now,
        options=build_options(args),
        keep_going=args.keep_going,
        full=bool(args.verbose or args.summary or args.keep_going),
        workers=max(0, args.jobs),
        templates=folders.templates,
        static=folders.static,
    )


def write_build_summary(
    out: Output, args: argparse.Namespace, site: Site, result: BuildResult, now: datetime
) -> bool:
    """`build --summary FILE`; False (told) when it cannot be written: the site is published
    all the same, so this is no failure of the build the funnel could describe."""
    from feedgen_app.rendering.plan import summarize_build

    summary = summarize_build(
        site, result.published_count, result.scheduled_articles, now, result.site_hash
    )
    try:
        write_summary(args.summary, {**summary, "out": str(args.out)})
    except PublishError as exc:
        out.problems(exc.problems)
        out.failure(
            _(
                "feedgen-app build: error: the site was published to {out}, but "
                "the build summary could not be written"
            ).format(out=args.out)
        )
        return False
    return True


def report_build(out: Output, out_dir: Path, site: Site, result: BuildResult) -> None:
    """With --verbose: where the site went, every article published and every one waiting."""
    out.detail(f"→ {out_dir}")
    for article in result.published:
        out.detail(_("  published  {slug}  {title}").format(slug=article.slug, title=article.title))
    for slug, title, due in result.scheduled:
        out.detail(
            _("  scheduled for {due}  {slug}  {title}").format(
                due=format_datetime(due.astimezone(site.tz), i18n.language()),
                slug=slug,
                title=title,
            )
        )


def build_options(args: argparse.Namespace) -> dict[str, object]:
    """The build options that can change the output (for the cache's build key)."""
    ignored = {
        "handler",
        "command",
        "now",
        "summary",
        "cache_dir",
        "quiet",
        "verbose",
        "out",
        "content",
        "config",
        "jobs",
    }
    return {key: value for key, value in vars(args).items() if key not in ignored}


def cmd_check(args: argparse.Namespace) -> int:
    from feedgen_app.checking.site import check_site

    findings = check_site(args.dir)
    for finding in findings:
        print(finding)
    if args.against:
        compared = check_against(args)
        for finding in compared:
            print(finding)
        findings += compared
    if findings:
        Output(args).failure(
            _("feedgen-app check: error: {findings} in {dir}").format(
                findings=ngettext("{count} finding", "{count} findings", len(findings)).format(
                    count=len(findings)
                ),
                dir=args.dir,
            )
        )
        return EXIT_FAILED
    print(_("{dir}: no findings").format(dir=args.dir))
    return 0


def check_against(args: argparse.Namespace) -> list[str]:
    """`check --against`: a published ID that would change is a finding; deletions are told."""
    from feedgen_app.checking.published_ids import compare_published

    sources = read_entry_sources(args.content, args.config)
    report = compare_published(args.dir, args.against, sources, args.deleted)
    if report.previous == 0:
        print(
            _("{against}: no published feed found; nothing to compare with").format(
                against=args.against
            )
        )
    for entry in report.deleted:
        when = f", {format_date(entry.published, i18n.language())}" if entry.published else ""
        print(
            _(
                "{against}: deleted since then: {id} (“{title}”{when}); readers keep their copy"
            ).format(against=args.against, id=entry.id, title=entry.title, when=when)
        )
    return list(report.problems)


def read_entry_sources(content: Path, config: Path) -> dict[str, str]:
    """Entry ID -> article file, to name files in `check --against` advice ({} if unreadable)."""
    if not content.is_dir() or not config.is_file():
        return {}
    try:
        reading = read_site(load_site(config), content, CACHE_DIR)
    except FeedAppError:
        return {}
    return {record.entry_id: record.source for record in reading.records}


def cmd_ping(args: argparse.Namespace) -> int:
    from feedgen_app.rendering.plan import subscription_feeds

    site = load_site(args.config)
    now = current_time(args.now, site)
    if not site.hubs:
        print(_("{config}: no `hubs:` configured; nothing to ping").format(config=args.config))
        return 0
    reading = read_site(site, args.content, CACHE_DIR)
    if reading.problems:
        raise ContentError(*reading.problems)
    feeds = subscription_feeds(site, reading.published(now))
    results = ping_hubs(site.hubs, feeds, timeout=args.timeout)
    failed = [r for r in results if not r.ok]
    for result in results:
        if result.ok:
            print(
                _("{hub}: accepted {feed} (HTTP {status})").format(
                    hub=result.hub, feed=result.feed, status=result.status
                )
            )
    out = Output(args)
    out.problems(
        _("{config}:1: hub {hub} for {feed}: {error}").format(
            config=args.config, hub=result.hub, feed=result.feed, error=result.error
        )
        for result in failed
    )
    if failed:
        out.failure(
            ngettext(
                "feedgen-app ping: error: {count} of {total} hub notification failed; "
                "the site itself is published",
                "feedgen-app ping: error: {count} of {total} hub notifications failed; "
                "the site itself is published",
                len(results),
            ).format(count=len(failed), total=len(results))
        )
        return EXIT_FAILED
    print(
        ngettext(
            "{count} hub notification sent", "{count} hub notifications sent", len(results)
        ).format(count=len(results))
    )
    return 0


def cmd_trigger(args: argparse.Namespace) -> int:
    repo = args.repo or find_repo(os.environ)
    if repo is None:
        raise UsageError(_("no repository: pass --repo OWNER/NAME (or set GITHUB_REPOSITORY)"))
    request = plan_dispatch(
        repo, event=args.event, workflow=args.workflow, ref=args.ref, force=args.force
    )
    check_api_url(args.api_url)
    send_dispatch(request, read_token(os.environ), api_url=args.api_url)
    if args.workflow:
        what = _("workflow {workflow} on {ref}").format(workflow=args.workflow, ref=args.ref)
    else:
        what = _("event {event!r}").format(event=args.event)
    forced = _(" (force)") if args.force else ""
    print(
        _("rebuild requested: {what} in {repo}{forced}").format(what=what, repo=repo, forced=forced)
    )
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    out = Output(args)
    action = find_action_ref(args.action_ref)
    answers = ask_site_answers(args, sys.stdin.isatty())
    now = current_time(args.now, draft_site(answers))
    try:
        plan = plan_site(answers, now, action, args.dir)
    except ConfigError as exc:  # the options' values, not a file the user wrote
        raise UsageError(
            *exc.problems,
            _("--title, --base-url or --author do not make a valid feed.yaml; nothing was written"),
        ) from None
    written = write_site(args.dir, plan)
    for path in written:
        out.result(str(path))
    if not out.quiet:
        for hint in init_hints(args.dir, plan.site, action.ref, action.pinned):
            print(out.paint(hint, "dim", out.err), file=out.err, flush=True)
    return 0


def ask_site_answers(args: argparse.Namespace, interactive: bool) -> SiteAnswers:
    """The values for `init`: the options given; on a terminal the others asked for (the
    default in brackets, an empty answer takes it); otherwise their defaults."""

    def value(given: str | None, label: str, default: str) -> str:
        if given is not None or not interactive:
            return default if given is None else given
        print(f"{label} [{default}]: ", end="", file=sys.stderr, flush=True)
        return sys.stdin.readline().strip() or default

    title = value(args.title, _("Title of the site"), DEFAULT_TITLE).strip()
    base_url = value(
        args.base_url,
        _("Address (base_url), e.g. https://name.github.io/repo/"),
        PLACEHOLDER_BASE_URL,
    )
    author = value(args.author, _("Author or newsroom"), default_author(title)).strip()
    return SiteAnswers(title=title, base_url=normalise_base_url(base_url), author=author)


def init_hints(target: Path, site: Site, ref: str, pinned: bool) -> list[str]:
    """What to do after `init`: preview, placeholders left, publishing."""
    where = "" if target == Path(".") else f"cd {shlex.quote(str(target))} && "
    hints = [
        _("New site “{title}” created. Preview: {where}feedgen-app serve").format(
            title=site.title, where=where
        )
    ]
    if site.base_url == PLACEHOLDER_BASE_URL:
        hints.append(
            _(
                "base_url is still the placeholder {placeholder}: enter your own address "
                "and id_authority in feed.yaml before publishing for the first time."
            ).format(placeholder=PLACEHOLDER_BASE_URL)
        )
    if not pinned:
        hints.append(
            _(
                "The workflow uses the action through the tag {ref}; --action-ref with a "
                "commit SHA pins it."
            ).format(ref=ref)
        )
    hints.append(
        _(
            "To publish: create the repository on GitHub, choose “GitHub Actions” under "
            "Settings → Pages → Source, and push to main."
        )
    )
    return hints


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--quiet and --verbose (mutually exclusive)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help=_("print only errors (and what the command is for, e.g. the new path)"),
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help=_("print more: every article, the output folder, requests"),
    )


# --- new, list, serve ----------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from feedgen_app.reading.content import ContentReport, read_articles

    out = Output(args)
    site = load_site(args.config)
    today = current_time(None, site)
    try:
        published, has_time = parse_new_date(args.date, today, site)
    except DateFormatError as exc:
        raise UsageError(f"--date: {exc}") from None
    tags = tuple(t.strip() for t in (args.tags or "").split(",") if t.strip())
    new = NewArticle(
        title=args.title,
        published=published,
        has_time=has_time,
        format=args.format,
        tags=tags,
        slug=args.slug,
        draft=not args.ready,
    )
    report = read_articles(args.content, site) if args.content.is_dir() else None
    path = create_article(
        args.content, site, new, report or ContentReport(articles=(), problems=())
    )
    out.result(str(path))
    if not out.quiet:
        hint = new_article_hint(path, published, has_time, published > today, args.ready)
        if not args.ready:
            hint += _(" It is published only once the line `{line}` is deleted.").format(
                line="draft: true" if args.format == "md" else "draft"
            )
        print(out.paint(hint, "dim", out.err), file=out.err, flush=True)
    return 0


NEW_HINTS = {
    (True, True): N_(
        "New article scheduled for {when}: write its text in {path}, then run "
        "`feedgen-app serve` for a preview."
    ),
    (True, False): N_(
        "New article dated {when}: write its text in {path}, then run "
        "`feedgen-app serve` for a preview."
    ),
    (False, True): N_(
        "New draft scheduled for {when}: write its text in {path}, then run "
        "`feedgen-app serve` for a preview."
    ),
    (False, False): N_(
        "New draft dated {when}: write its text in {path}, then run "
        "`feedgen-app serve` for a preview."
    ),
}
"""`new`'s hint by (--ready, dated in the future)."""


def new_article_hint(
    path: Path, published: datetime, has_time: bool, scheduled: bool, ready: bool
) -> str:
    language = i18n.language()
    when = format_datetime(published, language) if has_time else format_date(published, language)
    return _(NEW_HINTS[ready, scheduled]).format(when=when, path=path)


def cmd_list(args: argparse.Namespace) -> int:
    from feedgen_app.reading.content import read_articles

    out = Output(args)
    site = load_site(args.config)
    now = current_time(args.now, site)
    report = read_articles(args.content, site)
    rows = list_articles(report, args.content, now)
    if args.json:
        out.result(rows_to_json(rows, now).rstrip("\n"))
        return 0
    shown, hidden = select_rows(rows, args.all)
    for line in format_table(shown, site, out):
        out.result(line)
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_NAMES}
    total = ", ".join(f"{n} {_(STATUS_NAMES[s])}" for s, n in counts.items())
    out.info(
        ngettext("{count} article: {total}", "{count} articles: {total}", len(rows)).format(
            count=len(rows), total=total
        )
    )
    if hidden:
        out.info(
            ngettext(
                "{count} older published article hidden; --all shows every one.",
                "{count} older published articles hidden; --all shows every one.",
                hidden,
            ).format(count=hidden)
        )
    return 0


LIST_RECENT = 20
"""`list` without --all: every unpublished article and the 20 newest published ones."""


def select_rows(rows: Sequence[ArticleRow], show_all: bool) -> tuple[list[ArticleRow], int]:
    if show_all:
        return list(rows), 0
    shown, published = [], 0
    for row in rows:
        if row.status == STATUS_PUBLISHED:
            published += 1
            if published > LIST_RECENT:
                continue
        shown.append(row)
    return shown, len(rows) - len(shown)


_STATUS_COLOUR = {
    STATUS_PUBLISHED: "green",
    STATUS_SCHEDULED: "yellow",
    STATUS_DRAFT: "dim",
    STATUS_BROKEN: "red",
}


def format_table(rows: Sequence[ArticleRow], site: Site, out: Output) -> list[str]:
    """Date, status, slug, title; a broken article's errors on the lines below it."""
    language = i18n.language()
    cells = []
    for row in rows:
        day = format_date(row.published.astimezone(site.tz), language) if row.published else "–"
        status = _(STATUS_NAMES[row.status])
        if row.due is not None:
            due = format_datetime(row.due.astimezone(site.tz), language)
            status = _("scheduled for {due}").format(due=due)
        cells.append((day, status, row.slug, row.title or f"({Path(row.path).name})"))
    header = (_("Date"), _("Status"), _("Slug"), _("Title"))
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(3)]

    def line(values: tuple[str, str, str, str], colour: str | None = None) -> str:
        status = values[1].ljust(widths[1])
        if colour:
            status = out.paint(status, colour)
        return f"{values[0].ljust(widths[0])}  {status}  {values[2].ljust(widths[2])}  {values[3]}"

    lines = [out.paint(line(header), "bold")]
    for row, values in zip(rows, cells, strict=True):
        lines.append(line(values, _STATUS_COLOUR[row.status]).rstrip())
        lines += [out.paint(f"    {error}", "red") for error in row.errors]
    return lines


def cmd_serve(args: argparse.Namespace) -> int:
    # Imported here: the preview server (and its file watcher) is not needed by other commands.
    from feedgen_app.commands.serve import PreviewOptions, PreviewServer, is_loopback

    out = Output(args)

    def clock(site: Site) -> datetime:
        return current_time(args.now, site)

    check_preview_now(args)
    options = PreviewOptions(
        content_dir=args.content,
        config=args.config,
        clock=clock,
        live_clock=args.now is None,
        host=args.host,
        port=args.port,
    )
    server = PreviewServer(
        options, partial(report_preview_build, out), on_log=out.detail if out.verbose else None
    )
    if not is_loopback(args.host):
        out.problem(
            _("Warning: --host {host} makes the preview reachable on the network.").format(
                host=args.host
            )
        )

    def on_ready() -> None:
        out.result(_("Preview: {url}  (Ctrl+C stops it)").format(url=server.url))
        out.detail(
            _("Preview folder: {workdir} (deleted when the preview stops)").format(
                workdir=server.workdir
            )
        )

    previous = signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        server.run(on_ready)
    except KeyboardInterrupt:
        out.info(_("Preview stopped."))
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def check_preview_now(args: argparse.Namespace) -> None:
    """A bad `serve --now` is a usage error; a broken config is not (the first build shows it,
    and it is fixed while serving)."""
    if args.now is None:
        return
    try:
        site = load_site(args.config)
    except ConfigError:
        return
    current_time(args.now, site)


def report_preview_build(out: Output, outcome: BuildOutcome) -> None:
    """The summary line of a preview build, or its problems."""
    if outcome.ok and outcome.site is not None:
        out.info(
            format_summary(
                outcome.site,
                outcome.published - outcome.drafts,
                outcome.scheduled,
                outcome.next_due,
                0,
                outcome.seconds,
                drafts=outcome.drafts,
            )
        )
        return
    out.problems(outcome.problems)
    out.problem(
        _(
            "Build failed: {problems}; the preview keeps showing the last good "
            "state, and the problems on every page."
        ).format(problems=count_problems(len(outcome.problems)))
    )


def port_number(raw: str) -> int:
    """argparse type for --port: 0 (any free port) to 65535."""
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            _("{raw!r} is not a port number (0-65535)").format(raw=raw)
        )
    return value


def stop_on_sigterm(_signum: int, _frame: object) -> None:
    """`kill PID` stops `serve` as cleanly as Ctrl+C does."""
    raise KeyboardInterrupt

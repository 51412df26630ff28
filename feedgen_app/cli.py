"""The command line: argparse, one error funnel; the only module that prints or exits."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from feedgen_app import __version__
from feedgen_app.build import plan_site
from feedgen_app.check import check_site
from feedgen_app.config import load_site
from feedgen_app.content import read_articles
from feedgen_app.dates import DateFormatError, format_datetime_de, parse_date
from feedgen_app.errors import ContentError, FeedAppError
from feedgen_app.model import Site
from feedgen_app.publish import write_site

EXAMPLES = {
    "build": "example:\n  feedgen-app build --content content --out public --now 2025-10-08T06:00",
    "check": "examples:\n  feedgen-app check\n  feedgen-app check public",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (0 ok, 1 content/config/output error, 2 usage)."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors (2) and --help (0) this way
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except FeedAppError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s); nothing was published", file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="feedgen-app",
        description="Publish dated German articles as Atom, RSS and JSON Feed plus HTML pages.",
    )
    parser.add_argument("--version", action="version", version=f"feedgen-app {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser(
        "build", help="read content/, write the feeds and pages into public/",
        description="Read the articles, build Atom, RSS, JSON Feed and the HTML pages, and "
                    "replace the output folder atomically.",
        epilog=EXAMPLES["build"], formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_site_options(build)
    build.add_argument("--out", type=Path, default=Path("public"),
                       help="output folder (default: public)")
    build.add_argument("--now", metavar="DATETIME",
                       help="build as if it were this time (default: the current time); "
                            "articles dated later are left out")
    build.set_defaults(handler=cmd_build)
    check = commands.add_parser(
        "check", help="validate a built site's feeds and links without rebuilding it",
        description="Check every feed in a built site: well-formed XML/JSON, Atom (RFC 4287), "
                    "RSS 2.0 and JSON Feed 1.1 rules, the same entries in alternate feeds, and "
                    "entry links that reach pages in the site. Prints one `FILE: message` line "
                    "per finding; exit 0 when clean, 1 with findings.",
        epilog=EXAMPLES["check"], formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("dir", nargs="?", type=Path, default=Path("public"), metavar="DIR",
                       help="the built site (default: public)")
    check.set_defaults(handler=cmd_check)
    return parser


def add_site_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that reads the site takes."""
    parser.add_argument("--content", type=Path, default=Path("content"),
                        help="content folder (default: content)")
    parser.add_argument("--config", type=Path, default=Path("feed.yaml"),
                        help="site configuration (default: feed.yaml)")


def current_time(raw: str | None, site: Site) -> datetime:
    """The one place that decides "now": `--now` if given, else the wall clock."""
    if raw is None:
        return datetime.now(timezone.utc).astimezone(site.tz)
    try:
        return parse_date(raw, site.tz)
    except DateFormatError as exc:
        raise UsageError(f"--now: {exc}") from None


class UsageError(FeedAppError):
    """A command-line value is wrong (exit 2)."""


def cmd_build(args: argparse.Namespace) -> int:
    site = load_site(args.config)
    try:
        now = current_time(args.now, site)
    except UsageError as exc:
        print(f"feedgen-app build: error: {exc}", file=sys.stderr)
        return 2
    report = read_articles(args.content, site)
    if report.problems:
        raise ContentError(*report.problems)
    published = report.published(now)
    write_site(args.out, plan_site(site, published), content_dir=args.content)
    scheduled = report.scheduled(now)
    line = f"{len(published)} Artikel veröffentlicht, {len(scheduled)} geplant"
    if scheduled:
        line += f" (nächster: {format_datetime_de(scheduled[0].published)})"
    print(f"{line} → {args.out}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    findings = check_site(args.dir)
    for finding in findings:
        print(finding)
    if findings:
        print(f"error: {len(findings)} finding(s) in {args.dir}", file=sys.stderr)
        return 1
    print(f"{args.dir}: no findings")
    return 0

"""Console output for people: where each kind of line goes (--quiet, --verbose), colour on a
terminal (never with NO_COLOR), the progress bar, the build summary line, and a failure's
problems and last line."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TextIO

from feedgen_app import i18n
from feedgen_app.i18n import _, ngettext
from feedgen_app.model import Site
from feedgen_app.reading.dates import format_datetime

_ANSI = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Output:
    """Where a command's human output goes, honouring --quiet, --verbose and NO_COLOR."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.quiet = bool(getattr(args, "quiet", False))
        self.verbose = bool(getattr(args, "verbose", False))
        self.out, self.err = sys.stdout, sys.stderr

    def paint(self, text: str, colour: str, stream: TextIO | None = None) -> str:
        if not use_colour(stream or self.out):
            return text
        return f"\033[{_ANSI[colour]}m{text}\033[0m"

    def result(self, text: str) -> None:
        """What the command produces (printed even with --quiet)."""
        print(text, file=self.out, flush=True)

    def info(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def detail(self, text: str) -> None:
        if self.verbose:
            print(text, file=self.out, flush=True)

    def problem(self, text: str) -> None:
        """A problem line on stderr (printed even with --quiet; red on a terminal)."""
        print(self.paint(text, "red", self.err), file=self.err, flush=True)

    def problems(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.problem(line)

    def failure(self, text: str) -> None:
        """A command's last line when it fails: `feedgen-app COMMAND: error: ...`."""
        print(text, file=self.err, flush=True)


class ProgressBar:
    """A one-line bar on stderr: only on a terminal, only once the build has run over a second."""

    WIDTH = 30

    def __init__(
        self,
        stream: TextIO,
        enabled: bool,
        started: float,
        clock: Callable[[], float] = time.monotonic,
        delay: float = 1.0,
    ) -> None:
        self.stream, self.enabled, self.started = stream, enabled, started
        self.clock, self.delay = clock, delay
        self.shown = 0

    def update(self, done: int, total: int, label: str | None = None) -> None:
        if not self.enabled or self.clock() - self.started < self.delay:
            return
        label = _("articles read") if label is None else label
        filled = self.WIDTH * done // total if total else self.WIDTH
        line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} {label}"
        self.show(line)

    def show(self, line: str) -> None:
        """Replace the bar's line with `line` (once the build has run over a second)."""
        if not self.enabled or self.clock() - self.started < self.delay:
            return
        self.stream.write("\r" + line.ljust(self.shown))
        self.stream.flush()
        self.shown = max(self.shown, len(line))

    def finish(self) -> None:
        """Clear the bar's line, so the summary starts on a clean line."""
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0


def format_seconds(seconds: float) -> str:
    """`0,4 s` (German decimal comma) or `0.4 s`: one decimal."""
    text = f"{seconds:.1f}"
    return (text if i18n.language() == i18n.ENGLISH else text.replace(".", ",")) + " s"


def format_summary(
    site: Site,
    published: int,
    scheduled: int,
    next_due: datetime | None,
    errors: int,
    seconds: float,
    drafts: int = 0,
) -> str:
    """`12 Artikel veröffentlicht, 1 geplant für 9. Dezember 2025, 06:00 Uhr, 0 Fehler, 0,4 s`;
    with `drafts` (the preview shows them), `12 Artikel veröffentlicht, 2 Entwürfe, …`; in
    English `12 articles published, 1 scheduled for December 9, 2025, 6:00 AM, 0 errors, 0.4 s`."""
    parts = [
        ngettext("{count} article published", "{count} articles published", published).format(
            count=published
        )
    ]
    if drafts:
        parts.append(ngettext("{count} draft", "{count} drafts", drafts).format(count=drafts))
    if next_due is None:
        parts.append(_("{count} scheduled").format(count=scheduled))
    else:
        due = format_datetime(next_due.astimezone(site.tz), i18n.language())
        planned = (
            _("{count} scheduled for {due}")
            if scheduled == 1
            else _("{count} scheduled, the next for {due}")
        )
        parts.append(planned.format(count=scheduled, due=due))
    parts.append(ngettext("{count} error", "{count} errors", errors).format(count=errors))
    return ", ".join([*parts, format_seconds(seconds)])

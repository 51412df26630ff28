"""Every exception class of the package. A FeedAppError is an expected failure the user can
fix, its message naming file, line and field; `commands.cli.main` turns it into an exit code
and a message. The classes after it are signals one stage raises and a caller turns into a
FeedAppError or a finding: they are never shown as they are."""

from __future__ import annotations

from pathlib import Path

from feedgen_app.i18n import _


class FeedAppError(Exception):
    """An expected failure the user can fix; its message reads `PATH:LINE: message`."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


class UsageError(FeedAppError):
    """A command-line value is wrong: the command does nothing (exit 2)."""


class ContentError(FeedAppError):
    """An article in the content folder is malformed."""


class ConfigError(FeedAppError):
    """The site configuration (feed.yaml) is malformed."""


class PublishError(FeedAppError):
    """The output folder cannot be written safely."""


class ScaffoldError(FeedAppError):
    """`init` cannot write a new site (a file of it exists already)."""


class PreviousSiteError(FeedAppError):
    """`check --against`: the published site cannot be read, or its feeds break their own
    archive links."""


class TriggerError(FeedAppError):
    """GitHub did not accept the rebuild request (no token, refused, unreachable)."""


class ServeError(FeedAppError):
    """The preview server cannot start (address in use, folder missing)."""


# --- signals: raised by one stage, turned into a FeedAppError or a finding by its caller -------


class DateFormatError(ValueError):
    """The text is not a date in any accepted form; the message says why (the caller adds
    the file and line, or the option)."""


class XmlError(ValueError):
    """A document is not well-formed XML (or declares a DTD); `line` says where."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class StoreError(Exception):
    """The build cache cannot be used (corrupt, foreign, unreadable): the build sets it aside
    with a warning and goes on without it."""


class NotRegularFileError(OSError):
    """The path names something other than a regular file (a FIFO, a device, a folder); an
    OSError, so that every reader's `except OSError` reports it like a missing file."""

    def __init__(self, path: str | Path, kind: str) -> None:
        super().__init__(_("{kind}, not a regular file").format(kind=kind))
        self.strerror = _("it is {kind}, not a regular file; only regular files are read").format(
            kind=kind
        )
        self.filename = str(path)

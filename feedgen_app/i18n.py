"""The language of every message a person reads, from one catalog shipped in the package.

Messages are written in English in the source (the msgids) and translated into German by
`locale/de/LC_MESSAGES/feedgen_app.po` (compiled to the `.mo` beside it). German is the
default; English is used when the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set
and not empty starts with `en` (LANGUAGE may be a colon list: its first entry counts). A
command picks the language once, when it starts (`select`); the pages of a site take theirs
from its `language:` in feed.yaml (`translation`), never from the environment.

Mark a message with `_()` (or `ngettext()` when it counts something) where it is shown, with
its placeholders filled by `.format()` afterwards, so that `scripts/update_catalog.py` finds it:
`_("{path}:{line}: the file is empty").format(path=path, line=1)`. A message defined at import
time (a module constant) is marked with `N_()` and translated with `_()` where it is used.
"""

from __future__ import annotations

import argparse
import errno
import gettext as _gettext
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

DOMAIN = "feedgen_app"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
GERMAN, ENGLISH = "de", "en"
LANGUAGES = (GERMAN, ENGLISH)
ENV_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where the language comes from, in gettext's order: the first one set and not empty counts."""


def language_from_env(environ: Mapping[str, str]) -> str:
    """`en` when the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG set and not empty starts with
    `en`; else `de` (also for unset, C, POSIX, C.UTF-8 and every other language)."""
    for name in ENV_VARIABLES:
        value = environ.get(name, "")
        if name == "LANGUAGE":
            value = value.split(":", 1)[0]
        if value:
            return ENGLISH if value.lower().startswith("en") else GERMAN
    return GERMAN


def language_of_tag(tag: str) -> str:
    """The messages' language for a BCP 47 tag of a site: `en` for every `en*`, else `de`."""
    return ENGLISH if tag.lower().startswith("en") else GERMAN


@cache
def translation(language: str) -> _gettext.NullTranslations:
    """The catalog of `language` (`de`, `en`); English is the msgids themselves."""
    if language == ENGLISH:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])


_selected: dict[str, str] = {}


def select(environ: Mapping[str, str] | None = None) -> str:
    """Pick the messages' language from the environment (once per command); return it."""
    _selected["language"] = language_from_env(os.environ if environ is None else environ)
    return _selected["language"]


def language() -> str:
    """The selected language, `de` or `en` (selected from the environment on first use)."""
    return _selected.get("language") or select()


def current() -> _gettext.NullTranslations:
    """The selected catalog."""
    return translation(language())


def _(message: str) -> str:
    """`message` in the selected language."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the selected language."""
    return current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for the catalog without translating it (yet): for module constants."""
    return message


def count_problems(count: int) -> str:
    """`1 problem`, `2 problems` in the selected language."""
    return ngettext("{count} problem", "{count} problems", count).format(count=count)


def translate_argparse() -> None:
    """Route argparse's own words (`usage: `, `options`, `error: `, `the following arguments
    are required: %s`, ...) through the selected catalog: argparse calls the `_` and
    `ngettext` of its module namespace, taken from gettext's domain-less functions."""
    vars(argparse).update(_=_, ngettext=ngettext)


OS_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EEXIST: N_("it exists already"),
    errno.ENOTEMPTY: N_("the folder is not empty"),
    errno.ENOSPC: N_("no space left on the device"),
    errno.EROFS: N_("read-only file system"),
    errno.ELOOP: N_("too many levels of symbolic links"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EBUSY: N_("the device or resource is busy"),
    errno.EXDEV: N_("the paths are on different file systems"),
    errno.EIO: N_("input/output error"),
    errno.EADDRINUSE: N_("the address is already in use"),
    errno.EADDRNOTAVAIL: N_("the address is not available on this computer"),
    errno.ECONNREFUSED: N_("the connection was refused"),
    errno.ECONNRESET: N_("the connection was reset"),
    errno.ETIMEDOUT: N_("the connection timed out"),
    errno.ENETUNREACH: N_("the network is unreachable"),
    errno.EHOSTUNREACH: N_("the host is unreachable"),
}
"""The operating system's reason for a failed file or network operation, in our own words: its
own text (strerror) is English whatever the language, so an unknown one is named by its errno
symbol (`EIO`, `ENXIO`) instead."""


def os_reason(exc: BaseException | str) -> str:
    """Why an OSError happened, in the selected language: our wording for the usual errnos, else
    the system's text in English and the errno symbol in German. An error without an errno (one
    of ours) keeps its own text. Any other reason (urllib's text) is kept in English and named
    by its class in German."""
    if isinstance(exc, OSError):
        code = exc.errno
        if code is None:
            return str(exc.strerror or exc)
        if code in OS_REASONS:
            return _(OS_REASONS[code])
        if language() == ENGLISH and exc.strerror:
            return str(exc.strerror)
        return errno.errorcode.get(code, str(code))
    if language() == ENGLISH or not isinstance(exc, BaseException):
        return str(exc)
    return type(exc).__name__


LIBRARY_TEXTS = frozenset(
    (
        N_("month must be in 1..12"),
        N_("day is out of range for month"),
        N_("hour must be in 0..23"),
        N_("minute must be in 0..59"),
        N_("second must be in 0..59"),
        N_("mapping values are not allowed here"),
        N_("could not find expected ':'"),
        N_("found character '\\t' that cannot start any token"),
        N_("found character '@' that cannot start any token"),
        N_("found character '`' that cannot start any token"),
        N_("found undefined alias"),
        N_("found unexpected end of stream"),
        N_("expected <block end>, but found '<block mapping start>'"),
        N_("expected <block end>, but found '<scalar>'"),
        N_("expected <block end>, but found '-'"),
        N_("expected ',' or ']', but got '<stream end>'"),
        N_("expected ',' or '}', but got '<stream end>'"),
        N_("found duplicate anchor; first occurrence"),
        N_("while scanning a quoted scalar"),
        N_("while scanning a simple key"),
    )
)
"""What the libraries we use (datetime, dateutil, PyYAML) say most often, translated like our
own messages; `library_reason` shows any other text of theirs only in English."""


def library_reason(exc: BaseException | str) -> str:
    """A library's English explanation in the selected language: known texts translated, the
    text itself in English, and in German a pointer to the English details otherwise (a German
    line never carries an English clause)."""
    text = str(exc)
    if text in LIBRARY_TEXTS or language() == ENGLISH:
        return _(text)
    return _("details in English with LANG=en")

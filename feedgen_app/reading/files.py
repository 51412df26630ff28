"""Reading input files safely: only regular files are opened, and opening never blocks."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from feedgen_app.errors import NotRegularFileError
from feedgen_app.i18n import N_, _, os_reason

KINDS = {
    stat.S_IFIFO: N_("a named pipe (FIFO)"),
    stat.S_IFSOCK: N_("a socket"),
    stat.S_IFCHR: N_("a character device"),
    stat.S_IFBLK: N_("a block device"),
    stat.S_IFDIR: N_("a folder"),
    stat.S_IFLNK: N_("a symbolic link"),
}
"""What a non-regular file is, for messages."""


def describe_mode(mode: int) -> str:
    """`a named pipe (FIFO)` for a FIFO's st_mode, and so on."""
    return _(KINDS.get(stat.S_IFMT(mode), N_("a special file")))


def read_regular_file(path: str | Path) -> bytes:
    """The bytes of the regular file at `path` (a symbolic link to one is followed).

    Opened with O_NONBLOCK and checked with fstat before any read, so a FIFO or a device
    put (or swapped in) under an input's name raises NotRegularFileError instead of blocking
    the build forever. Other failures raise OSError as `open` does.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(path, describe_mode(mode))
        return handle.read()


def list_folder_files(folder: str) -> tuple[list[str], list[str], list[str]]:
    """Every non-hidden entry below `folder` (hidden folders are not entered), unsorted, as
    path strings: the regular files; the entries that need a closer look (symbolic links and
    special files: their rules are `content.check_content_entry`'s); and a `FOLDER:1: …`
    problem for every folder that cannot be listed.

    os.scandir: the listing says which entries are plain files and folders, so they cost no
    stat of their own, and plain strings cost no path objects (a scan of a large content
    folder is mostly this loop)."""
    files: list[str] = []
    odd: list[str] = []
    problems: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except OSError as exc:
            problems.append(
                _("{value}:1: cannot read the folder: {strerror}").format(
                    value=exc.filename or current, strerror=os_reason(exc)
                )
            )
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif entry.is_file(follow_symlinks=False):
                files.append(entry.path)
            else:
                odd.append(entry.path)
    return files, odd, problems

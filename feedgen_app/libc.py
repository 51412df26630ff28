"""The two Linux system calls the standard library lacks, through the C library (ctypes):
swapping two folders in one step (renameat2) and dying with the parent process (prctl)."""

from __future__ import annotations

import errno
import functools
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ctypes

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_PR_SET_PDEATHSIG = 1
_CANNOT_EXCHANGE = (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP)
"""What renameat2 answers where the kernel or the file system cannot exchange two paths."""


@functools.cache
def load_libc() -> ctypes.CDLL | None:
    """The C library (once per process), or None where there is none to load. ctypes is
    imported here, when a build first needs it, not by every command at start-up."""
    import ctypes.util

    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def exchange_paths(a: os.PathLike[str], b: os.PathLike[str]) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where that is not
    supported (not Linux, an old kernel, a file system that cannot), OSError otherwise."""
    libc = load_libc()
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in _CANNOT_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), os.fspath(b))


def die_with_parent(signal_number: int) -> None:
    """Ask Linux to send this process `signal_number` when its parent exits (prctl
    PR_SET_PDEATHSIG); nothing where there is no C library."""
    libc = load_libc()
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal_number, 0, 0, 0)

"""Writes the output plan atomically into the output folder; the only module that writes."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from feedgen_app.errors import PublishError

MANIFEST = ".feedgen-manifest.json"
"""Marks a folder as written by feedgen-app and lists every file with its SHA-256."""
SITE_HASH = "site-hash.txt"
"""The site's content hash, published with the site; no leading dot: upload-pages-artifact
skips dotfiles, and the scheduled workflow compares this file with the live one."""

_RENAME_EXCHANGE = 2


def write_site(out_dir: Path, files: Mapping[str, bytes], content_dir: Path | None = None) -> None:
    """Replace `out_dir` with exactly `files` plus `site-hash.txt` (see `hash_site`), atomically.

    The new site is written into a temporary folder beside `out_dir` and swapped in with one
    rename, so a reader sees either the old complete site or the new one, never a mix.
    """
    check_output_dir(out_dir, content_dir)
    for name in files:
        check_relative_path(name)
    files = {**files, SITE_HASH: (hash_site(files) + "\n").encode("ascii")}
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.new-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    try:
        write_tree(staging, files)
        swap_in(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def hash_site(files: Mapping[str, bytes]) -> str:
    """The site's content hash: SHA-256 of the `sha256sum` listing of every file but the hash.

    Each line is `<sha256>  <path>`, sorted by path; the same content always gives the same
    hash, so a scheduled build can tell whether the live site needs a new deploy.
    """
    listing = "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n"
                      for name in sorted(files) if name != SITE_HASH)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` below a new folder `root`, plus the manifest."""
    root.mkdir()
    for name in sorted(files):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[name])
    manifest = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    text = json.dumps({"generator": "feedgen-app", "files": manifest}, indent=1) + "\n"
    (root / MANIFEST).write_text(text, encoding="utf-8")


def swap_in(staging: Path, out_dir: Path) -> None:
    """Make `staging` the new `out_dir` in one atomic step; the old tree ends up in `staging`."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        return
    # No renameat2 (not Linux): two renames; the gap between them is as short as it gets.
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    os.rename(out_dir, old)
    os.rename(staging, out_dir)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: file system cannot exchange
        return False
    raise PublishError(f"{b}:1: cannot swap in the new site: {os.strerror(errno)}")


def check_relative_path(name: str) -> None:
    """An output path must stay inside the output folder."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in name:
        raise PublishError(f"{name}:1: output path leaves the output folder")


def check_output_dir(out_dir: Path, content_dir: Path | None) -> None:
    """Refuse output folders whose replacement would lose someone's files."""
    resolved = out_dir.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise PublishError(f"{out_dir}:1: refusing to write the site into {resolved}; "
                           "choose an output folder of its own, e.g. public/")
    if content_dir is not None:
        content = content_dir.resolve()
        if resolved == content or resolved in content.parents:
            raise PublishError(f"{out_dir}:1: the output folder must not be or contain the "
                               f"content folder {content_dir}")
    if resolved.is_file():
        raise PublishError(f"{out_dir}:1: the output path is a file, not a folder")
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / MANIFEST).is_file():
        raise PublishError(f"{out_dir}:1: the folder is not empty and was not written by "
                           f"feedgen-app (no {MANIFEST}); empty it or choose another --out")


def write_summary(path: Path, summary: Mapping[str, object]) -> None:
    """Write a build summary as JSON (for CI step summaries); the folder must exist."""
    text = json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PublishError(f"{path}:1: cannot write the build summary: {exc.strerror}") from None

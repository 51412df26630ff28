"""Writes the output plan atomically into the output folder; the only module that writes.

Guarantees (Linux, where renameat2(RENAME_EXCHANGE) swaps two folders in one step):
- the plan is checked first (`check.check_files`); a plan with findings is never written;
- the new site is written into `.<out>.new-<pid>` beside the output folder and swapped in with
  one atomic exchange, so a reader, a deploy or a `kill -9` at any moment sees either the old
  complete site or the new complete site;
- one build at a time writes an output folder (`flock` on `.<out>.lock` beside it); leftovers
  of killed runs (`.<out>.new-*`, `.<out>.old-*`) are removed by the next run;
- a folder is only replaced when it is empty or was written by feedgen-app: it carries the
  manifest and holds no file the manifest does not list.

The manifest `.feedgen-manifest.json` (in the output folder) is UTF-8 JSON, indent 1:
`{"generator": "feedgen-app", "files": {"<relative/posix/path>": "<sha-256 hex>", ...}}`, paths
sorted, listing every file of the site except the manifest itself. `read_manifest` reads it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from feedgen_app.check import check_files
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
    findings = check_files(files, prefix=f"{out_dir}/")
    if findings:
        raise PublishError(*findings, f"{out_dir}:1: the new site fails `feedgen-app check` "
                           "(findings above); the old site stays as it was")
    files = {**files, SITE_HASH: (hash_site(files) + "\n").encode("ascii")}
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with lock_output(out_dir):
        remove_stale_staging(out_dir)
        check_output_dir(out_dir, content_dir)
        staging = out_dir.parent / f".{out_dir.name}.new-{os.getpid()}"
        try:
            write_tree(staging, files, previous=out_dir)
            swap_in(staging, out_dir)
        finally:
            if staging.exists():
                shutil.rmtree(staging)


@contextlib.contextmanager
def lock_output(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on `.<out>.lock` beside `out_dir`: one writer at a time."""
    lock_path = out_dir.parent / f".{out_dir.name}.lock"
    try:
        handle = lock_path.open("a")
    except OSError as exc:
        raise PublishError(f"{lock_path}:1: cannot create the lock file: {exc.strerror}") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale_staging(out_dir: Path) -> None:
    """Clean up after killed runs (call with the lock held, so no other run owns them).

    If a run died between the two renames of the non-Linux fallback, the output folder is
    missing and `.<out>.old-<pid>` holds the complete old site: put it back first.
    """
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"))
    if not out_dir.exists() and olds and (olds[0] / MANIFEST).is_file():
        os.rename(olds[0], out_dir)
    for leftover in [*out_dir.parent.glob(f".{out_dir.name}.new-*"),
                     *out_dir.parent.glob(f".{out_dir.name}.old-*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)


def read_manifest(out_dir: Path) -> dict[str, str] | None:
    """The manifest's `files` (path -> SHA-256 hex), or None when it is missing or not ours."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("generator") != "feedgen-app":
        return None
    files = data.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        return None
    return files


def hash_site(files: Mapping[str, bytes]) -> str:
    """The site's content hash: SHA-256 of the `sha256sum` listing of every file but the hash.

    Each line is `<sha256>  <path>`, sorted by path; the same content always gives the same
    hash, so a scheduled build can tell whether the live site needs a new deploy.
    """
    listing = "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n"
                      for name in sorted(files) if name != SITE_HASH)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def write_tree(root: Path, files: Mapping[str, bytes], previous: Path | None = None) -> None:
    """Write `files` below a new folder `root`, plus the manifest.

    A file whose bytes equal the one in `previous` (the current site, by its manifest's SHA-256)
    is hard-linked from there instead of written: it keeps its inode and modification time.
    """
    root.mkdir()
    reusable = find_reusable_files(previous) if previous is not None else {}
    manifest = {}
    folders = {root}
    for name in sorted(files):
        target = root / name
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        data = files[name]
        digest = manifest[name] = hashlib.sha256(data).hexdigest()
        old = reusable.get(name)
        if old is not None and old[0] == digest and old[1] == len(data):
            try:
                os.link(old[2], target)
                continue
            except OSError:
                pass  # another file system, or links not allowed: write it
        target.write_bytes(data)
    text = json.dumps({"generator": "feedgen-app", "files": manifest}, indent=1) + "\n"
    (root / MANIFEST).write_text(text, encoding="utf-8")


def find_reusable_files(site_dir: Path) -> dict[str, tuple[str, int, Path]]:
    """Files of the current site that are still as its manifest says: path -> (SHA-256, size,
    file). A file changed after the manifest was written (newer mtime) is not reused."""
    manifest = read_manifest(site_dir)
    if manifest is None:
        return {}
    try:
        written = (site_dir / MANIFEST).stat().st_mtime_ns
    except OSError:
        return {}
    reusable = {}
    for name, digest in manifest.items():
        path = site_dir / name
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_mtime_ns <= written:
            reusable[name] = (digest, info.st_size, path)
    return reusable


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
    if out_dir.is_symlink():
        raise PublishError(f"{out_dir}:1: the output folder is a symbolic link; give the real "
                           f"folder ({resolved}) as --out")
    if resolved.exists() and not resolved.is_dir():
        raise PublishError(f"{out_dir}:1: the output path is a file, not a folder")
    if not resolved.is_dir() or not any(resolved.iterdir()):
        return
    listed = read_manifest(resolved)
    if listed is None:
        raise PublishError(f"{out_dir}:1: the folder is not empty and was not written by "
                           f"feedgen-app (no valid {MANIFEST}); empty it or choose another --out")
    present = (path.relative_to(resolved).as_posix() for path in resolved.rglob("*")
               if not path.is_dir())
    foreign = sorted(name for name in present if name not in listed and name != MANIFEST)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5
                                          else "")
        raise PublishError(f"{out_dir}:1: the folder holds files feedgen-app did not write "
                           f"({shown}); they would be lost: move them elsewhere (e.g. into "
                           "the content folder) and build again")


def write_summary(path: Path, summary: Mapping[str, object]) -> None:
    """Write a build summary as JSON (for CI step summaries); the folder must exist."""
    text = json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PublishError(f"{path}:1: cannot write the build summary: {exc.strerror}") from None

"""Writes the output plan atomically into the output folder; the only module that writes.

Guarantees (Linux, where renameat2(RENAME_EXCHANGE) swaps two folders in one step):
- the plan is checked first (by the pipeline, as `feedgen-app check` checks); a plan with
  findings is never written;
- the new site is written into `.<out>.new-<pid>` beside the output folder and swapped in with
  one atomic exchange, so a reader, a deploy or a `kill -9` at any moment sees either the old
  complete site or the new complete site;
- double buffering: after the exchange the old site is kept as `.<out>.prev`; the next build
  renames it to its `.<out>.new-<pid>` and, if it is exactly as its manifest says, removes that
  manifest and changes only the files that differ (never writing into a file: unchanged ones
  are hard links to the live site's), instead of writing and later deleting a whole tree;
- one build at a time writes an output folder (`flock` on `.<out>.lock` beside it); leftovers
  of killed runs (`.<out>.new-*`, `.<out>.old-*`) are removed by the next run;
- a folder is only replaced when it is empty or was written by feedgen-app: it carries the
  manifest and holds no file the manifest does not list.

The manifest and the site hash are written as `manifest` describes them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath

from feedgen_app.errors import PublishError
from feedgen_app.i18n import _, os_reason
from feedgen_app.libc import exchange_paths
from feedgen_app.publishing.manifest import (
    MANIFEST,
    SITE_HASH,
    hash_digests,
    read_manifest,
    write_manifest,
)


def write_files(
    out_dir: Path, files: Mapping[str, bytes], content_dir: Path | None = None
) -> dict[str, str]:
    """Replace `out_dir` with exactly `files` plus `site-hash.txt` (`manifest.hash_site`),
    atomically.

    The new site is written into a staging folder beside `out_dir` and swapped in with one
    rename, so a reader sees either the old complete site or the new one, never a mix. Returns
    every published file's SHA-256 (path -> hex), `site-hash.txt` included. The caller checks
    the files first (`pipeline.write_site`).
    """
    for name in files:
        check_relative_path(name)
    with Staging(out_dir, content_dir) as staging:
        staging.prepare(files)
        digests = {}
        for name, data in files.items():
            digest = hashlib.sha256(data).hexdigest()
            if not staging.keep(name, digest):
                staging.write(name, data)
            digests[name] = digest
        staging.commit(digests)
        return digests


class Staging:
    """The next generation of the site, written beside the output folder and swapped in.

    Used as a context manager (it holds the output folder's lock): `prepare(names)` with every
    path of the new site, then for each file `keep(name, digest)` (it equals the published
    file: hard-linked, or already there) or `write(name, bytes)`, then `commit(digests)`. A
    staging tree that is not committed is removed; the published site stays as it was.
    Forked workers may `write` disjoint files into the same staging tree.
    """

    def __init__(self, out_dir: Path, content_dir: Path | None = None) -> None:
        self.out_dir = out_dir.absolute()
        self.content_dir = content_dir
        self.root = self.out_dir.parent / f".{self.out_dir.name}.new-{os.getpid()}"
        self.top = str(self.root)
        self.present: dict[str, tuple[str, int]] = {}
        """Files already in the staging tree (the previous generation): path -> (SHA-256,
        inode)."""
        self.folders: set[str] = set()
        self.reusable: dict[str, tuple[str, int, Path, int]] = {}
        self._lock: contextlib.ExitStack | None = None
        self.committed = False

    def __enter__(self) -> Staging:
        check_output_dir(self.out_dir, self.content_dir, list_all=False)  # quick, unlocked
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            where = exc.filename or self.out_dir.parent
            raise PublishError(
                _("{out_dir}:1: cannot create {where}: {value}").format(
                    out_dir=self.out_dir, where=where, value=os_reason(exc)
                )
            ) from None
        stack = contextlib.ExitStack()
        stack.enter_context(lock_output(self.out_dir))
        self._lock = stack
        try:
            remove_stale_staging(self.out_dir)
            check_output_dir(self.out_dir, self.content_dir)
            self.reusable = find_reusable_files(self.out_dir)
        except BaseException:
            stack.close()
            raise
        return self

    def __exit__(self, _kind: object, _value: object, _traceback: object) -> None:
        try:
            if not self.committed and os.path.lexists(self.top):
                shutil.rmtree(self.top)
        finally:
            if self._lock is not None:
                self._lock.close()

    def prepare(self, names: Iterable[str]) -> None:
        """Start the staging tree for a site of exactly `names`: from the previous generation
        (its files not in `names` removed) when it is intact, else empty."""
        wanted = set(names)
        spare = take_spare(spare_of(self.out_dir), self.root)
        if spare is not None and self._blocks(spare[0], wanted):
            shutil.rmtree(self.root)
            spare = None
        if spare is None:
            self.root.mkdir()
            spare = ({}, {self.top})
        self.present, self.folders = spare
        for name in sorted(set(self.present) - wanted, reverse=True):
            target = f"{self.top}/{name}"
            os.unlink(target)
            del self.present[name]
            parent = os.path.dirname(target)
            while parent != self.top and not os.listdir(parent):
                os.rmdir(parent)
                self.folders.discard(parent)
                parent = os.path.dirname(parent)

    @staticmethod
    def _blocks(present: Mapping[str, object], wanted: set[str]) -> bool:
        """True when a kept file stands where a new file needs a folder (or the reverse)."""
        folders_needed = {name.rpartition("/")[0] for name in wanted}
        folders_present = {name.rpartition("/")[0] for name in present}
        return any(name in folders_needed for name in present) or any(
            name in folders_present for name in wanted
        )

    def keep(self, name: str, digest: str) -> bool:
        """Make `name` the published file of SHA-256 `digest` without writing it; False when
        the published site has no such file (the caller writes it)."""
        old = self.reusable.get(name)
        if old is None or old[0] != digest:
            return False
        have = self.present.get(name)
        target = f"{self.top}/{name}"
        if have is not None:
            if have[1] == old[3]:
                return True  # already the published file itself
            os.unlink(target)
            del self.present[name]
        else:
            make_parent(target, self.top, self.folders)
        try:
            os.link(old[2], target)
        except OSError:
            return False  # another file system, or links not allowed: the caller writes it
        return True

    def clear(self, names: Iterable[str]) -> None:
        """Remove the previous generation's files at `names`, before a forked worker writes
        them (it gets this tree without the list of what is there: see `__getstate__`)."""
        for name in names:
            if name in self.present:
                os.unlink(f"{self.top}/{name}")
                del self.present[name]

    def __getstate__(self) -> dict[str, object]:
        """What a forked worker gets with a job: where the tree is, not what is in it, nor
        the lock (the build process holds it)."""
        return {**self.__dict__, "present": {}, "folders": set(), "reusable": {}, "_lock": None}

    def write(self, name: str, data: bytes | Iterable[bytes]) -> None:
        """Write a new file (never into an existing one: it may be a hard link to a file of
        the published site)."""
        with open(self._new_file(name), "xb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)

    def write_together(self, files: Sequence[tuple[str, Iterable[bytes]]]) -> None:
        """Write several new files at once, a piece of each in turn: files made from the same
        articles, taken one at a time, so that none is loaded ahead of the others."""
        with contextlib.ExitStack() as stack:
            open_files = [
                (stack.enter_context(open(self._new_file(name), "xb")), iter(pieces))
                for name, pieces in files
            ]
            while open_files:
                for entry in list(open_files):
                    handle, pieces = entry
                    piece = next(pieces, None)
                    if piece is None:
                        open_files.remove(entry)
                    else:
                        handle.write(piece)

    def _new_file(self, name: str) -> str:
        """The path to create `name` at: a file of the previous generation there is removed
        first, a missing folder made."""
        target = f"{self.top}/{name}"
        if name in self.present:
            os.unlink(target)
            del self.present[name]
        else:
            make_parent(target, self.top, self.folders)
        return target

    def commit(self, digests: dict[str, str]) -> str:
        """Write `site-hash.txt` and the manifest for a site of exactly `digests` (path ->
        SHA-256) and swap it in; returns the site's hash and adds `site-hash.txt` to
        `digests` (no copy of a dict that may list every file of a large site)."""
        site_hash = hash_digests(digests)
        data = (site_hash + "\n").encode("ascii")
        digests[SITE_HASH] = hashlib.sha256(data).hexdigest()
        self.write(SITE_HASH, data)
        write_manifest(self.root, digests)
        swapped = swap_in(self.root, self.out_dir)
        self.committed = True
        if swapped:  # keep the old generation as the next build's staging tree
            with contextlib.suppress(OSError):
                os.rename(self.root, spare_of(self.out_dir))
        return site_hash


def spare_of(out_dir: Path) -> Path:
    """`.<out>.prev` beside `out_dir`: the previous generation, the next build's staging tree."""
    return out_dir.parent / f".{out_dir.name}.prev"


@contextlib.contextmanager
def lock_output(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on `.<out>.lock` beside `out_dir`: one writer at a time."""
    lock_path = out_dir.parent / f".{out_dir.name}.lock"
    try:
        handle = lock_path.open("a")
    except OSError as exc:
        raise PublishError(
            _("{lock_path}:1: cannot create the lock file: {strerror}").format(
                lock_path=lock_path, strerror=os_reason(exc)
            )
        ) from None
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
    for leftover in [
        *out_dir.parent.glob(f".{out_dir.name}.new-*"),
        *out_dir.parent.glob(f".{out_dir.name}.old-*"),
    ]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)


def make_parent(target: str, top: str, folders: set[str]) -> None:
    """Create the folder of `target` (and its parents) unless `folders` lists it."""
    parent = os.path.dirname(target)
    if parent in folders:
        return
    os.makedirs(parent, exist_ok=True)
    while parent != top and parent not in folders:
        folders.add(parent)
        parent = os.path.dirname(parent)


def take_spare(spare: Path, root: Path) -> tuple[dict[str, tuple[str, int]], set[str]] | None:
    """Move the previous generation to `root` and list it (path -> (SHA-256, inode), folders),
    its manifest removed first; None (and nothing at `root`) unless it is exactly as its
    manifest says: only listed regular files, none changed after the manifest was written."""
    if spare.is_symlink() or not spare.is_dir():
        return None
    try:
        os.rename(spare, root)
    except OSError:
        return None
    manifest = read_manifest(root)
    try:
        written = (root / MANIFEST).stat().st_mtime_ns
        (root / MANIFEST).unlink()
    except OSError:
        manifest = None
    listed = scan_tree(root, manifest, written) if manifest is not None else None
    if listed is None:
        shutil.rmtree(root)
    return listed


def scan_tree(
    root: Path, manifest: Mapping[str, str], written: int
) -> tuple[dict[str, tuple[str, int]], set[str]] | None:
    """The files below `root` with their inodes, and its folders; None if a file is not in
    `manifest`, not a regular file or newer than `written`, or a listed file is missing."""
    present: dict[str, tuple[str, int]] = {}
    folders = {str(root)}
    for key, entry in walk_tree(root):
        if key.endswith("/"):
            folders.add(entry.path)
            continue
        info = entry.stat(follow_symlinks=False)
        if key not in manifest or not stat.S_ISREG(info.st_mode) or info.st_mtime_ns > written:
            return None
        present[key] = (manifest[key], info.st_ino)
    if len(present) != len(manifest):
        return None
    return present, folders


def find_reusable_files(site_dir: Path) -> dict[str, tuple[str, int, Path, int]]:
    """Files of the current site that are still as its manifest says: path -> (SHA-256, size,
    file, inode). A file changed after the manifest was written (newer mtime) is not reused."""
    manifest = read_manifest(site_dir)
    if manifest is None:
        return {}
    try:
        written = (site_dir / MANIFEST).stat().st_mtime_ns
    except OSError:
        return {}
    reusable = {}
    top = str(site_dir)
    for name, digest in manifest.items():
        try:
            info = os.lstat(f"{top}/{name}")
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_mtime_ns <= written:
            reusable[name] = (digest, info.st_size, site_dir / name, info.st_ino)
    return reusable


def swap_in(staging: Path, out_dir: Path) -> bool:
    """Make `staging` the new `out_dir` in one atomic step; the old tree ends up in `staging`
    (True), or there was none (False)."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return False
    try:
        if exchange_paths(staging, out_dir):
            return True
    except OSError as exc:
        raise PublishError(
            _("{out_dir}:1: cannot swap in the new site: {strerror}").format(
                out_dir=out_dir, strerror=os_reason(exc)
            )
        ) from None
    # No renameat2 (not Linux): two renames; the gap between them is as short as it gets.
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    os.rename(out_dir, old)
    os.rename(staging, out_dir)
    os.rename(old, staging)
    return True


def check_relative_path(name: str) -> None:
    """An output path must stay inside the output folder."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in name:
        raise PublishError(_("{name}:1: output path leaves the output folder").format(name=name))


def check_output_dir(out_dir: Path, content_dir: Path | None, list_all: bool = True) -> None:
    """Refuse output folders whose replacement would lose someone's files (`list_all`: also
    list the folder for files its manifest does not name)."""
    resolved = out_dir.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise PublishError(
            _(
                "{out_dir}:1: refusing to write the site into {resolved}; choose "
                "an output folder of its own, e.g. public/"
            ).format(out_dir=out_dir, resolved=resolved)
        )
    if content_dir is not None:
        content = content_dir.resolve()
        if resolved == content or resolved in content.parents:
            raise PublishError(
                _(
                    "{out_dir}:1: the output folder must not be or contain the content "
                    "folder {content_dir}"
                ).format(out_dir=out_dir, content_dir=content_dir)
            )
    if out_dir.is_symlink():
        raise PublishError(
            _(
                "{out_dir}:1: the output folder is a symbolic link; give the "
                "real folder ({resolved}) as --out"
            ).format(out_dir=out_dir, resolved=resolved)
        )
    if resolved.exists() and not resolved.is_dir():
        raise PublishError(
            _("{out_dir}:1: the output path is a file, not a folder").format(out_dir=out_dir)
        )
    if not resolved.is_dir() or not any(resolved.iterdir()):
        return
    listed = read_manifest(resolved)
    if listed is not None and not list_all:
        return
    if listed is None:
        raise PublishError(
            _(
                "{out_dir}:1: the folder is not empty and was not written by "
                "feedgen-app (no valid {MANIFEST}); empty it or choose another "
                "--out"
            ).format(out_dir=out_dir, MANIFEST=MANIFEST)
        )
    present = list_files(resolved)
    foreign = sorted(name for name in present if name not in listed and name != MANIFEST)
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise PublishError(
            _(
                "{out_dir}:1: the folder holds files feedgen-app did not write "
                "({shown}); they would be lost: move them elsewhere (e.g. into "
                "the content folder) and build again"
            ).format(out_dir=out_dir, shown=shown)
        )


def list_files(root: Path) -> list[str]:
    """Every non-folder below `root`, as relative POSIX paths; a symbolic link to a folder is
    listed, not followed."""
    return [key for key, _ in walk_tree(root) if not key.endswith("/")]


def walk_tree(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry below `root` with its path relative to it (a folder's ends in `/`), each
    folder before what it holds; a symbolic link to a folder is not followed."""
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            listed = list(entries)
        for entry in listed:
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, f"{prefix}{entry.name}/"))
                yield f"{prefix}{entry.name}/", entry
            else:
                yield prefix + entry.name, entry


def write_summary(path: Path, summary: Mapping[str, object]) -> None:
    """Write a build summary as JSON (for CI step summaries); the folder must exist."""
    text = json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PublishError(
            _("{path}:1: cannot write the build summary: {strerror}").format(
                path=path, strerror=os_reason(exc)
            )
        ) from None

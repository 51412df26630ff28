"""Property test: any file-system layout in content/ publishes a valid site or fails with
FILE:LINE messages, quickly, leaving public/ byte for byte as it was."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import make_site, write

from conftest import FIXED_NOW, IN_CI
from feedgen_app.checking.site import check_site
from feedgen_app.commands.cli import main

TIME_BOUND = 60
"""Seconds one build may take before the test calls it a hang (a few small files build in
well under a second; a FIFO read without the walker's rules blocks forever)."""
LAYOUTS = settings(
    max_examples=25, deadline=None, derandomize=IN_CI, suppress_health_check=[HealthCheck.too_slow]
)
"""Bounded to keep the test under 30 s; under CI=true the examples are fixed (reproducible)."""
_PROBLEM = re.compile(r"\S.*:\d+: ")

STEMS = [
    "gruesse",
    "grüße",
    unicodedata.normalize("NFD", "grüße"),
    "tags",
    "archive",
    "404",
    "Москва",
    "a b",
    "x",
    "sitemap",
    "static",
]
KINDS = [
    "article",
    "markdown",
    "media",
    "fifo",
    "link-in",
    "link-out",
    "dangling",
    "loop",
    "folder-link",
    "subfolder",
    "hidden",
]


class HangError(BaseException):
    """The build ran past TIME_BOUND (a BaseException: no `except OSError` can swallow it)."""


@contextlib.contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise HangError(f"the build took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def make_entry(root: Path, kind: str, stem: str, index: int) -> None:
    content = root / "content"
    name = f"2025-10-{index % 28 + 1:02d}-{stem}"
    text = f"date 2025-10-08 Titel {stem}\ntags {stem}, Wirtschaft\nDer Vorspann.\n"
    if kind == "article":
        write(root, f"{name}.txt", text)
    elif kind == "markdown":
        write(
            root,
            f"{stem}.md",
            f"---\ntitle: {stem}\ndate: 2025-10-08\nslug: {stem}\ntags: [{stem}]\n---\nText.\n",
        )
    elif kind == "media":
        (content / f"{stem}.png").write_bytes(b"\x89PNG\r\n")
    elif kind == "fifo":
        os.mkfifo(content / f"{name}.txt")
    elif kind == "link-in":
        target = write(root, f"ziel-{index}.txt", text)
        (content / f"{name}.txt").symlink_to(target)
    elif kind == "link-out":
        outside = root / f"geheim-{index}.png"
        outside.write_bytes(b"geheim")
        (content / f"{stem}-{index}.png").symlink_to(outside)
    elif kind == "dangling":
        (content / f"{name}.txt").symlink_to(content / f"fehlt-{index}.txt")
    elif kind == "loop":
        (content / f"{name}.txt").symlink_to(content / f"{name}.txt")
    elif kind == "folder-link":
        (content / f"ordner-{index}").symlink_to(content if index % 2 else root)
    elif kind == "subfolder":
        write(root, f"unter-{index}/{name}.txt", text)
    else:
        write(root, f".{name}.txt", "kein Artikel")


@LAYOUTS
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(STEMS)), max_size=8))
def test_any_layout_publishes_a_valid_site_or_fails_with_file_and_line(
    entries: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = make_site(Path(folder))
        write(root, "2025-10-01-basis.txt", "date 2025-10-01 Basis\nDer Vorspann.\n")
        argv = [
            "build",
            "--content",
            str(root / "content"),
            "--config",
            str(root / "feed.yaml"),
            "--out",
            str(root / "public"),
            "--now",
            FIXED_NOW,
        ]
        with contextlib.chdir(root):
            assert main(argv) == 0
        before = snapshot(root / "public")
        for index, (kind, stem) in enumerate(entries):
            with contextlib.suppress(FileExistsError):
                make_entry(root, kind, stem, index)
        err = io.StringIO()
        with (
            contextlib.chdir(root),
            contextlib.redirect_stderr(err),
            contextlib.redirect_stdout(io.StringIO()),
            time_bound(TIME_BOUND),
        ):
            code = main(argv)
        lines = err.getvalue().splitlines()
        if code == 0:
            assert check_site(root / "public") == []
            assert not any(root.glob("public/**/geheim*"))
        else:
            assert code == 1, err.getvalue()
            assert lines and lines[-1].startswith("feedgen-app build: error: ")
            assert all(_PROBLEM.match(line) for line in lines[:-1]), err.getvalue()
            assert snapshot(root / "public") == before

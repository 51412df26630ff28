"""Helpers for tests that build small sites in tmp_path: config, articles, builds, feed reading."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from lxml import etree

from conftest import FIXED_NOW
from feedgen_app.commands.cli import main

BASE_URL = "https://example.org/news/"
AUTHORITY = "example.org,2025"
ATOM = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"


def make_site(root: Path, feed_limit: int = 50, extra: str = "") -> Path:
    """A site folder with feed.yaml and an empty content/; returns `root`."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "feed.yaml").write_text(
        f'title: "Testseite"\nbase_url: "{BASE_URL}"\nauthor: "Redaktion"\n'
        f'id_authority: "{AUTHORITY}"\nfeed_limit: {feed_limit}\n{extra}',
        encoding="utf-8",
    )
    return root


def write(root: Path, name: str, text: str) -> Path:
    """Write a file below root/content/."""
    path = root / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build(root: Path, out: str = "public", now: str = FIXED_NOW) -> int:
    """Build root/content with root/feed.yaml into root/<out>; returns the exit code.

    Runs in `root`, so that state kept in the working folder (the build cache) is the site's own.
    """
    with contextlib.chdir(root):
        return main(
            [
                "build",
                "--content",
                str(root / "content"),
                "--config",
                str(root / "feed.yaml"),
                "--out",
                str(root / out),
                "--now",
                now,
            ]
        )


def local(root: Path, url: str, out: str = "public") -> Path:
    """The file in the built site that `url` names."""
    assert url.startswith(BASE_URL), url
    return root / out / url[len(BASE_URL) :]


def atom(path: Path) -> Any:
    """Parse an Atom or RSS file with lxml (our own output: no untrusted input)."""
    return etree.parse(str(path)).getroot()


def atom_ids(root: Any) -> list[str]:
    return [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]


def rss_ids(root: Any) -> list[str]:
    return [i.findtext("guid") for i in root.find("channel").findall("item")]


def json_feed(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def json_ids(document: Any) -> list[str]:
    return [item["id"] for item in document["items"]]


def atom_link(element: Any, rel: str) -> str | None:
    """The href of `element`'s first atom:link with `rel` (Atom feed/entry or RSS channel)."""
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == rel:
            return str(link.get("href"))
    return None


def entry_id(slug: str) -> str:
    return f"tag:{AUTHORITY}:{slug}"

"""Every relative link in README.md and docs/ resolves: the file exists, and an `#anchor` names a
heading of the target (GitHub's slugs)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\[[^\]]*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def slug(heading: str) -> str:
    """GitHub's anchor: lowercase, markup and punctuation dropped, spaces become hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
    text = re.sub(r"[^\w\- ]", "", text.replace("`", ""))
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading's anchor; a repeated one also as `-1`, `-2`, ... as GitHub numbers them."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        found.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return found


def relative_links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans are not links
    return [
        target for target in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", target)
    ]  # https:, mailto:, ...


LINKS = [(page, target) for page in PAGES for target in relative_links(page)]


def test_the_docs_have_relative_links() -> None:
    assert len(LINKS) > 20
    assert {p.name for p, _ in LINKS} >= {"README.md", "cli.md", "writing.md"}


@pytest.mark.parametrize(
    ("page", "target"), LINKS, ids=[f"{p.relative_to(REPO)}->{t}" for p, t in LINKS]
)
def test_every_relative_link_resolves(page: Path, target: str) -> None:
    path, _, anchor = target.partition("#")
    resolved = (page.parent / unquote(path)).resolve() if path else page
    where = f"{page.relative_to(REPO)}: {target}"
    assert resolved.exists(), f"{where}: no such file"
    if anchor:
        assert resolved.suffix == ".md", f"{where}: an anchor into a file that is not a page"
        assert anchor in anchors(resolved), f"{where}: no such heading in {resolved.name}"


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Configuration (`feed.yaml`)", "configuration-feedyaml"),
        ("`feedgen-app check [DIR]`", "feedgen-app-check-dir"),
        ("Writing articles: new, list, serve", "writing-articles-new-list-serve"),
        (
            "Recorded run (26 November 2026, after the output memo)",
            "recorded-run-26-november-2026-after-the-output-memo",
        ),
        ("Plain text (`*.txt`)", "plain-text-txt"),
    ],
)
def test_slug_is_githubs(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor

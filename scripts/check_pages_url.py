"""Publish step: stop when the config's base_url is not the address GitHub Pages serves the site at.

Reads `base_url` from the build summary of `feedgen-app build --summary FILE` and compares it
with `--pages-url`, the `base_url` output of actions/configure-pages (which has no trailing
slash); a trailing slash is ignored on both. A difference is an error: the feeds and pages would
link to the wrong place, and the comparison with the live site would read another site.
Usage: python scripts/check_pages_url.py --summary FILE --pages-url URL [--config feed.yaml]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def normalise(url: str) -> str:
    """`https://owner.github.io/repo` and `https://owner.github.io/repo/` are the same address."""
    return url.strip().rstrip("/") + "/"


def compare_urls(base_url: str, pages_url: str, config: str) -> str | None:
    """The error message when base_url is not the Pages address, else None."""
    if not pages_url.strip():
        return (
            f"{config}:1: GitHub Pages reported no address; is Pages enabled with the "
            "source 'GitHub Actions' (Settings -> Pages)?"
        )
    if normalise(base_url) == normalise(pages_url):
        return None
    return (
        f"{config}:1: base_url {base_url} is not the address GitHub Pages serves this "
        f'site at, {normalise(pages_url)}: set base_url: "{normalise(pages_url)}" in '
        f"{config} (or set up the custom domain in Settings -> Pages)"
    )


def escape(text: str, in_property: bool = False) -> str:
    """Escape `text` for a workflow command (`::error file=...::message`)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", type=Path, required=True, help="build summary JSON")
    parser.add_argument(
        "--pages-url",
        required=True,
        help="the Pages address (actions/configure-pages' base_url output)",
    )
    parser.add_argument("--config", default="feed.yaml", help="the config, named in the message")
    args = parser.parse_args(argv)
    base_url = json.loads(args.summary.read_text(encoding="utf-8"))["base_url"]
    problem = compare_urls(base_url, args.pages_url, args.config)
    if problem is not None:  # a workflow command: GitHub shows it as the run's error
        print(f"::error file={escape(args.config, True)},line=1::{escape(problem)}")
        return 1
    print(f"base_url {base_url} is the GitHub Pages address")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Publish workflow step: the run's Markdown summary from `feedgen-app build --summary FILE`.

Shows the articles published, the scheduled ones still waiting with their due times, and whether
the site is deployed (CHANGED and REASON from the compare step's outputs). Appends to
$GITHUB_STEP_SUMMARY, or prints when it is not set. A missing summary (failed build) says so.
Usage: python scripts/step_summary.py --summary FILE
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from feedgen_app.reading.dates import format_datetime_de


def render_summary(summary: dict[str, object] | None, changed: str, reason: str) -> str:
    """The Markdown for one run."""
    if summary is None:
        return "### Site build\n\nThe build did not finish: nothing was deployed.\n"
    scheduled = summary.get("scheduled") or []
    if not isinstance(scheduled, list):
        scheduled = []
    next_due = summary.get("next_due")
    rows = [
        ("Articles published", str(summary.get("published", 0))),
        ("Scheduled, waiting", str(len(scheduled))),
        ("Next due", describe_due(next_due) if isinstance(next_due, str) else "–"),
        ("Deploy", describe_deploy(changed, reason)),
        ("Site hash", f"`{str(summary.get('site_hash', ''))[:12]}`"),
    ]
    lines = ["### Site build", "", "| | |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    if scheduled:
        lines += ["", "Scheduled articles:", ""]
        lines += [
            f"- {describe_due(str(item['due']))}: {item['title']} (`{item['slug']}`)"
            for item in scheduled
        ]
    return "\n".join(lines) + "\n"


def describe_due(iso: str) -> str:
    """`1. Januar 2030, 06:00 Uhr (2030-01-01T06:00:00+01:00)`."""
    return f"{format_datetime_de(datetime.fromisoformat(iso))} ({iso})"


def describe_deploy(changed: str, reason: str) -> str:
    if changed == "true":
        return f"yes: {reason}" if reason else "yes"
    if changed == "false":
        return f"no: {reason}" if reason else "no"
    return "no: the comparison with the live site did not run"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", type=Path, required=True, help="build summary JSON")
    args = parser.parse_args(argv)
    summary = (
        json.loads(args.summary.read_text(encoding="utf-8")) if args.summary.is_file() else None
    )
    text = render_summary(summary, os.environ.get("CHANGED", ""), os.environ.get("REASON", ""))
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

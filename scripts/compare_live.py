"""Publish workflow step: does the built site differ from the live one? Writes changed=true|false.

Reads the build summary of `feedgen-app build --summary FILE` (its `site_hash` and `base_url`),
fetches `<base_url>site-hash.txt` from the live site and compares. Writes `changed`, `reason`,
`live_url` and `site_hash` to $GITHUB_OUTPUT (or stdout when unset). A missing or unreachable
live copy counts as changed: deploying the same site again is harmless, skipping a change is not.
The environment variable FORCE (`true`/`1`/`yes`) forces changed=true.
Usage: python scripts/compare_live.py --summary FILE [--out public] [--live-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

SITE_HASH = "site-hash.txt"
TIMEOUT_SECONDS = 20.0


def fetch_live_hash(live_url: str, run_id: str) -> tuple[str | None, str]:
    """The live site's hash, or None and why it could not be read."""
    url = f"{live_url}{SITE_HASH}?run={run_id}"  # a fresh query string passes the CDN cache
    request = urllib.request.Request(
        url, headers={"Cache-Control": "no-cache", "User-Agent": "feedgen-app-publish"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read(200).decode("ascii", errors="replace").strip(), ""
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 404:
            return None, f"the live site has no {SITE_HASH} yet (first deploy)"
        return None, f"the live site answered HTTP {exc.code} for {SITE_HASH}"
    except (urllib.error.URLError, OSError) as exc:
        return None, f"the live site could not be read ({getattr(exc, 'reason', exc)})"


def decide(local_hash: str, live_hash: str | None, why_none: str, force: bool) -> tuple[bool, str]:
    """(changed, reason) for the step summary."""
    if force:
        return True, "forced"
    if live_hash is None:
        return True, why_none
    if live_hash == local_hash:
        return False, "the built site is identical to the live site"
    return True, f"the site changed (live {live_hash[:12]}, new {local_hash[:12]})"


def write_outputs(values: dict[str, str]) -> None:
    """Append `key=value` lines to $GITHUB_OUTPUT, or print them when it is not set."""
    lines = "".join(f"{key}={value.replace(chr(10), ' ')}\n" for key, value in values.items())
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(lines)
    else:
        sys.stdout.write(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", type=Path, required=True, help="build summary JSON")
    parser.add_argument("--out", type=Path, default=Path("public"), help="the built site")
    parser.add_argument("--live-url", help="where the live site is (default: base_url)")
    args = parser.parse_args(argv)
    summary = json.loads(args.summary.read_text(encoding="utf-8"))
    local_hash = (args.out / SITE_HASH).read_text(encoding="ascii").strip()
    if local_hash != summary["site_hash"]:
        print(f"error: {args.out / SITE_HASH} does not match {args.summary}", file=sys.stderr)
        return 1
    live_url = args.live_url or summary["base_url"]
    if not live_url.endswith("/"):
        live_url += "/"
    force = os.environ.get("FORCE", "").strip().lower() in ("true", "1", "yes")
    live_hash, why_none = fetch_live_hash(live_url, os.environ.get("GITHUB_RUN_ID", "local"))
    changed, reason = decide(local_hash, live_hash, why_none, force)
    print(f"{'changed' if changed else 'unchanged'}: {reason}")
    write_outputs(
        {
            "changed": "true" if changed else "false",
            "reason": reason,
            "live_url": live_url,
            "site_hash": local_hash,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The manifest and the site hash: what a published site says about itself.

The manifest `.feedgen-manifest.json` (in the output folder) is UTF-8 JSON, indent 1:
`{"generator": "feedgen-app", "files": {"<relative/posix/path>": "<sha-256 hex>", ...}}`, paths
sorted, listing every file of the site except the manifest itself. It marks a folder as written
by feedgen-app (only such a folder is ever replaced) and lets the next build reuse unchanged
files. `site-hash.txt` holds the SHA-256 of the `sha256sum` listing of every other file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

MANIFEST = ".feedgen-manifest.json"
"""Marks a folder as written by feedgen-app and lists every file with its SHA-256."""
SITE_HASH = "site-hash.txt"
"""The site's content hash, published with the site; no leading dot: upload-pages-artifact
skips dotfiles, and the scheduled workflow compares this file with the live one."""


def write_manifest(root: Path, digests: Mapping[str, str]) -> None:
    """Write the manifest of a site of exactly `digests` (path -> SHA-256) into `root`."""
    files = {name: digests[name] for name in sorted(digests)}
    with (root / MANIFEST).open("w", encoding="utf-8") as handle:  # written as encoded
        json.dump({"generator": "feedgen-app", "files": files}, handle, indent=1)
        handle.write("\n")


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
    return hash_digests({name: hashlib.sha256(data).hexdigest() for name, data in files.items()})


def hash_digests(digests: Mapping[str, str]) -> str:
    """`hash_site` from the files' SHA-256 hex digests (the listing hashed a part at a time)."""
    names = sorted(name for name in digests if name != SITE_HASH)
    hasher = hashlib.sha256()
    for start in range(0, len(names), 1000):
        part = names[start : start + 1000]
        hasher.update("".join(f"{digests[name]}  {name}\n" for name in part).encode("utf-8"))
    return hasher.hexdigest()

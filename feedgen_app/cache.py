"""The build cache in `.feedgen-cache/`: content hashes, parsed articles, the last build's output.

The cache makes rebuilds cheap and is never trusted blindly: it is one file (`index.bin`) with a
magic line, a JSON header naming the cache schema, feedgen-app, feedgen and Python versions and the
Article fields, the SHA-256 of the body, and the body itself (`marshal` of plain data: strings,
numbers, lists, dicts; no pickle, so loading it cannot run code). A missing cache is a cold build;
a corrupt, truncated, foreign, unreadable or other-version cache is ignored with a warning.

What is cached, and what invalidates it:
- per content file: size, mtime, inode -> SHA-256 (a file whose stat changed, or that changed less
  than `RACY_SECONDS` before the cache was written, is hashed again);
- per article file: its parsed Article, keyed by the file's SHA-256 and the site signature (the
  config, the content folder, the package's templates and versions); articles with a lead image
  are read again every time (they depend on another file);
- the last build: the key of everything its output depends on, and the size, mtime and inode of
  every file it published, so that an unchanged build can be recognised without reading a page.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import marshal
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.tz import tzoffset, tzutc

from feedgen_app import __version__, model
from feedgen_app.content import walk_content
from feedgen_app.errors import ContentError
from feedgen_app.model import Article, Site
from feedgen_app.publish import list_files
from feedgen_app.workers import fork_pool

CACHE_DIR = Path(".feedgen-cache")
"""The default cache folder, relative to the working folder."""
INDEX = "index.bin"
ARTICLES = "articles.bin"
OUTPUTS = "outputs.bin"
"""Per output file the key of its inputs and its SHA-256, and the check reports of the feeds."""
SCHEMA = 2
MAGIC = b"feedgen-app build cache\n"
RACY_SECONDS = 2.0
"""A file modified this close to the cache's own write time is hashed again (mtime granularity)."""
POOL_MIN_ARTICLES = 400
"""Fewer articles to parse than this are parsed in this process: pool start-up would dominate."""
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This folder is feedgen-app's build cache; deleting it is safe.\n")

Stat = tuple[int, int, int]
"""(size, mtime_ns, inode) of a file."""
Reader = Callable[[Path, Site, Path], Article]


def describe_environment() -> dict[str, Any]:
    """What a cache must have been written by to be trusted."""
    try:
        feedgen_version = version("feedgen")
    except PackageNotFoundError:  # pragma: no cover - feedgen is a hard dependency
        feedgen_version = "unknown"
    return {
        "schema": SCHEMA,
        "package": __version__,
        "feedgen": feedgen_version,
        "python": list(sys.version_info[:2]),
        "marshal": marshal.version,
        "article_fields": [f.name for f in dataclasses.fields(Article)],
    }


def hash_package_data() -> str:
    """SHA-256 over the package's templates and static files (an edited template is a change)."""
    digest = hashlib.sha256()
    root = package_files("feedgen_app")
    for folder in ("templates", "static"):
        base = root.joinpath(folder)
        if not base.is_dir():
            continue
        for item in sorted(base.iterdir(), key=lambda entry: entry.name):
            if item.is_file():
                digest.update(f"{folder}/{item.name}\0".encode())
                digest.update(hashlib.sha256(item.read_bytes()).digest())
    return digest.hexdigest()


def stat_key(path: Path) -> Stat:
    info = path.stat()
    return (info.st_size, info.st_mtime_ns, info.st_ino)


# ---------------------------------------------------------------------------------------------
# Articles <-> plain data


def encode_value(value: Any) -> Any:
    """A model value as marshal-safe plain data; TypeError for anything else."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, tuple):
        return ["t", [encode_value(v) for v in value]]
    if isinstance(value, datetime):
        if isinstance(value.tzinfo, ZoneInfo):
            naive = value.replace(tzinfo=None).isoformat()
            return ["z", naive, value.tzinfo.key, value.fold]
        if value.tzinfo is not None and type(value.tzinfo) is timezone:
            return ["o", value.isoformat()]
        naive = value.replace(tzinfo=None).isoformat()
        if isinstance(value.tzinfo, tzutc):
            return ["U", naive]
        if isinstance(value.tzinfo, tzoffset):
            offset = value.utcoffset()
            assert offset is not None
            return ["u", naive, value.tzinfo.tzname(None), int(offset.total_seconds())]
        raise TypeError(f"cannot cache a datetime with tzinfo {value.tzinfo!r}")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if getattr(model, name, None) is not type(value):
            raise TypeError(f"cannot cache {name}: not a model class")
        return ["c", name, {f.name: encode_value(getattr(value, f.name))
                            for f in dataclasses.fields(value)}]
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode_value(data: Any) -> Any:
    """The inverse of encode_value; ValueError for data it never writes."""
    if data is None or isinstance(data, str | bool | int | float):
        return data
    if not isinstance(data, list) or not data:
        raise ValueError(f"unexpected cached value {data!r:.60}")
    tag = data[0]
    if tag == "t":
        return tuple(decode_value(v) for v in data[1])
    if tag == "z":
        naive = datetime.fromisoformat(data[1])
        return naive.replace(tzinfo=ZoneInfo(data[2]), fold=data[3])
    if tag == "o":
        parsed = datetime.fromisoformat(data[1])
        offset = parsed.utcoffset()
        assert offset is not None
        return parsed.replace(tzinfo=UTC if offset == timedelta(0) else timezone(offset))
    if tag == "U":
        return datetime.fromisoformat(data[1]).replace(tzinfo=tzutc())
    if tag == "u":
        return datetime.fromisoformat(data[1]).replace(tzinfo=tzoffset(data[2], data[3]))
    if tag == "c":
        cls: Any = getattr(model, data[1], None)
        if not isinstance(cls, type) or not dataclasses.is_dataclass(cls):
            raise ValueError(f"unexpected cached class {data[1]!r}")
        return cls(**{key: decode_value(value) for key, value in data[2].items()})
    raise ValueError(f"unexpected cached tag {tag!r}")


_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))


def encode_article(article: Article) -> list[Any]:
    """An Article as its field values in declaration order (the header names the fields)."""
    return [encode_value(getattr(article, name)) for name in _ARTICLE_FIELDS]


def decode_article(data: Any) -> Article:
    if not isinstance(data, list) or len(data) != len(_ARTICLE_FIELDS):
        raise ValueError("cached record is not an article")
    values: list[Any] = [v if type(v) is str else decode_value(v) for v in data]
    return Article(*values)


# ---------------------------------------------------------------------------------------------
# The cache file


@dataclass
class BuildCache:
    """The loaded cache: plain data, changed in memory during a build, written by `save_cache`."""

    directory: Path
    files: dict[str, list[Any]] = field(default_factory=dict)
    """content file path -> [size, mtime_ns, inode, sha256]"""
    articles: dict[str, list[Any]] = field(default_factory=dict)
    """article source -> [sha256, site signature, encoded Article]"""
    last_build: dict[str, Any] = field(default_factory=dict)
    """{"key": build key, "out": folder, "outputs": {path: [size, mtime_ns, inode]}, ...}"""
    written_ns: int = 0
    """When the loaded cache was written (0: no cache was loaded)."""
    warnings: list[str] = field(default_factory=list)
    dirty: bool = False
    """Something in the index changed that `save_cache` must write."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """{"files": {path: [key, sha256]}, "reports": check memo (see check.encode_reports)},
    read by `load_outputs`, written by `save_cache` when `outputs_dirty`."""
    outputs_dirty: bool = False
    articles_loaded: bool = False
    articles_dirty: bool = False
    hashes: dict[str, str] = field(default_factory=dict)
    """path -> SHA-256 of every input file hashed in this build (not saved)."""
    inputs_keys: dict[str, str | None] = field(default_factory=dict)
    """`make_inputs_key`'s results in this build (not saved)."""
    reused: int = 0
    """Articles taken from the cache in this build (not parsed again)."""
    parsed: int = 0
    """Articles parsed in this build."""


def load_cache(directory: Path) -> BuildCache:
    """The cache in `directory`; an empty one (with a warning) unless it is ours and intact.

    Only the index is read here; the parsed articles (`ARTICLES`, the bulk) are read by
    `load_articles` when a build needs them, so an unchanged build never reads them."""
    cache = BuildCache(directory=directory)
    payload = _read_cache_file(cache, directory / INDEX)
    if payload is None:
        return cache
    files, last = payload.get("files"), payload.get("last")
    if not (isinstance(files, dict) and isinstance(last, dict)
            and all(isinstance(v, list) and len(v) == 4 for v in files.values())):
        cache.warnings.append(f"{directory / INDEX}:1: warning: the build cache is corrupt "
                              "(bad sections); ignoring it and building without it")
        return cache
    cache.files, cache.last_build = files, last
    cache.written_ns = int(payload.get("written_ns", 0))
    return cache


def load_articles(cache: BuildCache) -> None:
    """Read the parsed articles into `cache.articles` (once); a bad file is a warning."""
    if cache.articles_loaded:
        return
    cache.articles_loaded = True
    path = cache.directory / ARTICLES
    payload = _read_cache_file(cache, path) if cache.written_ns else None
    articles = payload.get("articles") if payload is not None else None
    if payload is not None and not (
            isinstance(articles, dict)
            and all(isinstance(v, list) and len(v) == 3 for v in articles.values())):
        cache.warnings.append(f"{path}:1: warning: the build cache is corrupt (article "
                              "entries); parsing every article")
        articles = None
    cache.articles = articles if isinstance(articles, dict) else {}


def load_outputs(cache: BuildCache) -> dict[str, Any]:
    """The output memo of the last build ({"files": ..., "reports": ...}); empty when there is
    none or it is bad (a bad one with a warning)."""
    payload = _read_cache_file(cache, cache.directory / OUTPUTS) if cache.written_ns else None
    if payload is None or not isinstance(payload.get("files"), dict) or not isinstance(
            payload.get("reports"), dict) or not all(
            isinstance(v, list) and len(v) == 2 for v in payload["files"].values()):
        payload = {"files": {}, "reports": {}}
    cache.outputs = payload
    return payload


def remember_outputs(cache: BuildCache, keys: Mapping[str, str], digests: Mapping[str, str],
                     reports: Mapping[str, Any]) -> None:
    """Record each output's key and SHA-256 and the feeds' check reports for the next build."""
    cache.outputs = {"files": {name: [key, digests[name]] for name, key in keys.items()
                               if name in digests},
                     "reports": dict(reports)}
    cache.outputs_dirty = True


def sign_outputs() -> str:
    """What rendered output depends on besides its inputs: versions, the environment, the
    package's templates and static files, and its code (so an edited module is a change)."""
    digest = hashlib.sha256()
    code = package_files("feedgen_app")
    for item in sorted(code.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".py") and item.is_file():
            digest.update(f"{item.name}\0".encode())
            digest.update(hashlib.sha256(item.read_bytes()).digest())
    environment = [os.environ.get(name) for name in ENVIRONMENT_VARIABLES]
    text = json.dumps([describe_environment(), hash_package_data(), environment,
                       digest.hexdigest()])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_cache_file(cache: BuildCache, path: Path) -> dict[str, Any] | None:
    """A cache file's payload, or None (with a warning unless the file does not exist)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        cache.warnings.append(f"{path}:1: warning: cannot read the build cache "
                              f"({exc.strerror}); building without it")
        return None
    problem = _check_cache_bytes(data)
    payload: Any = None
    if problem is None:
        try:
            payload = marshal.loads(data[data.index(b"\n", len(MAGIC)) + 66:])
        except (ValueError, EOFError, TypeError) as exc:
            problem = f"the build cache is corrupt ({exc})"
        if problem is None and not isinstance(payload, dict):
            problem = "the build cache is corrupt (no mapping)"
    if problem is not None:
        cache.warnings.append(f"{path}:1: warning: {problem}; ignoring it and building "
                              "without it (it is rewritten after this build)")
        return None
    return dict(payload)


def _check_cache_bytes(data: bytes) -> str | None:
    """Why `data` is not a cache this version may trust, or None."""
    if not data.startswith(MAGIC):
        return "not a feedgen-app build cache"
    header_end = data.find(b"\n", len(MAGIC))
    if header_end < 0:
        return "the build cache is truncated"
    try:
        header = json.loads(data[len(MAGIC):header_end])
    except ValueError:
        return "the build cache header is corrupt"
    if header != describe_environment():
        written_by = header.get("package") if isinstance(header, dict) else None
        return (f"the build cache was written by another version (feedgen-app {written_by}, "
                "or another feedgen, Python or cache format)")
    digest = data[header_end + 1:header_end + 65]
    body = data[header_end + 66:]
    if data[header_end + 65:header_end + 66] != b"\n" or len(digest) != 64:
        return "the build cache is truncated"
    if hashlib.sha256(body).hexdigest().encode("ascii") != digest:
        return "the build cache is truncated or corrupt (checksum mismatch)"
    return None


def save_cache(cache: BuildCache) -> None:
    """Write what changed of the cache, each file atomically (temporary file + rename); a
    failure is a warning, not fatal. The articles are written before the index."""
    try:
        cache.directory.mkdir(parents=True, exist_ok=True)
        tag = cache.directory / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(CACHEDIR_TAG, encoding="ascii")
        if cache.outputs_dirty:
            _write_cache_file(cache.directory / OUTPUTS, cache.outputs)
        if cache.articles_loaded and cache.articles_dirty:
            _write_cache_file(cache.directory / ARTICLES, {"articles": cache.articles})
        if cache.dirty or not cache.written_ns:
            _write_cache_file(cache.directory / INDEX, {
                "files": cache.files, "last": cache.last_build, "written_ns": time.time_ns()})
    except OSError as exc:
        cache.warnings.append(f"{cache.directory / INDEX}:1: warning: cannot write the build "
                              f"cache ({exc.strerror}); the next build is a cold one")


def _write_cache_file(path: Path, payload: dict[str, Any]) -> None:
    body = marshal.dumps(payload)
    header = json.dumps(describe_environment(), sort_keys=True).encode("utf-8")
    data = (MAGIC + header + b"\n" + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n"
            + body)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Content files and articles


def hash_file(cache: BuildCache, path: Path) -> str:
    """The SHA-256 of `path`, from the cache when its size, mtime and inode are unchanged."""
    key = str(path)
    size, mtime_ns, inode = stat_key(path)
    known = cache.files.get(key)
    racy = mtime_ns >= cache.written_ns - int(RACY_SECONDS * 1e9)
    if known is not None and known[:3] == [size, mtime_ns, inode] and not racy:
        return str(known[3])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if known != [size, mtime_ns, inode, digest]:
        cache.files[key] = [size, mtime_ns, inode, digest]
        cache.dirty = True
    return digest


def hash_content_files(cache: BuildCache, paths: Iterable[Path]) -> dict[str, str]:
    """path -> SHA-256 for every readable file in `paths`; unreadable ones are left out.

    Every hash is also remembered in `cache.hashes`, the inputs of this build."""
    hashes = {}
    for path in paths:
        try:
            hashes[str(path)] = hash_file(cache, path)
        except OSError:
            cache.files.pop(str(path), None)  # the reader reports it
    cache.hashes.update(hashes)
    return hashes


def hash_inputs(cache: BuildCache, other_files: Iterable[Path]) -> dict[str, str]:
    """Hash `other_files` (media) too; path -> SHA-256 of every input file of this build."""
    hash_content_files(cache, other_files)
    return dict(cache.hashes)


ENVIRONMENT_VARIABLES = ("TZ", "LANG", "LC_ALL", "LC_CTYPE", "LC_TIME", "PYTHONHASHSEED")
"""The output must not depend on these; they are part of the key anyway, so that a build under
another TZ or locale really parses again (and a determinism test cannot pass from the cache)."""


def sign_site(site: Site, content_dir: Path) -> str:
    """Everything besides the file itself that an article's parse depends on."""
    environment = [os.environ.get(name) for name in ENVIRONMENT_VARIABLES]
    text = json.dumps([describe_environment(), repr(site), str(content_dir), hash_package_data(),
                       environment])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse_one(job: tuple[Path, Site, Path]) -> tuple[str, Article | tuple[str, ...]]:
    """Parse one article in a worker; errors come back as their problem lines."""
    from feedgen_app.content import read_article

    path, site, content_dir = job
    try:
        return str(path), read_article(path, site, content_dir)
    except ContentError as exc:
        return str(path), exc.problems


def parse_articles(paths: Sequence[Path], site: Site, content_dir: Path,
                   workers: int) -> dict[str, Article | tuple[str, ...]]:
    """Parse `paths` (in a process pool when `workers` > 1); source -> Article or problems."""
    jobs = [(path, site, content_dir) for path in paths]
    if workers <= 1:
        return dict(map(_parse_one, jobs))
    chunk = max(16, len(jobs) // (workers * 8))
    # fork: the workers start in milliseconds and need no re-import (`python -m feedgen_app`
    # as a main module could not be re-imported by spawn); only used single-threaded.
    with fork_pool(workers) as pool:
        return dict(pool.map(_parse_one, jobs, chunksize=chunk))


def choose_workers(count: int) -> int:
    """Worker processes for parsing `count` articles: 1 (serial) for small sites, and when
    this process runs other threads (forking them is unsafe) or cannot fork."""
    if count < POOL_MIN_ARTICLES or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def prepare_reader(cache: BuildCache, content_dir: Path, site: Site,
                   article_paths: Sequence[Path]) -> Reader:
    """A `read_article` replacement for `read_articles`: cached articles come from the cache,
    the others are parsed up front (in parallel for many) and remembered for the next build."""
    signature = sign_site(site, content_dir)
    load_articles(cache)
    hashes = hash_content_files(cache, article_paths)
    ready: dict[str, Article | tuple[str, ...]] = {}
    to_parse = []
    for path in article_paths:
        source = str(path)
        entry = cache.articles.get(source)
        digest = hashes.get(source)
        if entry is not None and digest is not None and entry[:2] == [digest, signature]:
            try:
                ready[source] = decode_article(entry[2])
                continue
            except (ValueError, TypeError, KeyError):
                pass
        to_parse.append(path)
    parsed = parse_articles(to_parse, site, content_dir, choose_workers(len(to_parse)))
    cache.reused, cache.parsed = len(ready), len(parsed)
    cache.articles_dirty = cache.articles_dirty or bool(parsed)
    for source, result in parsed.items():
        digest = hashes.get(source)
        cache.articles.pop(source, None)
        if isinstance(result, Article) and digest is not None and result.image is None:
            with contextlib.suppress(TypeError):  # a value the cache cannot store: parse again
                cache.articles[source] = [digest, signature, encode_article(result)]
    ready.update(parsed)
    present = {str(p) for p in article_paths}
    for stale in [s for s in cache.articles if s not in present]:
        del cache.articles[stale]
        cache.articles_dirty = True

    def read(path: Path, site_: Site, content_dir_: Path | None = None) -> Article:
        result = ready.get(str(path))
        if result is None:  # not known up front (appeared meanwhile): read it now
            from feedgen_app.content import read_article

            return read_article(path, site_, content_dir_)
        if isinstance(result, Article):
            return result
        raise ContentError(*result)

    return read


# ---------------------------------------------------------------------------------------------
# Whole builds


def make_build_key(site: Site, content_dir: Path, out_dir: Path, options: Mapping[str, Any],
                   content_hashes: Mapping[str, str], published: Iterable[str]) -> str:
    """The key of a build's output: config, versions, templates, every content file's hash,
    the other options and which articles are published at "now"."""
    parts = {
        "site": sign_site(site, content_dir),
        "out": str(out_dir),
        "options": sorted((k, repr(v)) for k, v in options.items()),
        "content": sorted(content_hashes.items()),
        "published": sorted(published),
    }
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def stat_outputs(out_dir: Path, names: Iterable[str]) -> dict[str, list[int]] | None:
    """path -> [size, mtime_ns, inode] of the published files; None if one is missing."""
    result = {}
    root = os.fspath(out_dir)
    for name in names:
        try:
            info = os.stat(os.path.join(root, name))
        except OSError:
            return None
        result[name] = [info.st_size, info.st_mtime_ns, info.st_ino]
    return result


def is_build_unchanged(cache: BuildCache, key: str, out_dir: Path) -> bool:
    """True when the last build had this key and its output is still exactly as it left it."""
    last = cache.last_build
    if last.get("key") != key or last.get("out") != str(out_dir.absolute()):
        return False
    outputs = last.get("outputs")
    if not isinstance(outputs, dict) or not out_dir.is_dir():
        return False
    if stat_outputs(out_dir, outputs) != outputs:
        return False
    return len(list_files(out_dir)) == len(outputs)


def record_build(cache: BuildCache, key: str, out_dir: Path, extra: Mapping[str, Any]) -> None:
    """Remember this build's key and the stat of every file it left in `out_dir`."""
    outputs = stat_outputs(out_dir, sorted(list_files(out_dir))) or {}
    cache.last_build = {"key": key, "out": str(out_dir.absolute()), "outputs": outputs, **extra}
    cache.dirty = True


# ---------------------------------------------------------------------------------------------
# Recognising an unchanged build before reading any article


@dataclass(frozen=True)
class UnchangedBuild:
    """What the last build published, for a build that finds nothing to do."""

    published: int
    scheduled: tuple[tuple[str, str, datetime], ...]
    """(slug, title, due) of each waiting article, soonest first."""
    site_hash: str


def list_content_files(content_dir: Path) -> list[Path]:
    """Every non-hidden file below `content_dir` (articles and media), in a stable order."""
    return sorted(walk_content(content_dir), key=lambda path: path.parts)


def make_inputs_key(cache: BuildCache, site: Site, content_dir: Path, out_dir: Path,
                    options: Mapping[str, Any]) -> str | None:
    """The key of every input but "now": config, versions, templates, options, every content
    file's hash; None when a file cannot be read (the full build reports it).

    Computed once per build (remembered in `cache`): the key of the inputs as they were
    before the articles were read, so that a file changed during the build makes the next
    build a real one."""
    memo = json.dumps([repr(site), str(content_dir), str(out_dir.absolute()),
                       sorted((k, repr(v)) for k, v in options.items())])
    if memo not in cache.inputs_keys:
        cache.inputs_keys[memo] = _make_inputs_key(cache, site, content_dir, out_dir, options)
    return cache.inputs_keys[memo]


def _make_inputs_key(cache: BuildCache, site: Site, content_dir: Path, out_dir: Path,
                     options: Mapping[str, Any]) -> str | None:
    paths = list_content_files(content_dir)
    hashes = hash_content_files(cache, paths)
    if len(hashes) != len(paths):
        return None
    parts = [sign_site(site, content_dir), str(out_dir.absolute()),
             sorted((k, repr(v)) for k, v in options.items()), sorted(hashes.items())]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def find_unchanged_build(cache: BuildCache, site: Site, content_dir: Path, out_dir: Path,
                         options: Mapping[str, Any], now: datetime) -> UnchangedBuild | None:
    """The last build, if its inputs are unchanged, "now" publishes the same articles and its
    output is untouched; else None. Reads no article: stat (and hashes of changed files) only."""
    early = cache.last_build.get("early")
    if not isinstance(early, dict) or not content_dir.is_dir():
        return None
    stamp = now.timestamp()
    if not early["from"] <= stamp < early["until"]:
        return None
    if make_inputs_key(cache, site, content_dir, out_dir, options) != early["inputs"]:
        return None
    if not is_build_unchanged(cache, str(cache.last_build.get("key")), out_dir):
        return None
    scheduled = tuple((slug, title, decode_value(due)) for slug, title, due in early["scheduled"])
    return UnchangedBuild(published=early["published"], scheduled=scheduled,
                          site_hash=str(cache.last_build.get("site_hash", "")))


def remember_unchanged_check(cache: BuildCache, inputs_key: str | None,
                             published: Sequence[Article], scheduled: Sequence[Article],
                             problems: int) -> None:
    """Store what `find_unchanged_build` needs after a clean build (none after problems)."""
    if inputs_key is None or problems or not cache.last_build.get("key"):
        cache.last_build.pop("early", None)
        return
    newest = max((a.published.timestamp() for a in published), default=-1e18)
    soonest = min((a.published.timestamp() for a in scheduled), default=1e18)
    early = {"inputs": inputs_key, "from": newest, "until": soonest, "published": len(published),
             "scheduled": [[a.slug, a.title, encode_value(a.published)] for a in scheduled]}
    if cache.last_build.get("early") != early:
        cache.last_build["early"] = early
        cache.dirty = True

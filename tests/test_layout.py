"""The package layout is the pipeline: every import points down the stages (docs/architecture.md).

Each module's imports are read from its source (ast), lazy ones inside functions included, and
held against the order below. A module may import from a lower layer, and inside its own
subpackage from a lower group; never up, never sideways to a peer. Only the pipeline uses the
build cache, and every exception class lives in errors.py.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "feedgen_app"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("i18n",),
    ("errors", "formats", "libc", "model"),
    ("reading",),
    ("rendering", "checking", "publishing", "cache", "workers"),
    ("pipeline",),
    ("commands",),
    ("__init__", "__main__"),
)
"""Bottom first. A layer's members are peers: none imports another."""

GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "reading": (
        ("files", "dates", "yamlkeys", "sanitize", "markup"),
        ("config",),
        ("content",),
        ("sitefolders",),
    ),
    "rendering": (("render", "links"), ("feeds", "discovery", "pages"), ("feedwriter",), ("plan",)),
    "checking": (
        ("xmltree",),
        ("report",),
        ("atom", "rss", "jsonfeed"),
        ("site",),
        ("published_ids",),
    ),
    "publishing": (("manifest",), ("publish",)),
    "cache": (("store",),),
    "commands": (("console", "websub", "trigger"), ("authoring",), ("scaffold", "serve"), ("cli",)),
}
"""Inside a subpackage, bottom first; the members of a group are peers."""

ROOT_NAMES = {"__version__"}
"""What a module below the top may take from `feedgen_app` itself (its __init__)."""
CACHE_USERS = {"pipeline"}
"""The one orchestrator: the only module that opens the build cache."""


def module_names() -> Iterator[tuple[str, Path]]:
    """(dotted name below feedgen_app, file) of every module of the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        yield ".".join(parts), path


def imports_of(path: Path) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(line, imported module below feedgen_app, names taken from it) of every import of the
    package in the file; "" is the package itself (its public interface: `__version__`, which
    every module may read, is left out)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            module = node.module or ""
            names = tuple(alias.name for alias in node.names)
            if module == "feedgen_app":
                for name in set(names) - ROOT_NAMES:  # `from feedgen_app import model`
                    is_module = (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name).is_dir()
                    yield node.lineno, name if is_module else "", (name,)
            elif module.startswith("feedgen_app."):
                yield node.lineno, module.removeprefix("feedgen_app."), names
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "feedgen_app" or alias.name.startswith("feedgen_app."):
                    yield node.lineno, alias.name.removeprefix("feedgen_app").lstrip("."), ()


def rank(module: str) -> tuple[int, int]:
    """(layer, group inside the subpackage) of a dotted module name."""
    top, _, inner = module.partition(".")
    layer = next((i for i, members in enumerate(LAYERS) if top in members), None)
    assert layer is not None, f"feedgen_app.{module} is in no layer of tests/test_layout.py"
    if not inner:
        return layer, 0
    groups = GROUPS.get(top, ())
    group = next((i for i, members in enumerate(groups) if inner in members), None)
    assert group is not None, f"feedgen_app.{module} is in no group of tests/test_layout.py"
    return layer, group


def problem(importer: str, imported: str) -> str | None:
    """Why `importer` may not import `imported`, or None when it may."""
    if imported == "":
        return None if importer in ("__init__", "__main__") else "the package root"
    if (
        imported.split(".")[0] == "cache"
        and importer not in CACHE_USERS
        and not importer.startswith("cache")
    ):
        return "the build cache, which only the pipeline uses"
    (layer, group), (their_layer, their_group) = rank(importer), rank(imported)
    same_package = importer.split(".")[0] == imported.split(".")[0] and "." in importer
    if same_package:
        if their_group < group:
            return None
        return "a module of the same subpackage that is not below it"
    if their_layer < layer:
        return None
    return "a module of a higher layer" if their_layer > layer else "a peer of its layer"


def test_every_module_has_a_place_in_the_layers() -> None:
    for module, _ in module_names():
        rank(module)


@pytest.mark.parametrize(
    ("module", "path"), list(module_names()), ids=[module for module, _ in module_names()]
)
def test_imports_point_down_the_stages(module: str, path: Path) -> None:
    wrong = []
    for line, imported, _ in imports_of(path):
        if imported and imported.split(".")[0] == module.split(".")[0] and "." not in module:
            continue  # a subpackage's __init__ may name its own modules
        why = problem(module, imported)
        if why is not None:
            wrong.append(f"{path}:{line}: imports feedgen_app.{imported}: {why}")
    assert wrong == []


def test_only_the_pipeline_imports_the_cache() -> None:
    users = {
        module
        for module, path in module_names()
        for _, imported, _ in imports_of(path)
        if imported.split(".")[0] == "cache" and not module.startswith("cache")
    }
    assert users == CACHE_USERS


def test_every_exception_class_lives_in_errors() -> None:
    """Private signals a module raises and catches itself (a leading `_`) may stay with it."""
    elsewhere = []
    for module, path in module_names():
        if module == "errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ClassDef)
                and not node.name.startswith("_")
                and (
                    node.name.endswith(("Error", "Exception"))
                    or any(
                        getattr(base, "id", "").endswith(("Error", "Exception"))
                        for base in node.bases
                    )
                )
            ):
                elsewhere.append(f"{path}:{node.lineno}: {node.name}")
    assert elsewhere == []


def test_the_rule_catches_an_import_up_or_sideways() -> None:
    assert problem("reading.content", "rendering.pages") == "a module of a higher layer"
    assert problem("rendering.pages", "checking.site") == "a peer of its layer"
    assert problem("rendering.pages", "rendering.feeds") == (
        "a module of the same subpackage that is not below it"
    )
    assert problem("commands.cli", "cache.store") == (
        "the build cache, which only the pipeline uses"
    )
    assert problem("reading.content", "") == "the package root"
    assert problem("pipeline", "cache.store") is None
    assert problem("rendering.feedwriter", "rendering.feeds") is None

"""A site's own templates/ and static/ folders beside feed.yaml, and the files that belong
there rather than in content/."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from sitekit import build, make_site, write

from conftest import FIXED_NOW
from feedgen_app.commands.cli import main

TEMPLATES = Path(__file__).resolve().parent.parent / "feedgen_app" / "templates"


def site_with_article(root: Path) -> Path:
    make_site(root)
    write(
        root,
        "2025-10-08-hafen.txt",
        "date 2025-10-08T06:30 Hafen wächst\ntags Hafen\n\nDer Hafen wächst.\n",
    )
    return root


def snapshot(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def override(root: Path, name: str, text: str) -> Path:
    path = root / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def static(root: Path, name: str, data: bytes) -> Path:
    path = root / "static" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- templates ---------------------------------------------------------------------------------


def packaged(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def test_a_template_in_templates_replaces_the_packaged_one(tmp_path: Path) -> None:
    root = site_with_article(tmp_path / "site")
    override(root, "README.md", "Templates for this site: {{ not a template }}\n")
    override(
        root,
        "article.html",
        packaged("article.html").replace(
            "{% block article_after_body %}",
            '<p class="eigene-zeile">Ein Hinweis der Redaktion.</p>\n'
            "{% block article_after_body %}",
        ),
    )
    assert build(root) == 0
    page = (root / "public" / "hafen" / "index.html").read_text(encoding="utf-8")
    assert '<p class="eigene-zeile">Ein Hinweis der Redaktion.</p>' in page
    assert '<link rel="stylesheet"' in page  # the packaged base.html around it
    assert '<script type="application/ld+json">' in page  # the packaged head is kept
    assert "eigene-zeile" not in (root / "public" / "index.html").read_text(encoding="utf-8")


def test_an_edited_or_removed_template_changes_the_next_build(tmp_path: Path) -> None:
    """The templates' content is part of every page's key: an unchanged content folder does
    not keep a page rendered with an older template."""
    root = site_with_article(tmp_path / "site")
    assert build(root) == 0
    plain = snapshot(root / "public")
    path = override(root, "_tags.html", '<p class="tags">Erste Fassung</p>\n')
    assert build(root) == 0
    assert "Erste Fassung" in (root / "public" / "hafen" / "index.html").read_text("utf-8")
    path.write_text('<p class="tags">Zweite Fassung</p>\n', encoding="utf-8")
    assert build(root) == 0
    page = (root / "public" / "hafen" / "index.html").read_text("utf-8")
    assert "Zweite Fassung" in page and "Erste Fassung" not in page
    shutil.rmtree(root / "templates")
    assert build(root) == 0
    assert snapshot(root / "public") == plain


def test_a_template_syntax_error_names_file_and_line_and_publishes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_article(tmp_path / "site")
    assert build(root) == 0
    before = snapshot(root / "public")
    override(
        root,
        "article.html",
        '{% extends "base.html" %}\n{% block main %}\n'
        "<h1>{{ article.title }</h1>\n{% endblock %}\n",
    )
    capsys.readouterr()
    assert build(root) == 1
    err = capsys.readouterr().err
    assert f"{root}/templates/article.html:3: template syntax error: unexpected '}}'" in err
    assert "nothing was published" in err
    assert snapshot(root / "public") == before


def test_template_errors_name_the_file_as_the_site_repository_has_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from the site's folder with the default paths, as `feedgen-app build` is."""
    root = site_with_article(tmp_path / "site")
    override(root, "article.html", "{% block main %}\n{% endblok %}\n")
    (root / "templates" / "index.html").write_bytes(b"<p>\n\nM\xfcnchen</p>\n")
    capsys.readouterr()
    with contextlib.chdir(root):
        assert main(["build", "--now", FIXED_NOW]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("templates/article.html:2: template syntax error: ")
    assert err[1] == (
        "templates/index.html:3: not UTF-8 text: byte 0xfc is not valid UTF-8; "
        "save the template as UTF-8"
    )


def test_an_unknown_name_in_a_template_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_article(tmp_path / "site")
    override(root, "_tags.html", "<p>Themen</p>\n<p>{{ artikel.tags }}</p>\n")
    capsys.readouterr()
    assert build(root) == 1
    err = capsys.readouterr().err
    assert f"{root}/templates/_tags.html:2: template error: 'artikel' is undefined" in err
    assert not (root / "public").exists()


def test_a_template_that_extends_a_missing_one_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_article(tmp_path / "site")
    override(root, "tags.html", '{% extends "rahmen.html" %}\n')
    capsys.readouterr()
    assert build(root) == 1
    err = capsys.readouterr().err
    assert f"{root}/templates/tags.html:1: template 'rahmen.html' not found" in err


# --- static files ------------------------------------------------------------------------------


def test_static_files_are_copied_to_the_site_root_as_they_are(tmp_path: Path) -> None:
    root = site_with_article(tmp_path / "site")
    static(root, "README.md", b"Static files for this site\n")
    static(root, "CNAME", b"nachrichten.example.org\n")
    static(root, "favicon.ico", b"\x00\x00\x01\x00icon")
    static(root, "schriften/text.woff2", b"wOF2font")
    static(root, "schriften/README.md", b"Lizenz der Schrift\n")
    static(root, ".geheim", b"not published\n")
    assert build(root) == 0
    out = root / "public"
    assert (out / "CNAME").read_bytes() == b"nachrichten.example.org\n"
    assert (out / "favicon.ico").read_bytes() == b"\x00\x00\x01\x00icon"
    assert (out / "schriften" / "text.woff2").read_bytes() == b"wOF2font"
    assert (out / "schriften" / "README.md").is_file()  # only the top README.md is init's
    assert not (out / "README.md").exists() and not (out / ".geheim").exists()


def test_an_edited_or_removed_static_file_changes_the_next_build(tmp_path: Path) -> None:
    root = site_with_article(tmp_path / "site")
    cname = static(root, "CNAME", b"alt.example.org\n")
    assert build(root) == 0
    cname.write_bytes(b"neu.example.org\n")
    assert build(root) == 0
    assert (root / "public" / "CNAME").read_bytes() == b"neu.example.org\n"
    cname.unlink()
    assert build(root) == 0
    assert not (root / "public" / "CNAME").exists()


def test_a_static_robots_txt_replaces_the_generated_one(tmp_path: Path) -> None:
    root = site_with_article(tmp_path / "site")
    assert build(root) == 0
    assert b"Sitemap:" in (root / "public" / "robots.txt").read_bytes()
    static(root, "robots.txt", b"User-agent: *\nDisallow: /intern/\n")
    assert build(root) == 0
    assert (root / "public" / "robots.txt").read_bytes() == b"User-agent: *\nDisallow: /intern/\n"


@pytest.mark.parametrize(
    "name",
    ["index.html", "atom.xml", "404.html", "sitemap.xml", "static/style.css", "hafen/index.html"],
)
def test_a_static_file_may_not_replace_a_generated_one(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_article(tmp_path / "site")
    assert build(root) == 0
    before = snapshot(root / "public")
    static(root, name, b"<!DOCTYPE html><title>x</title>\n")
    capsys.readouterr()
    assert build(root) == 1
    err = capsys.readouterr().err
    assert f"{root}/static/{name}:1: the static file would replace the generated {name}" in err
    assert snapshot(root / "public") == before


def test_a_static_file_and_a_media_file_of_the_same_path_are_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_article(tmp_path / "site")
    (root / "content" / "bilder").mkdir()
    (root / "content" / "bilder" / "logo.png").write_bytes(b"media")
    static(root, "bilder/logo.png", b"static")
    capsys.readouterr()
    assert build(root) == 1
    err = capsys.readouterr().err
    assert (
        f"{root}/static/bilder/logo.png:1: the static file and "
        f"{root}/content/bilder/logo.png in the content folder would both be published "
        "as bilder/logo.png"
    ) in err


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("hafen", "stands where the site needs the folder hafen/"),
        (
            "atom.xml/x.txt",
            "the static folder atom.xml/ stands where the site has the file atom.xml",
        ),
    ],
)
def test_a_static_file_may_not_stand_where_the_site_needs_a_folder(
    tmp_path: Path, name: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_article(tmp_path / "site")
    static(root, name, b"x")
    capsys.readouterr()
    assert build(root) == 1
    assert f"{root}/static/{name}:1: " in (err := capsys.readouterr().err) and problem in err


# --- files that belong in static/, not in content/ ------------------------------------------


@pytest.mark.parametrize("name", ["robots.txt", "humans.txt", "CNAME", "favicon.ico"])
def test_a_site_root_file_in_content_says_to_move_it_to_static(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_article(tmp_path / "site")
    (root / "content" / name).write_bytes(b"User-agent: *\n")
    capsys.readouterr()
    assert build(root) == 1
    err = capsys.readouterr().err
    assert (
        f"{root}/content/{name}:1: {name} is a file for the site root, not an article or "
        "its media: move it into the static/ folder beside feed.yaml"
    ) in err
    assert not (root / "public").exists()


def test_a_robots_txt_below_the_top_of_content_is_an_article_like_any_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site_with_article(tmp_path / "site")
    write(root, "2025/robots.txt", "date 2025-10-09 Roboter im Hafen\n\nKräne fahren allein.\n")
    assert build(root) == 0
    assert (root / "public" / "robots" / "index.html").is_file()

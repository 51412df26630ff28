"""Every class of bad input: exit 1, `PATH:LINE: message`, public/ and the file left untouched."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW
from feedgen_app.commands.cli import main

GOOD = "date 2025-10-08 Titel\n\nEin Absatz.\n"
FRONT = "---\ntitle: Titel\ndate: 2025-10-08\n"


@dataclass
class Site:
    root: Path
    content: Path
    config: Path
    out: Path

    def build(self, *extra: str) -> int:
        return main(
            [
                "build",
                "--content",
                str(self.content),
                "--config",
                str(self.config),
                "--out",
                str(self.out),
                "--now",
                FIXED_NOW,
                *extra,
            ]
        )


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """The seed scenario, built once into public/."""
    shutil.copytree(CASES / "seed" / "content", tmp_path / "content")
    shutil.copy(CASES / "seed" / "feed.yaml", tmp_path / "feed.yaml")
    built = Site(tmp_path, tmp_path / "content", tmp_path / "feed.yaml", tmp_path / "public")
    assert built.build() == 0
    return built


BAD_INPUTS: dict[str, tuple[str, bytes, int, str]] = {
    # id: (file name, bytes, line, what the message must say)
    "no-date-line": (
        "meldung.txt",
        b"Hallo Welt\n\nEin Absatz.\n",
        1,
        "expected the first line to be `date <DATE> <Title>`",
    ),
    "date-line-without-date": (
        "meldung.txt",
        b"\n\ndate\n\nEin Absatz.\n",
        3,
        "expected the first line to be `date <DATE> <Title>`",
    ),
    "no-date-in-front-matter": (
        "meldung.md",
        b"---\ntitle: Titel\n---\nText.\n",
        1,
        "required front matter key 'date' is missing",
    ),
    "impossible-date": (
        "meldung.txt",
        b"date 30.02.2025 Titel\n\nEin Absatz.\n",
        1,
        "'30.02.2025' is not a valid date",
    ),
    "impossible-iso-date": (
        "meldung.txt",
        b"date 2025-02-30 Titel\n\nEin Absatz.\n",
        1,
        "'2025-02-30' is not a valid date",
    ),
    "impossible-date-in-front-matter": (
        "meldung.md",
        b"---\ntitle: Titel\ndate: 2025-02-30\n---\nText.\n",
        3,
        "'2025-02-30' is not a valid date",
    ),
    "unparseable-date": (
        "meldung.txt",
        b"date gestern Titel\n\nEin Absatz.\n",
        1,
        "'gestern' is not a date; expected e.g. 2025-10-08",
    ),
    "unparseable-date-in-front-matter": (
        "meldung.md",
        b"---\ntitle: Titel\ndate: bald\n---\nText.\n",
        3,
        "'date': 'bald' is not a date; expected e.g.",
    ),
    "empty-file": ("meldung.txt", b"", 1, "the file is empty; expected an article"),
    "blank-file": ("meldung.md", b"\n  \n\n", 1, "the file is empty; expected an article"),
    "binary-file": (
        "meldung.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        1,
        "a binary file, not UTF-8 text: byte 0x89 at byte offset 0",
    ),
    "nul-bytes": (
        "meldung.txt",
        b"date 2025-10-08 Titel\n\nA\x00B.\n",
        3,
        "a binary file: U+0000 at column 2",
    ),
    "latin-1": (
        "meldung.txt",
        "date 2025-10-08 Grüße\n\nEin Absatz.\n".encode("latin-1"),
        1,
        "not UTF-8 text: byte 0xfc at byte offset 18 is not valid UTF-8",
    ),
    "latin-1-after-bom": (
        "meldung.txt",
        b"\xef\xbb\xbfdate 2025-10-08 T\n\nA\xe4.\n",
        3,
        "byte 0xe4 at byte offset 23",
    ),
    "utf-16": (
        "meldung.txt",
        GOOD.encode("utf-16"),
        1,
        "UTF-16 text, not UTF-8: byte 0xff at byte offset 0",
    ),
    "control-character": (
        "meldung.txt",
        b"date 2025-10-08 Titel\n\nEin \x07Absatz.\n",
        3,
        "a control character: U+0007 at column 5",
    ),
    "non-character": (
        "meldung.txt",
        "date 2025-10-08 Titel\n\nEin \ufffe.\n".encode(),
        3,
        "a non-character: U+FFFE at column 5",
    ),
    "c1-control-character": (
        "meldung.txt",
        "date 2025-10-08 Titel\n\nPreis 5 \x80.\n".encode(),
        3,
        "a C1 control character: U+0080 at column 9",
    ),
    "control-character-by-yaml-escape": (
        "meldung.md",
        FRONT.encode().replace(b"Titel", b'"Ti\\atel"') + b"---\nText.\n",
        2,
        "contains U+0007 at character 3",
    ),
    "lone-surrogate-by-yaml-escape": (
        "meldung.md",
        FRONT.encode().replace(b"Titel", b'"Ti\\ud800"') + b"---\nText.\n",
        2,
        "contains U+D800",
    ),
    "front-matter-missing": (
        "meldung.md",
        b"title: Titel\n\nText.\n",
        1,
        "expected front matter: a `---` line",
    ),
    "front-matter-unclosed": (
        "meldung.md",
        FRONT.encode() + b"\nText.\n",
        1,
        "the front matter is not closed",
    ),
    "front-matter-not-a-mapping": (
        "meldung.md",
        b"---\n- Titel\n- 2025-10-08\n---\nText.\n",
        2,
        "expected a mapping of `key: value` lines",
    ),
    "front-matter-not-yaml": (
        "meldung.md",
        b"---\ntitle: [Titel\ndate: 2025-10-08\n---\nT.\n",
        3,
        "not valid YAML",
    ),
    "unknown-key": (
        "meldung.md",
        FRONT.encode() + b"titel: Tippfehler\n---\nText.\n",
        4,
        "unknown front matter key 'titel' (known keys: title, date",
    ),
    "wrong-type-title": (
        "meldung.md",
        b"---\ntitle: [a, b]\ndate: 2025-10-08\n---\nText.\n",
        2,
        "'title' must be non-empty text",
    ),
    "empty-title": (
        "meldung.md",
        b"---\ntitle:\ndate: 2025-10-08\n---\nText.\n",
        2,
        "'title' is empty; expected the article's title",
    ),
    "empty-date": (
        "meldung.md",
        b"---\ntitle: Titel\ndate: null\n---\nText.\n",
        3,
        "'date' is empty; expected a date such as 2025-10-08T06:30",
    ),
    "wrong-type-tags": (
        "meldung.md",
        FRONT.encode() + b"tags: Wirtschaft\n---\nText.\n",
        4,
        "'tags' must be a list of names",
    ),
    "wrong-type-draft": (
        "meldung.md",
        FRONT.encode() + b"draft: vielleicht\n---\nText.\n",
        4,
        "'draft' must be true or false",
    ),
    "empty-derived-slug": (
        "2025-10-08-.txt",
        GOOD.encode(),
        1,
        "gives an empty slug (the article's URL path)",
    ),
    "punctuation-only-file-name": (
        "!!!.md",
        FRONT.encode() + b"---\nText.\n",
        1,
        "gives an empty slug",
    ),
    "empty-slug": (
        "meldung.md",
        FRONT.encode() + b"slug: ''\n---\nText.\n",
        4,
        "'slug' must be non-empty text",
    ),
    "slug-not-lowercase-ascii": (
        "meldung.md",
        FRONT.encode() + b"slug: \xc3\x9cber_uns\n---\nT.\n",
        4,
        "slug 'Über_uns' must be lowercase letters a-z, digits",
    ),
    "slug-leaves-output-folder": (
        "meldung.md",
        FRONT.encode() + b"slug: ../../etc\n---\nT.\n",
        4,
        "slug '../../etc' would put the page outside its own folder",
    ),
    "slug-absolute-path": (
        "meldung.md",
        FRONT.encode() + b"slug: /etc/passwd\n---\nT.\n",
        4,
        "slug '/etc/passwd' would put the page outside its own folder",
    ),
    "duplicate-slug": (
        "zweit.md",
        FRONT.encode() + b"slug: amazon-mischt-gesundheitswesen-auf\n---\nText.\n",
        1,
        "slug 'amazon-mischt-gesundheitswesen-auf' is already used by",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_and_public_stays_as_it_was(
    case: str, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    name, data, line, message = BAD_INPUTS[case]
    path = site.content / name
    path.write_bytes(data)
    before = snapshot(site.out)
    stamp = path.stat().st_mtime_ns
    capsys.readouterr()
    assert site.build() == 1
    err = capsys.readouterr().err
    assert f"{path}:{line}: " in err, err
    assert message in err, err
    assert "Traceback" not in err and "Ã" not in err
    assert err.rstrip().endswith("nothing was published")
    assert snapshot(site.out) == before
    assert path.read_bytes() == data and path.stat().st_mtime_ns == stamp


def test_every_problem_of_a_run_is_reported(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    (site.content / "a.txt").write_bytes(b"")
    (site.content / "b.txt").write_bytes(b"date 30.02.2025 T\n\nA.\n")
    (site.content / "c.md").write_bytes(FRONT.encode() + b"foo: 1\nbar: 2\n---\nT.\n")
    capsys.readouterr()
    assert site.build() == 1
    err = capsys.readouterr().err
    for where in ("a.txt:1:", "b.txt:1:", "c.md:4:", "c.md:5:"):
        assert where in err
    assert "4 problems" in err


def test_yaml_alias_bomb_is_refused_quickly_in_bounded_memory(site: Site) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    path = site.content / "bombe.md"
    path.write_text(
        "---\ntitle: Bombe\ndate: 2025-10-08\n" + "\n".join(lines) + "\n---\nText.\n",
        encoding="utf-8",
    )
    before = snapshot(site.out)

    def limit_memory() -> None:  # 1 GiB: expanding the bomb would need far more
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "feedgen_app",
            "build",
            "--content",
            str(site.content),
            "--config",
            str(site.config),
            "--out",
            str(site.out),
            "--now",
            FIXED_NOW,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_memory,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert result.returncode == 1, result.stderr
    assert f"{path}:5: YAML aliases (*name) are not allowed here" in result.stderr
    assert snapshot(site.out) == before


def test_keep_going_publishes_the_good_articles_and_still_exits_1(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    (site.content / "gut.txt").write_text(
        "date 2025-10-09 Gute Meldung\n\nEin Absatz.\n", encoding="utf-8"
    )
    bad = site.content / "kaputt.txt"
    bad.write_bytes(b"date 30.02.2025 Kaputt\n\nA.\n")
    capsys.readouterr()
    assert site.build("--keep-going") == 1
    err = capsys.readouterr().err
    assert f"{bad}:1: '30.02.2025' is not a valid date" in err
    assert "the other articles were published (--keep-going)" in err
    assert (site.out / "gut" / "index.html").is_file()
    assert (site.out / "amazon-mischt-gesundheitswesen-auf" / "index.html").is_file()
    assert not (site.out / "kaputt").exists()
    assert "Gute Meldung" in (site.out / "atom.xml").read_text(encoding="utf-8")


def test_without_keep_going_the_good_articles_wait_for_the_bad_one(site: Site) -> None:
    (site.content / "gut.txt").write_text(
        "date 2025-10-09 Gute Meldung\n\nEin Absatz.\n", encoding="utf-8"
    )
    (site.content / "kaputt.txt").write_bytes(b"")
    before = snapshot(site.out)
    assert site.build() == 1
    assert snapshot(site.out) == before


def test_keep_going_with_only_good_articles_exits_0(site: Site) -> None:
    assert site.build("--keep-going") == 0

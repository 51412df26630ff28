"""One language per reader: German by default, English with LANG=en*. The catalog is complete
and compiled, and a command's whole output is in one language, its --help and argparse's own
words included (docs/messages.md)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CASES, FIXED_NOW, LANGUAGE_VARIABLES, REPO, load_script
from feedgen_app import i18n

CATALOG = load_script("update_catalog.py")
UPDATE = "run `python scripts/update_catalog.py`, translate the new entries and commit both files"

ENGLISH_WORDS = re.compile(
    r"\b(the|is|are|not|must|expected|cannot|found|missing|file|folder|with|and|or|of|"
    r"error|problems?|warning|usage|options|published|nothing|written|article|articles|"
    r"draft|scheduled|required|unknown|invalid|show|help|exit)\b"
)
"""Words that give an English clause away; a German line has none of them outside quotes."""
QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\{[^{}]*\}|%\([a-z_]+\)[a-z]|https?://\S+")


def english_words(text: str) -> list[str]:
    """The English words in `text` outside code, quotes, placeholders, URLs and paths."""
    text = QUOTED.sub(" ", text)
    text = re.sub(r"\S*[/\\.]\S*|--[a-z-]+|\S+:\d+:", " ", text)  # paths, options, FILE:LINE:
    return ENGLISH_WORDS.findall(text)


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "de"),
        ({"LANG": "C"}, "de"),
        ({"LANG": "POSIX"}, "de"),
        ({"LANG": "C.UTF-8"}, "de"),
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "fr_FR.UTF-8"}, "de"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en"}, "en"),
        ({"LANG": "de_DE.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "de_DE.UTF-8"}, "de"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "C.UTF-8"}, "de"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LANGUAGE": "en:de", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LANGUAGE": "de:en", "LANG": "en_US.UTF-8"}, "de"),
        ({"LANGUAGE": "", "LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "", "LANG": "en_US.UTF-8"}, "en"),
    ],
)
def test_the_first_variable_set_decides_and_only_en_gives_english(
    environ: dict[str, str], language: str
) -> None:
    assert i18n.language_from_env(environ) == language


def test_pages_take_their_language_from_the_site_tag() -> None:
    assert [i18n.language_of_tag(t) for t in ("de-DE", "en-US", "en", "EN-gb", "fr")] == [
        "de",
        "en",
        "en",
        "en",
        "de",
    ]


# --- the catalog ---------------------------------------------------------------------------------


def test_the_catalog_has_exactly_the_marked_messages() -> None:
    def key(message: object) -> str:
        return str(message[0] if isinstance(message, tuple | list) else message)

    extracted = {key(m) for m in CATALOG.extract()}
    in_catalog = {key(m.id) for m in CATALOG.read_catalog() if m.id}
    assert extracted - in_catalog == set(), f"new messages: {UPDATE}"
    assert in_catalog - extracted == set(), f"messages no longer used: {UPDATE}"


def test_every_message_has_a_german_translation() -> None:
    untranslated = [
        m.id
        for m in CATALOG.read_catalog()
        if m.id and (not m.string or (isinstance(m.string, tuple | list) and not all(m.string)))
    ]
    assert untranslated == [], f"translate these in {CATALOG.PO}"
    assert not [m.id for m in CATALOG.read_catalog() if m.id and m.fuzzy]


def placeholders(text: str) -> list[str]:
    """`{name}`, `{name!r:.60}` and argparse's `%(name)s` / `%s`, sorted."""
    text = text.replace("{{", "").replace("}}", "")
    return sorted(re.findall(r"\{[^{}]*\}|%\([a-z_]+\)[a-z]|%[a-z]", text))


def test_a_translation_has_the_placeholders_of_its_message() -> None:
    wrong = []
    for message in CATALOG.read_catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for string in strings:
            if placeholders(str(string)) != placeholders(str(ids[-1])):
                wrong.append((ids[0], string))
    assert wrong == []


def test_the_committed_mo_is_the_compiled_po() -> None:
    assert CATALOG.main(check=True) == 0, UPDATE


def test_no_german_translation_carries_an_english_clause() -> None:
    allowed = {"Status", "Slug"}  # the same word in both languages
    found = {}
    for message in CATALOG.read_catalog():
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for string in strings:
            if message.id and string not in allowed and english_words(str(string)):
                found[str(string)] = english_words(str(string))
    assert found == {}


def test_the_wheel_ships_the_compiled_catalog() -> None:
    assert (REPO / "feedgen_app" / "locale" / "de" / "LC_MESSAGES" / "feedgen_app.mo").is_file()
    assert "locale/*/LC_MESSAGES/*.mo" in (REPO / "pyproject.toml").read_text(encoding="utf-8")


# --- whole outputs, German and English -----------------------------------------------------------


def run_cli(args: list[str], cwd: Path, lang: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    env.update(NO_COLOR="1", COLUMNS="100")
    if lang is not None:
        env["LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "feedgen_app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(CASES / "seed", tmp_path / "site", ignore=shutil.ignore_patterns("expected"))
    return tmp_path / "site"


def assert_german(text: str) -> None:
    lines = [line for line in text.splitlines() if english_words(line)]
    assert lines == [], text


BUILD = ["build", "--now", FIXED_NOW]


@pytest.mark.parametrize("lang", [None, "C.UTF-8", "de_DE.UTF-8"])
def test_a_content_error_and_the_error_line_are_german_by_default(
    site: Path, lang: str | None
) -> None:
    (site / "content" / "bad.txt").write_text("date 2025-13-01 Titel\nText.\n", encoding="utf-8")
    result = run_cli(BUILD, site, lang)
    assert result.returncode == 1
    assert result.stderr == (
        "content/bad.txt:1: '2025-13-01' ist kein gültiges Datum: der Monat muss zwischen 1 "
        "und 12 liegen\nfeedgen-app build: Fehler: 1 Problem; nichts wurde veröffentlicht\n"
    )


def test_a_content_error_and_the_error_line_are_english_with_lang_en(site: Path) -> None:
    (site / "content" / "bad.txt").write_text("date 2025-13-01 Titel\nText.\n", encoding="utf-8")
    (site / "content" / "leer.txt").write_text("", encoding="utf-8")
    result = run_cli(BUILD, site, "en_US.UTF-8")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/bad.txt:1: '2025-13-01' is not a valid date: month must be in 1..12",
        "content/leer.txt:1: the file is empty; expected an article",
        "feedgen-app build: error: 2 problems; nothing was published",
    ]


def test_a_config_error_in_german_and_in_english(site: Path) -> None:
    config = site / "feed.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: 'de DE'\n", encoding="utf-8")
    german = run_cli(BUILD, site, None)
    assert german.returncode == 1
    assert "'language' muss ein BCP-47-Kennzeichen wie de-DE sein" in german.stderr
    assert german.stderr.endswith(
        "feedgen-app build: Fehler: 1 Problem; nichts wurde veröffentlicht\n"
    )
    assert_german(german.stderr)
    english = run_cli(BUILD, site, "en_US.UTF-8")
    assert "'language' must be a BCP 47 tag such as de-DE" in english.stderr
    assert english.stderr.endswith("error: 1 problem; nothing was published\n")


def test_the_demo_warning_in_german_and_in_english(site: Path) -> None:
    from feedgen_app.reading.config import DEMO_BASE_URL, DEMO_ID_AUTHORITY, DEMO_SEED

    (site / "content" / DEMO_SEED).rename(site / "content" / "2025-10-08-eigenes.txt")
    config = site / "feed.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("https://example.github.io/nachrichten/", DEMO_BASE_URL)
    config.write_text(text.replace("example.github.io,2025", DEMO_ID_AUTHORITY), encoding="utf-8")
    german = run_cli(BUILD, site, None)
    assert german.returncode == 0
    assert german.stderr == (
        "feed.yaml:1: Achtung: base_url und id_authority stammen noch von der Demo-Website; "
        "vor dem ersten Veröffentlichen eigene Werte eintragen (docs/configuration.md).\n"
    )
    assert_german(german.stdout)
    english = run_cli(BUILD, site, "en_US.UTF-8")
    assert english.stderr == (
        "feed.yaml:1: warning: base_url and id_authority are still the demo site's; enter your "
        "own values before publishing for the first time (docs/configuration.md).\n"
    )


def test_the_summary_line_in_german_and_in_english(site: Path) -> None:
    german = run_cli(BUILD, site, None)
    english = run_cli(BUILD, site, "en_US.UTF-8")
    assert german.returncode == english.returncode == 0
    assert re.fullmatch(
        r"\d+ Artikel veröffentlicht, \d+ geplant, 0 Fehler, \d+,\d s\n", german.stdout
    ), german.stdout
    assert re.fullmatch(
        r"\d+ articles? published, \d+ scheduled, 0 errors, \d+\.\d s\n", english.stdout
    ), english.stdout
    assert_german(german.stdout + german.stderr)


def test_a_usage_error_in_german_and_in_english(site: Path) -> None:
    german = run_cli(["build", "--gibtsnicht"], site, None)
    assert german.returncode == 2
    assert german.stderr.startswith("Aufruf: feedgen-app [-h] [--version] BEFEHL ...\n")
    assert german.stderr.endswith("feedgen-app: Fehler: unbekannte Argumente: --gibtsnicht\n")
    assert_german(german.stderr)
    english = run_cli(["build", "--gibtsnicht"], site, "en_US.UTF-8")
    assert english.stderr.startswith("usage: feedgen-app [-h] [--version] COMMAND ...\n")
    assert english.stderr.endswith("feedgen-app: error: unrecognized arguments: --gibtsnicht\n")
    missing = run_cli(["new"], site, None)
    assert "die folgenden Argumente fehlen: title" in missing.stderr
    choice = run_cli(["bild"], site, None)
    assert "ungültige Auswahl: 'bild'" in choice.stderr


def test_build_help_in_german_and_in_english(site: Path) -> None:
    german = run_cli(["build", "--help"], site, None)
    assert german.returncode == 0
    assert german.stdout.startswith("Aufruf: feedgen-app build")
    assert "\nOptionen:\n" in german.stdout
    assert "diese Hilfe zeigen und beenden" in german.stdout
    assert "Ausgabeordner (Vorgabe: public)" in german.stdout
    assert "Beispiel:" in german.stdout
    assert "--out AUSGABE" in german.stdout and "--summary DATEI" in german.stdout
    english = run_cli(["build", "--help"], site, "en_US.UTF-8")
    assert english.stdout.startswith("usage: feedgen-app build")
    assert "\noptions:\n" in english.stdout
    assert "output folder (default: public)" in english.stdout
    top = run_cli(["--help"], site, None)
    assert "die Versionsnummer zeigen und beenden" in top.stdout


def test_new_and_list_in_german_and_in_english(site: Path) -> None:
    german = run_cli(["new", "Grüße aus München", "--date", "2025-10-08"], site, None)
    assert german.returncode == 0, german.stderr
    assert german.stderr.startswith("Neuer Entwurf datiert auf 8. Oktober 2025: Text in ")
    assert "Veröffentlicht wird er erst, wenn die Zeile `draft` gelöscht ist." in german.stderr
    english = run_cli(["new", "Zweite Meldung", "--date", "2025-10-08 06:30"], site, "en_US.UTF-8")
    assert english.stderr.startswith("New draft dated October 8, 2025, 6:30 AM: write its text in ")
    listing = run_cli(["list", "--now", FIXED_NOW], site, None)
    header, *_rows, total = listing.stdout.splitlines()
    assert header.split() == ["Datum", "Status", "Slug", "Titel"]
    assert re.fullmatch(
        r"\d+ Artikel: \d+ veröffentlicht, \d+ geplant, 2 Entwurf, 0 fehlerhaft", total
    )
    listing_en = run_cli(["list", "--now", FIXED_NOW], site, "en_US.UTF-8")
    header, *_rows, total = listing_en.stdout.splitlines()
    assert header.split() == ["Date", "Status", "Slug", "Title"]
    assert re.fullmatch(r"\d+ articles: \d+ published, \d+ scheduled, 2 draft, 0 broken", total)


def test_init_hints_in_german_and_in_english(tmp_path: Path) -> None:
    german = run_cli(["init", "neu", "--now", FIXED_NOW], tmp_path, None)
    assert german.returncode == 0, german.stderr
    assert german.stderr.startswith("Neue Website „")
    assert_german(german.stderr)
    english = run_cli(["init", "new", "--now", FIXED_NOW], tmp_path, "en_US.UTF-8")
    assert english.stderr.startswith("New site “")
    assert "To publish: create the repository on GitHub" in english.stderr


def test_os_errors_are_told_in_our_own_words() -> None:
    i18n.select({})
    try:
        assert i18n.os_reason(FileNotFoundError(2, "No such file or directory")) == (
            "Datei oder Ordner nicht gefunden"
        )
        assert i18n.os_reason(OSError(5, "Input/output error")) == "Ein-/Ausgabefehler"
        assert i18n.os_reason(OSError(6, "No such device or address")) == "ENXIO"
        assert i18n.library_reason("something only the library says") == (
            "Einzelheiten auf Englisch mit LANG=en"
        )
    finally:
        i18n.select({"LANG": "en_US.UTF-8"})
    assert i18n.os_reason(OSError(6, "No such device or address")) == "No such device or address"
    assert i18n.library_reason("something only the library says") == (
        "something only the library says"
    )


def test_the_preview_error_box_and_404_page_speak_the_messages_language() -> None:
    from feedgen_app.commands.serve import not_found_page, render_error_box

    i18n.select({})
    try:
        box = render_error_box(("content/a.txt:1: x",), has_site=True)
        assert '<div id="feedgen-preview-error" role="alert" lang="de">' in box
        assert "Vorschau: Der letzte Build ist fehlgeschlagen (1 Problem)." in box
        assert "Angezeigt wird der letzte fehlerfreie Stand." in box
        assert "<h1>404 – Nicht gefunden</h1>" in not_found_page().decode()
    finally:
        i18n.select({"LANG": "en_US.UTF-8"})
    box = render_error_box(("a", "b"), has_site=False)
    assert 'lang="en"' in box and "Preview: the last build failed (2 problems)." in box
    assert "There is no state without errors yet." in box
    assert "<h1>404 – Not found</h1>" in not_found_page().decode()


# --- pages of an English site --------------------------------------------------------------------

GERMAN_PAGE_WORDS = (
    "Meldung",
    "Abonnieren",
    "Lesezeit",
    "Themen",
    "Thema",
    "Korrektur",
    "aktualisiert",
    "Oktober",
    "Uhr",
    "Seite",
    "Startseite",
    "Noch keine",
    "Kopieren",
    "Entwurf",
)
"""The German UI words of the packaged templates; none may be on an English site's pages (the
subscribe page keeps its address, abonnieren.html)."""


def english_site(root: Path, language: str = "en-US") -> Path:
    from sitekit import make_site, write

    make_site(root, extra=f"language: {language}\n")
    write(
        root,
        "2025-10-08-rates.txt",
        "date 2025-10-08T06:30 Rates stay where they are\n"
        "updated 2025-10-09T14:05\n"
        "correction The first version named the wrong month.\n"
        "tags Economy, Banks\n"
        "The central bank keeps its rates.\n"
        "More text follows here.\n",
    )
    write(root, "2025-10-07-older.txt", "date 2025-10-07 An older story\nLead.\nText.\n")
    return root


def page_texts(root: Path) -> dict[str, str]:
    names = ["index.html", "rates/index.html", "tags/index.html", "tags/economy/index.html"]
    names += ["404.html", "abonnieren.html", "embed.html"]
    return {name: (root / "public" / name).read_text(encoding="utf-8") for name in names}


@pytest.mark.parametrize("messages", [{}, {"LANG": "en_US.UTF-8"}])
def test_an_english_site_gets_english_page_texts_and_dates_under_any_lang(
    tmp_path: Path, messages: dict[str, str]
) -> None:
    from sitekit import build

    root = english_site(tmp_path / "site")
    i18n.select(messages)  # the messages' language must not reach the pages
    try:
        assert build(root) == 0
    finally:
        i18n.select({"LANG": "en_US.UTF-8"})
    pages = page_texts(root)
    for name, text in pages.items():
        assert '<html lang="en">' in text, name
        assert [w for w in GERMAN_PAGE_WORDS if w in text] == [], name
    article = pages["rates/index.html"]
    assert ">October 8, 2025, 6:30 AM</time>" in article
    assert "· updated <time" in article and ">October 9, 2025, 2:05 PM</time>" in article
    assert "1&nbsp;min&nbsp;read" in article
    assert "<strong>Correction</strong>" in article
    assert '<p class="tags">Topics: <a' in article
    assert "← Older story" in article
    assert ">October 7, 2025</time>" in pages["index.html"]
    assert ">Subscribe</a>" in pages["index.html"] and "Never miss a story" in pages["index.html"]
    assert "<h1>Topic: Economy</h1>" in pages["tags/economy/index.html"]
    assert "<h1>Topics</h1>" in pages["tags/index.html"]
    assert "<h1>Page not found</h1>" in pages["404.html"]
    assert "Subscribe to Testseite" in pages["abonnieren.html"]
    assert "<title>Latest news – Testseite</title>" in pages["embed.html"]
    atom = (root / "public" / "atom.xml").read_text(encoding="utf-8")
    assert 'rel="related" type="text/html" title="Subscribe"' in atom


def test_every_en_tag_gives_english_pages_and_de_stays_german(tmp_path: Path) -> None:
    from sitekit import build

    for language in ("en-GB", "en"):
        root = english_site(tmp_path / language, language)
        assert build(root) == 0
        assert "<h1>Page not found</h1>" in page_texts(root)["404.html"]
    root = english_site(tmp_path / "de", "de-DE")
    assert build(root) == 0
    article = page_texts(root)["rates/index.html"]
    assert ">8. Oktober 2025, 06:30 Uhr</time>" in article
    assert "1&nbsp;Min.&nbsp;Lesezeit" in article


def test_switching_the_site_language_rebuilds_the_pages(tmp_path: Path) -> None:
    from sitekit import build

    root = english_site(tmp_path / "site", "de-DE")
    assert build(root) == 0
    assert "Alle Meldungen" in page_texts(root)["index.html"]
    config = root / "feed.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("de-DE", "en-US"), encoding="utf-8"
    )
    assert build(root) == 0  # the same build cache: its keys hold the config
    pages = page_texts(root)
    assert "All news" in pages["index.html"] and "Alle Meldungen" not in pages["index.html"]
    assert ">October 8, 2025, 6:30 AM</time>" in pages["rates/index.html"]

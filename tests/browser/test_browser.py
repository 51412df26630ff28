"""The built site, the subscribe page and the embed kit in a real browser (Debian's chromium).

The site is built with `base_url` = its own loopback origin and served by a threaded
http.server that sends `Access-Control-Allow-Origin: *` (as GitHub Pages does). A second
loopback origin (another port) serves the pages that embed the widget and the iframe.
Screenshots of every page go to `<pytest tmp>/screenshots/`.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import CASES, FIXED_NOW, missing_tool, require_tool
from feedgen_app.commands.cli import main

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
AXE = HERE / ".npm-axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm install --prefix tests/browser/.npm-axe axe-core@4"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HOSTILE_TITLE = 'Böse <script>alert("titel")</script><img src=x onerror=alert("bild")>'
EXTRA_ARTICLES = {  # slug -> (date, title): four ordinary articles between the fixed ones
    "montag": ("2025-11-05T07:15", "Montag: Börse öffnet fester"),
    "dienstag": ("2025-11-06T07:15", "Dienstag: Löhne steigen in Süddeutschland"),
    "mittwoch": ("2025-11-07T07:15", "Mittwoch: „Grüner Stahl“ für Duisburg"),
    "donnerstag": ("2025-11-08T18:45", "Donnerstag: Exporte gehen zurück"),
}
NEWEST_FIRST = [
    "boese",
    "donnerstag",
    "mittwoch",
    "dienstag",
    "montag",
    "preise-und-loehne",
    "amazon-mischt-gesundheitswesen-auf",
]
HOSTILE_ARTICLE = f"""---
title: '{HOSTILE_TITLE}'
date: 2025-11-10T08:00
---
Harmlos beginnt es.<script>alert("body")</script>

<img src="x" onerror="alert('body-img')"> und <a href="javascript:alert('link')">ein Link</a>.

<p onmouseover="alert('hover')">Ende.</p>
"""


def require_browser_tools() -> Path:
    """Chromium, Playwright for Python and axe-core: skip locally if missing, fail under CI."""
    require_tool("chromium")
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("Playwright for Python (pip install -e '.[test]')")
    if not AXE.is_file():
        missing.append(f"axe-core ({AXE_INSTALL})")
    if missing:
        missing_tool(f"{' and '.join(missing)} not installed")
    return Path(shutil.which("chromium") or "/usr/bin/chromium")


class CorsHandler(SimpleHTTPRequestHandler):
    """Static files with `Access-Control-Allow-Origin: *` on every answer, quietly; an unknown
    address gets the site's 404.html with status 404, as GitHub Pages answers."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Origin:
    """A folder served on 127.0.0.1 at a free port."""

    root: Path
    server: ThreadingHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(CorsHandler, directory=str(self.root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_content(content: Path) -> None:
    """The seed article, the Markdown case's „quotes“ article, four more and a hostile one."""
    content.mkdir()
    for source in [
        *(CASES / "seed" / "content").iterdir(),
        CASES / "markdown" / "content" / "2025-11-03-preise.md",
    ]:
        shutil.copy(source, content / source.name)
    for slug, (date, title) in EXTRA_ARTICLES.items():
        (content / f"{slug}.txt").write_text(
            f"date {date} {title}\n\nDie Meldung des Tages in einem Absatz, mit Umlauten: "
            "Äpfel, Öl und Übermut.\nHintergrund\nMehr Text für die Seite.\n",
            encoding="utf-8",
        )
    (content / "boese.md").write_text(HOSTILE_ARTICLE, encoding="utf-8")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    return require_browser_tools()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[Origin]:
    """The built site, served on its own loopback origin (= its base_url)."""
    work = tmp_path_factory.mktemp("site")
    origin = Origin(work / "public")
    write_content(work / "content")
    (work / "feed.yaml").write_text(
        f'title: "Wirtschaft kompakt"\nsubtitle: "Meldungen und Hintergründe aus der Wirtschaft"\n'
        f'base_url: "{origin.url}"\nauthor: "Redaktion"\nid_authority: "example.org,2025"\n',
        encoding="utf-8",
    )
    code = main(
        [
            "build",
            "--content",
            str(work / "content"),
            "--config",
            str(work / "feed.yaml"),
            "--out",
            str(origin.root),
            "--now",
            FIXED_NOW,
        ]
    )
    assert code == 0
    yield origin
    origin.close()


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory, site: Origin) -> Iterator[Origin]:
    """A second loopback origin that embeds the site's widget and iframe."""
    origin = Origin(tmp_path_factory.mktemp("embedder"))
    yield origin
    origin.close()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots", numbered=False)


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught errors, dialogs."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_page(browser: Any, **context: Any) -> tuple[Any, Watch]:
    page = browser.new_context(locale="de-DE", **context).new_page()
    watch = Watch()
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(str(e)))

    def dialog(d: Any) -> None:
        watch.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    return page, watch


def embedding_page(embedder: Origin, site: Origin, name: str, body: str) -> str:
    (embedder.root / name).write_text(
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,"><title>Fremde Seite</title></head>'
        f"<body><main><h1>Fremde Seite</h1>{body}"
        "</main></body></html>\n",
        encoding="utf-8",
    )
    return embedder.url + name


def widget_items(page: Any, selector: str = "feedgen-feed") -> list[dict[str, str]]:
    """Each rendered headline of the first widget: link text, href, shown date, datetime."""
    page.locator(f"{selector} li").first.wait_for()
    result: list[dict[str, str]] = page.locator(selector).first.evaluate(
        """host => [...host.shadowRoot.querySelectorAll('li')].map(li => ({
            title: li.querySelector('a').textContent, href: li.querySelector('a').href,
            date: li.querySelector('time').textContent,
            datetime: li.querySelector('time').getAttribute('datetime'),
            summary: li.querySelector('p') ? li.querySelector('p').textContent : null}))"""
    )
    return result


# --- the site -------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path", ["", "preise-und-loehne/", "abonnieren.html", "embed.html", "404.html"]
)
def test_page_renders_without_console_errors(
    browser: Any, site: Origin, screenshots: Path, path: str, scheme: str
) -> None:
    page, watch = open_page(browser, color_scheme=scheme, viewport={"width": 1100, "height": 900})
    response = page.goto(site.url + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    name = path.strip("/").replace(".html", "") or "index"
    page.screenshot(path=screenshots / f"{name}-{scheme}.png", full_page=True)
    assert watch.errors == []
    assert page.evaluate("getComputedStyle(document.body).hyphens") == "auto"
    assert page.evaluate("document.documentElement.lang") == "de"


def test_article_page_carries_json_ld_without_a_csp_complaint(browser: Any, site: Origin) -> None:
    """The JSON-LD block is inline, the CSP forbids inline script: a data block is not run,
    so the browser neither runs nor reports it."""
    page, watch = open_page(browser)
    page.on(
        "console",
        lambda m: (
            watch.errors.append(m.text)
            if m.type == "warning" and "Content Security Policy" in m.text
            else None
        ),
    )
    page.goto(site.url + "preise-und-loehne/")
    page.wait_for_load_state("networkidle")
    data = page.locator('script[type="application/ld+json"]').evaluate_all(
        "scripts => scripts.map(s => JSON.parse(s.textContent))"
    )
    assert [item["@type"] for item in data] == ["NewsArticle"]
    assert data[0]["headline"] == "Preise & Löhne: „Die Inflation <sinkt>“ – ß, Ä und 🎉"
    assert (
        page.locator("link[rel=canonical]").get_attribute("href") == site.url + "preise-und-loehne/"
    )
    assert watch.errors == [] and watch.dialogs == []


def test_an_unknown_address_shows_the_styled_404_page(
    browser: Any, site: Origin, screenshots: Path
) -> None:
    page, watch = open_page(browser, viewport={"width": 1100, "height": 900})
    others: list[str] = []  # console errors other than the 404 status of the page itself
    page.on(
        "console",
        lambda m: (
            others.append(m.text)
            if m.type == "error" and m.location.get("url") != site.url + "gibt/es/nicht/"
            else None
        ),
    )
    response = page.goto(site.url + "gibt/es/nicht/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Seite nicht gefunden"
    # the stylesheet loaded from the site root even at this depth
    assert page.evaluate("getComputedStyle(document.body).hyphens") == "auto"
    assert page.locator(".not-found-list li").count() == 5
    page.screenshot(path=screenshots / "404-deep.png", full_page=True)
    page.get_by_role("link", name="Zur Startseite").click()
    page.wait_for_url(site.url)
    assert others == [] and watch.dialogs == []


def test_article_page_keeps_umlauts_and_german_quotes(browser: Any, site: Origin) -> None:
    page, watch = open_page(browser)
    page.goto(site.url + "preise-und-loehne/")
    assert (
        page.locator("h1").inner_text() == "Preise & Löhne: „Die Inflation <sinkt>“ – ß, Ä und 🎉"
    )
    assert page.title().startswith("Preise & Löhne: „Die Inflation <sinkt>“")
    meta = page.locator(".article-header .meta").inner_text()
    assert "3. November 2025, 06:30 Uhr" in meta and "Min.\u00a0Lesezeit" in meta
    assert page.locator(".article-body h2").inner_text() == "Was das für Haushalte bedeutet"
    lead = page.locator(".article-body > p").first
    assert lead.evaluate("p => getComputedStyle(p).fontWeight") == "600"
    older = page.get_by_role("link", name=re.compile("Ältere Meldung"))
    older.click()
    page.wait_for_url(site.url + "amazon-mischt-gesundheitswesen-auf/")
    assert "„Stargate“" in page.locator(".article-body").inner_text()
    assert watch.errors == []


def test_index_lists_every_article_newest_first_with_german_dates(
    browser: Any, site: Origin
) -> None:
    page, watch = open_page(browser)
    page.goto(site.url)
    links = page.locator(".teaser h2 a")
    assert [
        href.split("/")[-2] for href in links.evaluate_all("l => l.map(a => a.href)")
    ] == NEWEST_FIRST
    assert (
        page.locator(".teaser .meta").nth(1).inner_text()
        == "8. November 2025, 18:45 Uhr · 1\u00a0Min.\u00a0Lesezeit"
    )
    assert page.locator(".teaser .meta").last.inner_text().startswith("8. Oktober 2025 ·")
    assert page.get_by_role("link", name="So abonnieren Sie").is_visible()
    assert watch.errors == []


@pytest.mark.parametrize("path", ["", "preise-und-loehne/", "abonnieren.html"])
def test_page_fits_a_phone_screen(browser: Any, site: Origin, screenshots: Path, path: str) -> None:
    page, _ = open_page(browser, viewport={"width": 360, "height": 740}, is_mobile=True)
    page.goto(site.url + path)
    name = path.strip("/").replace(".html", "") or "index"
    page.screenshot(path=screenshots / f"{name}-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_keyboard_focus_is_visible_and_skip_link_comes_first(browser: Any, site: Origin) -> None:
    page, _ = open_page(browser)
    page.goto(site.url)
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const a = document.activeElement;
        return [a.textContent, getComputedStyle(a).outlineStyle, a.getBoundingClientRect().top]}""")
    assert focused[0] == "Zum Inhalt springen"
    assert focused[1] == "solid" and focused[2] >= 0


def test_subscribe_page_copies_feed_url(browser: Any, site: Origin, screenshots: Path) -> None:
    page, watch = open_page(browser, permissions=["clipboard-read", "clipboard-write"])
    page.goto(site.url + "abonnieren.html")
    page.get_by_role("button", name="Kopieren (RSS)").click()
    page.get_by_role("status").filter(has_text="Kopiert").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == site.url + "rss.xml"
    page.screenshot(path=screenshots / "abonnieren-copied.png")
    assert watch.errors == []


def test_subscribe_page_is_complete_without_javascript(browser: Any, site: Origin) -> None:
    page, _ = open_page(browser, java_script_enabled=False)
    page.goto(site.url + "abonnieren.html")
    text = page.locator("main").inner_text()
    for feed in ("atom.xml", "rss.xml", "feed.json"):
        assert site.url + feed in text
    assert page.get_by_role("button").count() == 0  # the copy buttons need JS: hidden
    assert page.get_by_role("link", name="In Feedly abonnieren").is_visible()


def test_hostile_article_runs_nothing_on_the_site(browser: Any, site: Origin) -> None:
    # bypass_csp: escaping and sanitizing alone must stop it, the CSP is a second wall.
    page, watch = open_page(browser, bypass_csp=True)
    for path in ("", "boese/", "embed.html", "donnerstag/"):
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(site.url + "boese/")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    body = page.locator(".article-body")
    assert body.locator("script, [onerror], [onmouseover], a[href^='javascript']").count() == 0
    assert "Harmlos beginnt es." in body.inner_text()
    page.locator(".article-body p").last.hover()
    assert watch.dialogs == []


# --- the embed kit on another origin --------------------------------------------------------


def test_widget_shows_newest_headlines_cross_origin_and_links_to_them(
    browser: Any, site: Origin, embedder: Origin, screenshots: Path
) -> None:
    url = embedding_page(
        embedder,
        site,
        "widget.html",
        "<style>a { color: rgb(0, 128, 0) } li { font-size: 40px }"
        "#eigen { --link: rgb(170, 0, 0) }</style>"
        f'<feedgen-feed limit="3" summary></feedgen-feed>'
        '<feedgen-feed id="eigen" limit="1"></feedgen-feed>'
        f'<script src="{site.url}embed.js" defer></script>',
    )
    page, watch = open_page(browser)
    page.goto(url)
    items = widget_items(page)
    # the host page's CSS does not reach into the widget; its custom properties do
    styles = page.locator("feedgen-feed").evaluate_all("""hosts => hosts.map(h => {
        const a = h.shadowRoot.querySelector('a');
        return [getComputedStyle(a).color, getComputedStyle(a).fontSize]; })""")
    assert styles[0][0] != "rgb(0, 128, 0)" and styles[0][1] == "16px"
    assert styles[1][0] == "rgb(170, 0, 0)"
    assert [i["href"] for i in items] == [site.url + s + "/" for s in NEWEST_FIRST[:3]]
    assert [i["date"] for i in items] == [
        "10. November 2025, 08:00 Uhr",
        "8. November 2025, 18:45 Uhr",
        "7. November 2025, 07:15 Uhr",
    ]
    assert items[2]["title"] == "Mittwoch: „Grüner Stahl“ für Duisburg"
    assert items[1]["summary"].startswith("Die Meldung des Tages")
    page.screenshot(path=screenshots / "embed-widget.png", full_page=True)
    page.get_by_role("link", name=items[1]["title"]).click()
    page.wait_for_url(items[1]["href"])
    assert page.locator("h1").inner_text() == "Donnerstag: Exporte gehen zurück"
    assert watch.dialogs == [] and watch.errors == []


def test_plain_script_tag_renders_default_five_in_place(
    browser: Any, site: Origin, embedder: Origin
) -> None:
    url = embedding_page(
        embedder,
        site,
        "inline.html",
        f'<p>Davor</p><script src="{site.url}embed.js" data-theme="dark">'
        '</script><p id="danach">Danach</p>',
    )
    page, watch = open_page(browser)
    page.goto(url)
    items = widget_items(page)
    assert [i["href"] for i in items] == [site.url + s + "/" for s in NEWEST_FIRST[:5]]
    assert all(i["summary"] is None for i in items)
    position = page.evaluate("""() => { const w = document.querySelector('feedgen-feed');
        return [w.previousElementSibling.tagName, w.nextElementSibling.id,
                w.getAttribute('theme')] }""")
    assert position == ["SCRIPT", "danach", "dark"]
    assert watch.errors == []


def test_hostile_title_stays_text_in_widget_and_iframe(
    browser: Any, site: Origin, embedder: Origin, screenshots: Path
) -> None:
    url = embedding_page(
        embedder,
        site,
        "hostile.html",
        f'<feedgen-feed limit="7" summary></feedgen-feed>'
        f'<script src="{site.url}embed.js" defer></script>'
        f'<iframe src="{site.url}embed.html" title="Neueste Meldungen" width="400" height="420" '
        'sandbox="allow-top-navigation-by-user-activation allow-popups"></iframe>',
    )
    page, watch = open_page(browser)
    page.goto(url)
    items = widget_items(page)
    assert items[0]["title"] == HOSTILE_TITLE
    assert (
        page.locator("feedgen-feed").evaluate(
            "h => h.shadowRoot.querySelectorAll('script, img, [onerror]').length"
        )
        == 0
    )
    frame = page.frame_locator("iframe")
    assert frame.locator("li a").first.inner_text() == HOSTILE_TITLE
    assert frame.locator("li").count() == 5
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshots / "embed-hostile.png", full_page=True)
    assert watch.dialogs == []
    frame.locator("li a").nth(1).click()
    page.wait_for_url(site.url + "donnerstag/")
    assert watch.dialogs == []


def test_widget_says_so_when_the_feed_is_missing(
    browser: Any, site: Origin, embedder: Origin, screenshots: Path
) -> None:
    url = embedding_page(
        embedder,
        site,
        "kaputt.html",
        f'<feedgen-feed src="{site.url}gibt-es-nicht.json"></feedgen-feed>'
        f'<script src="{site.url}embed.js" defer></script>',
    )
    page, _ = open_page(browser)
    page.goto(url)
    message = page.get_by_text("Meldungen konnten nicht geladen werden.")
    message.wait_for()
    assert message.is_visible()
    page.screenshot(path=screenshots / "embed-error.png")


# --- accessibility --------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path", ["", "preise-und-loehne/", "abonnieren.html", "embed.html", "404.html"]
)
def test_axe_finds_no_wcag_a_or_aa_violations(
    browser: Any, site: Origin, path: str, scheme: str
) -> None:
    # bypass_csp only so that axe can be injected; the pages themselves load unchanged.
    page, _ = open_page(browser, bypass_csp=True, color_scheme=scheme)
    page.goto(site.url + path)
    assert axe_violations(page) == []


def axe_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core's WCAG A/AA violations on the open page (it must have run some checks)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    assert result["passes"], "axe ran no checks"
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]
    ]


# --- drafts in the `serve` preview -------------------------------------------------------------

DRAFT_ARTICLE = """---
title: "Entwurf: Zinswende im Dezember?"
date: 2025-11-09T09:00
draft: true
tags: [Geldpolitik]
---
Noch nicht freigegeben: die Redaktion prüft die Zahlen.

| Monat | Leitzins |
|:--|--:|
| Oktober | 2,00 % |
| November | 2,00 % |

Mehr dazu[^1].

[^1]: Quelle: EZB.
"""


@pytest.fixture(scope="module")
def preview_url(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[str]:
    """`serve`'s preview server (in a thread) over the site's content plus a draft."""
    from feedgen_app.commands.serve import PreviewOptions, PreviewServer
    from feedgen_app.reading.dates import parse_date

    work = tmp_path_factory.mktemp("preview")
    write_content(work / "content")
    (work / "content" / "entwurf.md").write_text(DRAFT_ARTICLE, encoding="utf-8")
    (work / "feed.yaml").write_text(
        'title: "Wirtschaft kompakt"\nbase_url: "https://example.org/"\n'
        'author: "Redaktion"\nid_authority: "example.org,2025"\n',
        encoding="utf-8",
    )
    options = PreviewOptions(
        content_dir=work / "content",
        config=work / "feed.yaml",
        clock=lambda site: parse_date(FIXED_NOW, site.tz),
        live_clock=False,
        port=0,
    )
    outcomes: list[Any] = []
    server = PreviewServer(options, on_build=outcomes.append)
    ready = threading.Event()
    thread = threading.Thread(target=server.run, args=(ready.set,), daemon=True)
    thread.start()
    assert ready.wait(60) and outcomes[0].ok, outcomes
    yield server.url
    server.stop()
    thread.join(timeout=10)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("path", "name"), [("", "index"), ("entwurf/", "article"), ("tags/geldpolitik/", "tag")]
)
def test_serve_marks_a_draft_visibly_and_accessibly(
    browser: Any, preview_url: str, path: str, name: str, scheme: str, screenshots: Path
) -> None:
    page, watch = open_page(
        browser, bypass_csp=True, color_scheme=scheme, viewport={"width": 1100, "height": 900}
    )
    page.goto(preview_url + path)
    note = page.locator(".draft-note")
    assert note.count() == 1
    assert note.inner_text() == "Entwurf – nicht veröffentlicht"
    assert note.get_attribute("role") == "note" and note.is_visible()
    assert page.get_by_role("note").filter(has_text="Entwurf").count() == 1
    page.screenshot(path=str(screenshots / f"preview-draft-{name}-{scheme}.png"), full_page=True)
    assert axe_violations(page) == []
    assert watch.errors == [] and watch.dialogs == []

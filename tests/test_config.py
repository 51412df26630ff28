"""feed.yaml: defaults, validation, messages that name the key and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedgen_app.errors import ConfigError
from feedgen_app.model import Author
from feedgen_app.reading.config import load_site

MINIMAL = (
    "title: Nachrichten\nbase_url: https://example.org/news/\nauthor: Redaktion\n"
    "id_authority: example.org,2025\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_config_gets_the_documented_defaults(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, MINIMAL))
    assert (site.language, site.timezone, site.feed_limit, site.subtitle) == (
        "de-DE",
        "Europe/Berlin",
        50,
        "",
    )
    assert site.author == Author("Redaktion")


def test_bundled_config_is_valid() -> None:
    site = load_site(Path(__file__).resolve().parent.parent / "feed.yaml")
    assert site.base_url.endswith("/")


def test_author_with_email(tmp_path: Path) -> None:
    text = MINIMAL.replace("author: Redaktion", "author: {name: Jana, email: j@example.org}")
    assert load_site(write(tmp_path, text)).author == Author("Jana", "j@example.org")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("tittle: x\n", r"feed\.yaml:5: unknown key 'tittle'"),
        ("feed_limit: viele\n", r"feed\.yaml:5: 'feed_limit' must be a whole number"),
        ("feed_limit: 0\n", r"'feed_limit' must be a whole number of at least 1"),
        ("timezone: Europe/Nirgendwo\n", r"feed\.yaml:5: 'timezone' must be an IANA zone"),
        ("language: deutsch_DE\n", r"feed\.yaml:5: 'language' must be a BCP 47 tag"),
        ("subtitle: [a, b]\n", r"feed\.yaml:5: 'subtitle' must be text, not a list"),
    ],
)
def test_bad_values_name_key_and_line(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_site(write(tmp_path, MINIMAL + extra))


def test_missing_required_keys_are_all_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_site(write(tmp_path, "title: T\n"))
    assert len(info.value.problems) == 3
    assert all("is missing" in p for p in info.value.problems)


@pytest.mark.parametrize(
    "base_url", ["example.org/", "https://example.org/news", "ftp://example.org/"]
)
def test_base_url_must_be_absolute_http_ending_in_slash(tmp_path: Path, base_url: str) -> None:
    text = MINIMAL.replace("https://example.org/news/", base_url)
    with pytest.raises(ConfigError, match=r"feed\.yaml:2: 'base_url' must be an absolute"):
        load_site(write(tmp_path, text))


def test_id_authority_must_be_a_tag_authority(tmp_path: Path) -> None:
    text = MINIMAL.replace("example.org,2025", "example.org")
    with pytest.raises(ConfigError, match=r"feed\.yaml:4: 'id_authority' must be"):
        load_site(write(tmp_path, text))


def test_config_that_is_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"feed\.yaml:1: expected a mapping"):
        load_site(write(tmp_path, "- a\n- b\n"))


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_site(tmp_path / "feed.yaml")

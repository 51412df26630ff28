"""feed.yaml -> Site: reading and validating the site configuration."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import idna

from feedgen_app.errors import ConfigError
from feedgen_app.formats import is_language_tag
from feedgen_app.i18n import N_, _, library_reason, os_reason
from feedgen_app.model import Author, Site
from feedgen_app.reading.files import read_regular_file
from feedgen_app.reading.yamlkeys import YamlMapping, load_mapping

REQUIRED = ("title", "base_url", "author", "id_authority")
OPTIONAL = ("subtitle", "language", "timezone", "feed_limit", "hubs")
DEMO_BASE_URL = "https://feedgen-app.github.io/feedgen-app/"
DEMO_ID_AUTHORITY = "feedgen-app.github.io,2025"
DEMO_SEED = "2025-10-08-amazon-mischt-gesundheitswesen-auf.txt"
"""The bundled demo site (this repository's feed.yaml and content/): a content folder without
its seed article is another site, which must not publish under the demo's address or IDs."""
# RFC 4151: taggingEntity = authorityName "," date; authorityName a DNS name or e-mail address.
_URL_SAFE = "/%:@!$&'()*+,;=-._~"
_URL_PATH = re.compile(r"[A-Za-z0-9/%:@!$&'()*+,;=\-._~]*")
"""The ASCII characters a URL path may hold as they are (RFC 3986)."""
_PERCENT = re.compile(r"(?:[^%]|%[0-9A-Fa-f]{2})*")
_TAG_AUTHORITY = re.compile(
    r"(?:[A-Za-z0-9._%+-]+@)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*,\d{4}(?:-\d{2}(?:-\d{2})?)?"
)


def load_site(path: Path) -> Site:
    """Read and validate feed.yaml; raise ConfigError listing every problem."""
    try:
        data = read_regular_file(path)  # a FIFO named feed.yaml must not block the build
        text = unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(_("{path}:1: config file not found").format(path=path)) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            _("{path}:{line}: not UTF-8 text (byte offset {start})").format(
                path=path, line=line, start=exc.start
            )
        ) from None
    except OSError as exc:
        raise ConfigError(
            _("{path}:1: cannot read config: {strerror}").format(path=path, strerror=os_reason(exc))
        ) from None
    try:
        mapping = load_mapping(text, str(path))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return site_from_mapping(mapping, str(path))


def site_from_mapping(mapping: YamlMapping, where: str) -> Site:
    """Validate a parsed config mapping into a Site."""
    values = mapping.values

    def at(key: str) -> str:
        return f"{where}:{mapping.lines.get(key, 1)}"

    problems = _check_keys(values, at, where)
    if problems:
        raise ConfigError(*problems)
    author, problem = parse_author(values["author"], f"{at('author')}")
    if problem:
        problems.append(problem)
    problems += _check_values(values, at)
    if problems:
        raise ConfigError(*problems)
    assert author is not None
    return Site(
        title=values["title"].strip(),
        subtitle=values.get("subtitle", "").strip(),
        base_url=values["base_url"],
        author=author,
        id_authority=values["id_authority"],
        language=values.get("language", "de-DE"),
        timezone=values.get("timezone", "Europe/Berlin"),
        feed_limit=values.get("feed_limit", 50),
        hubs=tuple(values.get("hubs") or ()),
    )


def _check_keys(values: dict[str, Any], at: Callable[[str], str], where: str) -> list[str]:
    """Every key known, every required one there, the text ones text."""
    problems = [
        _("{where}: unknown key {key!r} (known keys: {names})").format(
            where=at(key), key=key, names=", ".join(REQUIRED + OPTIONAL)
        )
        for key in values
        if key not in REQUIRED + OPTIONAL
    ]
    problems += [
        _("{where}:1: required key {key!r} is missing").format(where=where, key=key)
        for key in REQUIRED
        if key not in values
    ]
    problems += [
        _("{where}: {key!r} must be text, not {kind}").format(
            where=at(key), key=key, kind=_kind(values[key])
        )
        for key in ("title", "subtitle", "base_url", "language", "timezone", "id_authority")
        if key in values and not isinstance(values[key], str)
    ]
    return problems


def _check_values(values: dict[str, Any], at: Any) -> list[str]:
    problems = []
    if not values["title"].strip():
        problems.append(_("{where}: 'title' must not be empty").format(where=at("title")))
    base = values["base_url"]
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?/", base):
        problems.append(
            _(
                "{where}: 'base_url' must be an absolute http(s) URL ending in "
                "'/', e.g. https://owner.github.io/repo/ (got {base!r})"
            ).format(where=at("base_url"), base=base)
        )
    else:
        try:
            values["base_url"] = normalize_base_url(base)
        except ValueError as exc:
            problems.append(
                _("{where}: 'base_url' {base!r}: {exc}").format(
                    where=at("base_url"), base=base, exc=exc
                )
            )
    if not _TAG_AUTHORITY.fullmatch(values["id_authority"]):
        problems.append(
            _(
                "{where}: 'id_authority' must be a domain or e-mail address, "
                "a comma and a date, e.g. example.org,2025 (got {values!r})"
            ).format(where=at("id_authority"), values=values["id_authority"])
        )
    language = values.get("language", "de-DE")
    if not is_language_tag(language):
        problems.append(
            _("{where}: 'language' must be a BCP 47 tag such as de-DE (got {language!r})").format(
                where=at("language"), language=language
            )
        )
    zone = values.get("timezone", "Europe/Berlin")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            _(
                "{where}: 'timezone' must be an IANA zone such as Europe/Berlin (got {zone!r})"
            ).format(where=at("timezone"), zone=zone)
        )
    limit = values.get("feed_limit", 50)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        problems.append(
            _("{where}: 'feed_limit' must be a whole number of at least 1 (got {limit!r})").format(
                where=at("feed_limit"), limit=limit
            )
        )
    problems += check_hubs(values.get("hubs", []), at("hubs"))
    return problems


def normalize_base_url(url: str) -> str:
    """`url` as published: a non-ASCII host in IDNA (punycode) form, a non-ASCII path
    percent-encoded; ValueError for credentials, a bad port, a host that is no DNS name, or
    ASCII characters a URL cannot hold (`"`, `<`, `>`, ...), which would break feeds and pages."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise ValueError("must not contain a user name or password")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(_("the port must be a number from 1 to 65535")) from None
    if port == 0:
        raise ValueError(_("the port must be a number from 1 to 65535"))
    host = parts.hostname or ""
    try:
        if ":" in host:  # an IPv6 address, written in brackets
            ascii_host = f"[{ipaddress.IPv6Address(host).compressed}]"
        else:
            ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, ValueError) as exc:
        raise ValueError(
            _("the host {host!r} is not a valid domain name ({reason})").format(
                host=host, reason=library_reason(exc)
            )
        ) from None
    netloc = ascii_host + (f":{port}" if port is not None else "")
    bad = next((c for c in parts.path if c < "\x80" and not _URL_PATH.fullmatch(c)), None)
    if bad is not None or not _PERCENT.fullmatch(parts.path):
        raise ValueError(
            _(
                "the path holds {value!r}, which a URL cannot hold as it is (feeds "
                "and pages would break); percent-encode it, e.g. %22 for a double "
                "quote"
            ).format(value=bad or "%")
        )
    path = quote(parts.path, safe=_URL_SAFE)  # only non-ASCII characters change
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def check_hubs(hubs: Any, where: str) -> list[str]:
    """`hubs:` is a list of absolute http(s) URLs of WebSub hubs, each listed once."""
    if hubs is None:
        return []
    if isinstance(hubs, str):
        return [
            _(
                "{where}: 'hubs' must be a list of WebSub hub URLs; write one hub as [{hubs}]"
            ).format(where=where, hubs=hubs)
        ]
    if not isinstance(hubs, list):
        return [
            _(
                "{where}: 'hubs' must be a list of WebSub hub URLs, e.g. "
                "[https://pubsubhubbub.appspot.com/] (got {kind})"
            ).format(where=where, kind=_kind(hubs))
        ]
    problems = []
    for hub in hubs:
        if not isinstance(hub, str) or not re.fullmatch(r"https?://[^\s/?#]+[^\s#]*", hub):
            problems.append(
                _("{where}: 'hubs': {hub!r} is not an absolute http(s) URL").format(
                    where=where, hub=hub
                )
            )
    if len(set(map(str, hubs))) != len(hubs):
        problems.append(_("{where}: 'hubs' lists a hub twice").format(where=where))
    return problems


def parse_author(value: Any, where: str) -> tuple[Author | None, str | None]:
    """An author is a name, or a mapping {name, email}; return it or a problem text."""
    if isinstance(value, str) and value.strip():
        return Author(name=value.strip()), None
    if isinstance(value, dict) and set(value) <= {"name", "email"}:
        name, email = value.get("name"), value.get("email")
        if (
            isinstance(name, str)
            and name.strip()
            and (
                email is None
                or (isinstance(email, str) and re.fullmatch(r"[^@\s]+@[^@\s]+", email))
            )
        ):
            return Author(name=name.strip(), email=email), None
    return None, (
        _(
            "{where}: 'author' must be a name or a mapping with 'name' and "
            "an optional 'email' (got {value!r})"
        ).format(where=where, value=value)
    )


def _kind(value: Any) -> str:
    return {
        list: "a list",
        dict: "a mapping",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def demo_warnings(site: Site, config: str, has_demo_seed: bool) -> list[str]:
    """One warning when a site other than the demo (its content folder lacks DEMO_SEED) still has
    the demo's base_url or id_authority; none otherwise."""
    if has_demo_seed:
        return []
    keys = [
        key
        for key, value, demo in (
            ("base_url", site.base_url, DEMO_BASE_URL),
            ("id_authority", site.id_authority, DEMO_ID_AUTHORITY),
        )
        if value == demo
    ]
    if not keys:
        return []
    message = (
        N_(
            "{config}:1: warning: {key} is still the demo site's; enter your own value "
            "before publishing for the first time (docs/configuration.md)."
        )
        if len(keys) == 1
        else N_(
            "{config}:1: warning: base_url and id_authority are still the demo site's; enter "
            "your own values before publishing for the first time (docs/configuration.md)."
        )
    )
    return [_(message).format(config=config, key=keys[0])]

"""Date parsing (ISO 8601 and German forms, DST-correct) and date formatting: German
(`8. Oktober 2025, 06:30 Uhr`) or English (`October 8, 2025, 6:30 AM`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from feedgen_app.errors import DateFormatError
from feedgen_app.i18n import ENGLISH, _, library_reason

MONTHS_DE = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(MONTHS_DE, start=1)}
_MONTH_NUMBER.update({"maerz": 3, "jänner": 1, "jaenner": 1})

_TIME = r"(?:,?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*Uhr)?)?"
_GERMAN_NUMERIC = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})" + _TIME)
_GERMAN_LONG = re.compile(
    r"(?P<day>\d{1,2})\.\s*(?P<monthname>[A-Za-zÄÖÜäöü]+)\s+(?P<year>\d{4})" + _TIME
)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?"
)


FIRST_YEAR = 1900
LAST_YEAR = 9998
"""Supported years: feeds need four-digit years (RFC 822) and times that convert to UTC and
back without leaving datetime's range (years 1 to 9999)."""


def split_date(text: str) -> tuple[str, str]:
    """Split `text` into a leading date (any accepted form) and the rest.

    Raises DateFormatError when `text` does not start with a date.
    """
    for pattern in (_GERMAN_LONG, _GERMAN_NUMERIC, _ISO):
        match = pattern.match(text)
        if match and (match.end() == len(text) or text[match.end()].isspace()):
            return match.group(0), text[match.end() :].strip()
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    raise DateFormatError(
        _(
            "{word!r} is not a date; expected e.g. 2025-10-08, 2025-10-08T06:30, "
            "08.10.2025 or 8. Oktober 2025"
        ).format(word=word)
    )


def parse_date(raw: str, tz: ZoneInfo) -> datetime:
    """Parse one date in an accepted form into an aware datetime (see `read_date`), and refuse
    dates outside FIRST_YEAR..LAST_YEAR or whose UTC offset is not whole minutes."""
    value = read_date(raw, tz)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise DateFormatError(
            _("{raw!r} is outside the supported years {FIRST_YEAR} to {LAST_YEAR}").format(
                raw=raw, FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR
            )
        )
    offset = value.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        raise DateFormatError(
            _(
                "{raw!r} falls in local mean time, offset {offset} from UTC in "
                "{key}; feeds can only state offsets in whole minutes: write "
                "the date in ISO form with its offset, e.g. 1890-10-08T06:30+01:00"
            ).format(raw=raw, offset=offset, key=tz.key)
        )
    return value


def read_date(raw: str, tz: ZoneInfo) -> datetime:
    """Parse one date in an accepted form into an aware datetime.

    Unchecked (see `parse_date`). A date without an offset is wall-clock time in `tz`. A time
    in the spring DST gap moves forward by the gap (02:30 becomes 03:30 summer time); an
    ambiguous autumn time means its first occurrence (summer time), as RFC 5545 does.
    """
    text = raw.strip()
    if _ISO.fullmatch(text):
        try:
            from dateutil.parser import isoparse  # on first use: the command line starts faster

            value = isoparse(text.replace(" ", "T", 1))
        except (ValueError, OverflowError) as exc:
            raise DateFormatError(
                _("{raw!r} is not a valid date: {reason}").format(
                    raw=raw, reason=library_reason(exc)
                )
            ) from None
        return localize(value, tz)
    for pattern in (_GERMAN_NUMERIC, _GERMAN_LONG):
        match = pattern.fullmatch(text)
        if match:
            return localize(_german_datetime(match, raw), tz)
    raise DateFormatError(
        _(
            "{raw!r} is not a date; expected e.g. 2025-10-08, 2025-10-08T06:30, "
            "08.10.2025 or 8. Oktober 2025"
        ).format(raw=raw)
    )


def _german_datetime(match: re.Match[str], raw: str) -> datetime:
    groups = match.groupdict()
    if groups.get("monthname") is not None:
        month = _MONTH_NUMBER.get(groups["monthname"].lower())
        if month is None:
            raise DateFormatError(
                _(
                    "{groups!r} in {raw!r} is not a German month name (expected one of {names})"
                ).format(groups=groups["monthname"], raw=raw, names=", ".join(MONTHS_DE))
            )
    else:
        month = int(groups["month"])
    try:
        day = date(int(groups["year"]), month, int(groups["day"]))
        clock = time(int(groups["hour"] or 0), int(groups["minute"] or 0))
    except ValueError as exc:
        raise DateFormatError(
            _("{raw!r} is not a valid date: {reason}").format(raw=raw, reason=library_reason(exc))
        ) from None
    return datetime.combine(day, clock)


def localize(value: datetime, tz: ZoneInfo) -> datetime:
    """Attach `tz` to a naive datetime (DST-correct, see parse_date); keep an aware one.

    DateFormatError for a time that cannot be converted (year 1 or 9999 near the ends of
    datetime's range)."""
    if value.tzinfo is not None:
        return value
    # fold=0: gap times take the offset before the gap, ambiguous times the first occurrence.
    # Round-tripping through UTC normalises a gap time to the real wall-clock time after it.
    try:
        return value.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    except OverflowError:
        raise DateFormatError(
            _("{isoformat} is outside the supported years {FIRST_YEAR} to {LAST_YEAR}").format(
                isoformat=value.isoformat(), FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR
            )
        ) from None


def format_date_de(value: datetime) -> str:
    """`8. Oktober 2025`."""
    return f"{value.day}. {MONTHS_DE[value.month - 1]} {value.year}"


def format_datetime_de(value: datetime) -> str:
    """`8. Oktober 2025, 06:30 Uhr`."""
    return f"{format_date_de(value)}, {value:%H:%M} Uhr"


def format_date(value: datetime, language: str) -> str:
    """`8. Oktober 2025` (`de`) or `October 8, 2025` (`en`)."""
    if language == ENGLISH:
        return f"{MONTHS_EN[value.month - 1]} {value.day}, {value.year}"
    return format_date_de(value)


def format_datetime(value: datetime, language: str) -> str:
    """`8. Oktober 2025, 06:30 Uhr` (`de`) or `October 8, 2025, 6:30 AM` (`en`: 12-hour clock,
    12:00 AM is midnight, 12:00 PM noon)."""
    if language == ENGLISH:
        hour = value.hour % 12 or 12
        noon = "AM" if value.hour < 12 else "PM"
        return f"{format_date(value, language)}, {hour}:{value.minute:02d} {noon}"
    return format_datetime_de(value)

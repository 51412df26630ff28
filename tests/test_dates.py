"""Dates: every accepted form, every German month, DST edges, German formatting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from feedgen_app.errors import DateFormatError
from feedgen_app.reading.dates import (
    MONTHS_DE,
    format_date_de,
    format_datetime_de,
    parse_date,
    split_date,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-10-08", "2025-10-08T00:00:00+02:00"),
        ("2025-10-08T06:30", "2025-10-08T06:30:00+02:00"),
        ("2025-10-08 06:30", "2025-10-08T06:30:00+02:00"),
        ("2025-10-08T06:30:15", "2025-10-08T06:30:15+02:00"),
        ("2025-10-08T06:30+02:00", "2025-10-08T06:30:00+02:00"),
        ("2025-10-08T06:30:00Z", "2025-10-08T06:30:00+00:00"),
        ("2025-10-08T06:30-05:00", "2025-10-08T06:30:00-05:00"),
        ("08.10.2025", "2025-10-08T00:00:00+02:00"),
        ("8.10.2025", "2025-10-08T00:00:00+02:00"),
        ("08.10.2025 06:30", "2025-10-08T06:30:00+02:00"),
        ("8. Oktober 2025", "2025-10-08T00:00:00+02:00"),
        ("8. oktober 2025", "2025-10-08T00:00:00+02:00"),
        ("8. Oktober 2025, 06:30 Uhr", "2025-10-08T06:30:00+02:00"),
        ("1. Januar 2026", "2026-01-01T00:00:00+01:00"),
        ("3. Maerz 2025", "2025-03-03T00:00:00+01:00"),
        ("3. Jänner 2025", "2025-01-03T00:00:00+01:00"),
    ],
)
def test_accepted_forms_parse_to_aware_datetimes(raw: str, expected: str) -> None:
    assert parse_date(raw, BERLIN).isoformat() == expected


@pytest.mark.parametrize(("number", "name"), list(enumerate(MONTHS_DE, start=1)))
def test_every_german_month_name_is_understood(number: int, name: str) -> None:
    assert parse_date(f"15. {name} 2025", BERLIN).month == number


def test_maerz_with_umlaut_is_march() -> None:
    assert parse_date("31. März 2025", BERLIN).isoformat() == "2025-03-31T00:00:00+02:00"


@pytest.mark.parametrize(
    "raw",
    [
        "2025-02-30",
        "30.02.2025",
        "30. Februar 2025",
        "2025-13-01",
        "32.01.2025",
        "8. Oktobr 2025",
        "gestern",
        "2025/10/08",
        "08.10.25",
        "2025-10-08T25:00",
        "",
    ],
)
def test_impossible_or_unknown_dates_are_refused(raw: str) -> None:
    with pytest.raises(DateFormatError):
        parse_date(raw, BERLIN)


def test_time_in_spring_gap_moves_forward_by_the_gap() -> None:
    value = parse_date("2025-03-30T02:30", BERLIN)
    assert value.isoformat() == "2025-03-30T03:30:00+02:00"
    assert value.astimezone(UTC) == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)


def test_ambiguous_autumn_time_is_first_occurrence_in_summer_time() -> None:
    value = parse_date("26.10.2025 02:30", BERLIN)
    assert value.utcoffset() == timedelta(hours=2)
    assert value.astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_times_around_dst_change_keep_their_wall_clock_offset() -> None:
    assert parse_date("2025-03-30T01:59", BERLIN).utcoffset() == timedelta(hours=1)
    assert parse_date("2025-03-30T03:00", BERLIN).utcoffset() == timedelta(hours=2)
    assert parse_date("2025-10-26T03:00", BERLIN).utcoffset() == timedelta(hours=1)


def test_date_only_means_midnight_in_configured_timezone() -> None:
    assert parse_date("2025-07-01", ZoneInfo("America/New_York")).isoformat() == (
        "2025-07-01T00:00:00-04:00"
    )
    assert parse_date("2025-12-01", BERLIN).isoformat() == "2025-12-01T00:00:00+01:00"


def test_split_date_separates_date_and_title() -> None:
    assert split_date("2025-10-08 Amazon mischt auf") == ("2025-10-08", "Amazon mischt auf")
    assert split_date("8. Oktober 2025 Titel") == ("8. Oktober 2025", "Titel")
    assert split_date("08.10.2025, 06:30 Uhr Titel") == ("08.10.2025, 06:30 Uhr", "Titel")
    assert split_date("2025-10-08T06:30+02:00 Titel") == ("2025-10-08T06:30+02:00", "Titel")
    with pytest.raises(DateFormatError, match="'Amazon' is not a date"):
        split_date("Amazon mischt auf")


def test_german_formatting() -> None:
    value = datetime(2025, 10, 8, 6, 30, tzinfo=BERLIN)
    assert format_date_de(value) == "8. Oktober 2025"
    assert format_datetime_de(value) == "8. Oktober 2025, 06:30 Uhr"
    assert format_date_de(datetime(2025, 3, 1, tzinfo=BERLIN)) == "1. März 2025"

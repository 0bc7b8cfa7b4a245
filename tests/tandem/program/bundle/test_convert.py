"""Cell parsers: dates, timestamps, lists (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.program.bundle.convert import normalise_list, parse_date, parse_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("2025-03-01T09:30:00", dt.date(2025, 3, 1)),
        ("2025-03-01T23:30:00-05:00", dt.date(2025, 3, 1)),  # keeps the date as written
        ("2025-03-01T09:30:00Z", dt.date(2025, 3, 1)),
        ("2025-03-01 09:30", dt.date(2025, 3, 1)),
        ("2025-02-29", None),
        ("20250301", None),
        ("2025-W09-1", None),
        ("01/03/2025", None),
        ("2025-03-01T24:61:00", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", dt.datetime(2025, 3, 1)),
        ("2025-03-01T09:30:00+02:00", dt.datetime(2025, 3, 1, 7, 30)),
        ("2025-03-01T09:30:00Z", dt.datetime(2025, 3, 1, 9, 30)),
        ("2025-03-01T01:00:00+02:00", dt.datetime(2025, 2, 28, 23, 0)),
        ("2025-03-01T09:30:00.250", dt.datetime(2025, 3, 1, 9, 30, 0, 250000)),
        ("yesterday", None),
    ],
)
def test_parse_datetime(text: str, expected: dt.datetime | None) -> None:
    assert parse_datetime(text) == expected


def test_lists_are_trimmed_and_deduplicated_ignoring_case() -> None:
    assert normalise_list(" Strategy ; hiring;;strategy ;") == "Strategy;hiring"
    assert normalise_list(" ; ") is None

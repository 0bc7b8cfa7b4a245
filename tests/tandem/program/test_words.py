"""Counts and dates in sentences: one way, for the core and the pages."""

from __future__ import annotations

import datetime as dt

from tandem.program.words import date_range_text, date_text, plural


def test_plural_is_right_and_counts_have_separators() -> None:
    assert plural(1, "pairing") == "1 pairing"
    assert plural(58, "pairing") == "58 pairings"
    assert plural(0, "pairing") == "0 pairings"
    assert plural(2, "person", "people") == "2 people"
    assert plural(12_345, "note") == "12,345 notes"


def test_dates_read_day_month_year_without_padding_or_iso() -> None:
    assert date_text(dt.date(2026, 9, 9)) == "9 Sep 2026"
    assert date_text(dt.datetime(2026, 12, 5, 14, 30)) == "5 Dec 2026"
    assert date_text(None) == "—"
    assert date_text(None, missing="not yet") == "not yet"


def test_a_range_gives_the_year_once_unless_it_crosses_one() -> None:
    assert date_range_text(dt.date(2026, 9, 9), dt.date(2026, 12, 7)) == "9 Sep – 7 Dec 2026"
    assert date_range_text(dt.date(2025, 12, 9), dt.date(2026, 3, 8)) == "9 Dec 2025 – 8 Mar 2026"

"""Which notes a view counts: the shared filters on notes (``tandem.themes.queries.selection``)."""

from __future__ import annotations

import datetime as dt

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.themes import queries as q
from tests.tandem.themes.queries.program import build, check_shares, expected_shares, joined


def test_filters_scope_pairings_and_program_notes(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    # A kind filter: only notes of reverse pairings; program-level notes drop out.
    reverse = [n for n in notes if n["kind"] == "reverse"]
    frame = q.breakdown(
        engine, Filters(scope=EVERYTHING, kinds=("reverse",)), "source", threshold=2
    )
    check_shares(frame, expected_shares(reverse, "source"), 2, "group")
    # A cohort filter keeps program-level notes of that cohort.
    big = [n for n in notes if n["cohort_id"] == "big"]
    assert any(n["pairing_id"] is None for n in big)
    frame = q.breakdown(engine, Filters(scope=EVERYTHING, cohorts=("big",)), "kind", threshold=2)
    check_shares(frame, expected_shares(big, "kind"), 2, "group")
    # A date range restricts the notes' own dates.
    start, end = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
    dated = [n for n in notes if start <= n["date"] <= end]
    frame = q.breakdown(
        engine, Filters(scope=EVERYTHING, date_from=start, date_to=end), "author_role", threshold=2
    )
    check_shares(frame, expected_shares(dated, "author_role"), 2, "group")


def test_program_notes_count_only_when_filters_name_no_pairings() -> None:
    assert q.program_notes_count(Filters(scope=EVERYTHING))
    # Cohorts and dates apply to a program-level note too.
    assert q.program_notes_count(
        Filters(scope=EVERYTHING, cohorts=("big",), date_from=dt.date(2026, 1, 1))
    )
    # A survey answer has no kind or level: it cannot match such a filter.
    assert not q.program_notes_count(Filters(scope=EVERYTHING, kinds=("reverse",)))
    assert not q.program_notes_count(Filters(scope=EVERYTHING, level_bands=("6-8",)))

"""The demo's cohorts (``tandem.program.demo.cohorts``): the four programs and last year's
wave, and regional waves as the program grows."""

from __future__ import annotations

from tandem.program.demo.cohorts import PAIRINGS_PER_WAVE, make_cohorts
from tandem.program.models import PROGRAM_TYPES
from tests.tandem.program.demo.stages import TODAY, rows, staged


def test_every_program_has_a_cohort_sponsored_from_the_organisation() -> None:
    s = staged()
    cohorts = rows(s.cohort_table)
    assert {c["program_type"] for c in cohorts} == set(PROGRAM_TYPES)
    ids = [c["cohort_id"] for c in cohorts]
    assert len(set(ids)) == len(ids) == len(s.plans)
    people = set(s.people.ids)
    assert all(c["sponsor_id"] in people for c in cohorts)
    for cohort in cohorts:
        assert cohort["end_date"] is None or cohort["end_date"] > cohort["start_date"]
        assert cohort["start_date"] <= TODAY


def test_last_years_wave_is_completed_and_ended_before_today() -> None:
    s = staged()
    completed = [p for p in s.plans if p.completed]
    assert completed
    assert all(p.end is not None and p.end < 0 for p in completed)


def test_regional_waves_come_with_size() -> None:
    s = staged()
    small, _ = make_cohorts(3, 100, s.people, s.days)
    large, plans = make_cohorts(3, 4 * PAIRINGS_PER_WAVE, s.people, s.days)
    assert len(large) > len(small)
    assert all(p.weight > 0 for p in plans)
    assert len(set(large.columns["cohort_id"])) == len(large)

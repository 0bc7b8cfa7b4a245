"""The breakdown by cohort, pairing kind, level band and group, on a planted effect."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Engine

from tandem.access import EVERYTHING
from tandem.impact import impact_report
from tandem.impact.breakdown import (
    NO_DIFFERENCE,
    POOLED,
    SUPPRESSED,
    BreakdownRow,
    level_band,
)
from tests.impact_program import AS_OF, breakdown_program, career_program


def _row(rows: list[BreakdownRow], label: str, group: str = "mentees") -> BreakdownRow:
    return next(r for r in rows if r.label == label and r.group == group)


def test_the_effect_shows_in_its_subgroup_only(engine: Engine) -> None:
    breakdown_program(engine)
    report = impact_report(engine, EVERYTHING, as_of=AS_OF, with_breakdown=True)
    kinds = report.breakdown_rows("kind", "promotion")
    traditional = _row(kinds, "Traditional")
    assert traditional.verdict == "promoted more" and traditional.is_effect
    assert traditional.interval is not None and traditional.interval[0] > 0.2
    reverse = _row(kinds, "Reverse")
    assert reverse.verdict == NO_DIFFERENCE and not reverse.is_effect
    assert reverse.interval is not None and reverse.interval[0] < 0 < reverse.interval[1]
    # Mentors had no boost in any kind.
    assert _row(kinds, "Traditional", "mentors").verdict == NO_DIFFERENCE
    # The same comparison pool for every subgroup: matching picks its strata.
    assert traditional.comparison is not None and reverse.comparison is not None
    assert min(traditional.comparison, reverse.comparison) > 500


def test_small_subgroups_are_suppressed_not_hidden(engine: Engine) -> None:
    breakdown_program(engine)
    report = impact_report(engine, EVERYTHING, as_of=AS_OF, with_breakdown=True)
    peer = _row(report.breakdown_rows("kind", "promotion"), "Peer")
    assert peer.suppressed and peer.verdict == SUPPRESSED
    numbers = (
        peer.participants,
        peer.comparison,
        peer.matched,
        peer.naive_difference,
        peer.adjusted_difference,
        peer.interval,
    )
    assert numbers == (None,) * 6
    groups = report.breakdown_rows("group", "promotion")
    labels = [r.label for r in groups if r.group == "mentees"]
    # A group of three is not named: it is pooled into one suppressed row.
    assert labels == ["Alpha", "Beta", POOLED] and "Tiny" not in json.dumps(report.to_json())
    assert _row(groups, POOLED).suppressed
    # Every row of every dimension, outcome and group is there, suppressed or not.
    assert set(report.dimensions) == {"cohort", "kind", "level_band", "group"}
    assert len(report.to_json()["breakdown"]) == len(report.breakdown)  # type: ignore[arg-type]


def test_level_bands_and_a_single_cohort(engine: Engine) -> None:
    career_program(engine)
    assert level_band(pd.Series([1, 3, 4, 5, 6, 8])).tolist() == [
        "1-3",
        "1-3",
        "4-5",
        "4-5",
        "6-8",
        "6-8",
    ]
    whole = impact_report(engine, EVERYTHING, as_of=AS_OF, with_breakdown=True)
    cohorts = whole.breakdown_rows("cohort", "promotion")
    assert [r.label for r in cohorts if r.group == "mentees"] == [
        "Leaders 2024",
        "Leaders 2025",
        "No cohort",
    ]
    assert _row(cohorts, "No cohort").suppressed  # one pairing without a cohort
    assert _row(cohorts, "Leaders 2024").verdict == "promoted more"
    # No group column in this program: no group breakdown.
    assert "group" not in whole.dimensions
    one = impact_report(engine, EVERYTHING, cohort_id="c-a", as_of=AS_OF, with_breakdown=True)
    assert "cohort" not in one.dimensions and one.breakdown


def test_without_breakdown_the_report_is_unchanged(engine: Engine) -> None:
    career_program(engine)
    plain = impact_report(engine, EVERYTHING, as_of=AS_OF)
    full = impact_report(engine, EVERYTHING, as_of=AS_OF, with_breakdown=True)
    assert plain.breakdown == () and "breakdown" not in plain.to_json()
    assert plain.estimates == full.estimates

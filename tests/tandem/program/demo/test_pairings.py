"""The demo's pairings (``tandem.program.demo.pairings``): who mentors whom in which cohort,
with the story's overloaded mentor and its one pairing inside a reporting line."""

from __future__ import annotations

from collections import Counter

import numpy as np

from tandem.program.demo.pairings import CADENCES, KINDS, STATUSES
from tests.tandem.program.demo.stages import TODAY, rows, staged


def test_nobody_mentors_themself_and_every_reference_resolves() -> None:
    s = staged()
    pairings = rows(s.pairing_table)
    people = set(s.people.ids)
    cohorts = {p.cohort_id for p in s.plans}
    assert all(p["mentor_id"] != p["mentee_id"] for p in pairings)
    assert all(p["mentor_id"] in people and p["mentee_id"] in people for p in pairings)
    assert all(p["cohort_id"] in cohorts for p in pairings)
    assert len({p["pairing_id"] for p in pairings}) == len(pairings)


def test_values_come_from_the_formats_lists() -> None:
    s = staged()
    table = s.pairing_table.columns
    assert set(table["kind"]) <= set(KINDS) and set(table["status"]) <= set(STATUSES)
    assert set(table["cadence_days"]) <= set(CADENCES.tolist())
    for p in rows(s.pairing_table):
        # Only a proposal may start in the future.
        assert p["start_date"] <= TODAY or p["status"] == "proposed", p
        ended = p["status"] in ("completed", "ended")
        assert (p["ended_date"] is not None) == ended, p


def test_exactly_one_pairing_inside_a_reporting_line() -> None:
    s = staged()
    pr, people = s.pr, s.people
    inside = [
        i
        for i in range(len(pr.ids))
        if pr.mentor[i] in people.ancestors[pr.mentee[i]]
        or pr.mentee[i] in people.ancestors[pr.mentor[i]]
    ]
    assert inside == [pr.reporting_line]


def test_the_overloaded_mentor_runs_more_pairings_than_they_can() -> None:
    s = staged()
    pr = s.pr
    mentor = pr.overloaded_mentor
    assert mentor is not None
    running = Counter(pr.mentor[np.isin(pr.status, [STATUSES.index("active")])].tolist())
    assert running[mentor] > s.people.max_mentees[mentor]
    assert set(pr.mentor[pr.overloaded].tolist()) == {mentor}

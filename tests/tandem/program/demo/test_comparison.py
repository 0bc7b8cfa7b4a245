"""The comparison colleagues (``tandem.program.demo.comparison``): people who take part in
nothing, drawn to look like each cohort's mentees, a bounded number per cohort."""

from __future__ import annotations

from collections import Counter
from statistics import mean

import numpy as np

from tandem.program.demo.cohorts import make_cohorts
from tandem.program.demo.comparison import (
    COMPARISON_MAX,
    COMPARISON_MIN,
    COMPARISON_PER_MENTEE,
    make_comparison_people,
)
from tandem.program.demo.draw import Days
from tandem.program.demo.organisation import make_people
from tandem.program.demo.pairings import make_pairings
from tests.tandem.program.demo.helpers import TODAY, Careers, Demo


def test_each_cohort_gets_five_per_mentee_within_the_bounds() -> None:
    days = Days(TODAY)
    table, people = make_people(3, 250)
    _, plans = make_cohorts(3, 150, people, days)
    pr = make_pairings(3, 150, people, plans)
    expected = 0
    for c in range(len(plans)):
        mentees = len(np.unique(pr.mentee[pr.cohort == c]))
        if mentees:
            expected += int(
                np.clip(COMPARISON_PER_MENTEE * mentees, COMPARISON_MIN, COMPARISON_MAX)
            )
    extra = make_comparison_people(np.random.default_rng(1), table.columns, people, pr, plans)
    ids = extra["person_id"]
    assert len(ids) == expected
    assert len(set(ids)) == len(ids) and not set(ids) & set(table.columns["person_id"])
    assert set(extra) == set(table.columns)  # rows of the people table
    # Never signed up: no mentoring profile; managers from the organisation.
    assert set(extra["strengths"]) == {None} and set(extra["development_goals"]) == {None}
    assert set(extra["manager_id"]) <= set(table.columns["person_id"])


def test_comparison_colleagues_take_part_in_nothing_and_look_like_the_mentees(
    demo: Demo,
) -> None:
    summary, rows = demo
    careers = Careers(summary, rows)
    comparison = careers.comparison
    cohorts = len(rows["cohorts"])
    assert 50 * cohorts <= len(comparison) <= 300 * cohorts
    taking_part = {p["mentor_id"] for p in rows["pairings"]} | set(careers.mentee_start)
    assert not comparison & taking_part
    assert not comparison & {c["sponsor_id"] for c in rows["cohorts"]}
    mentees = [careers.people[m] for m in careers.mentee_start]
    others = [careers.people[c] for c in comparison]
    assert abs(mean(p["level"] for p in mentees) - mean(p["level"] for p in others)) < 0.5
    assert (
        abs(mean(p["tenure_years"] for p in mentees) - mean(p["tenure_years"] for p in others)) < 3
    )
    for column in ("division", "geography"):
        share_m = Counter(p[column] for p in mentees)
        share_o = Counter(p[column] for p in others)
        top = share_m.most_common(1)[0][0]
        assert abs(share_m[top] / len(mentees) - share_o[top] / len(others)) < 0.12, column
    # Colleagues in the organisation: a manager, a title that fits the level.
    assert all(p["manager_id"] in careers.people for p in others)
    assert all(p["strengths"] is None and p["development_goals"] is None for p in others)

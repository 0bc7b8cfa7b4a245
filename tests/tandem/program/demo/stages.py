"""The demo's stages run one after another, in ``build_story``'s order, for a small program,
so that each stage's own test module can check what that stage drew.

Cached: every stage test of a run reads the same objects, and must not change them.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from tandem.program.demo.careers import Careers, build_careers
from tandem.program.demo.checkins import CheckIns, make_checkins
from tandem.program.demo.codes import OTHER
from tandem.program.demo.cohorts import make_cohorts
from tandem.program.demo.draw import Days
from tandem.program.demo.feedback import make_feedback
from tandem.program.demo.flags import make_flags
from tandem.program.demo.milestones import make_milestones
from tandem.program.demo.organisation import make_people
from tandem.program.demo.pairings import make_pairings, pairings_table
from tandem.program.demo.tables import CohortPlan, Pairings, People, Table

TODAY = dt.date(2026, 6, 1)
SEED = 11
PAIRINGS = 160


class Staged(NamedTuple):
    days: Days
    people_table: Table
    people: People
    cohort_table: Table
    plans: list[CohortPlan]
    pr: Pairings
    careers: Careers
    pairing_table: Table
    milestone_table: Table
    checkin_table: Table
    checkins: CheckIns
    feedback_table: Table
    flag_table: Table


@functools.cache
def staged(seed: int = SEED, pairings: int = PAIRINGS) -> Staged:
    """Every stage's output, as ``build_story`` makes them (before the careers are folded
    back into the people table)."""
    days = Days(TODAY)
    people_table, people = make_people(seed, round(1.6 * pairings))
    cohort_table, plans = make_cohorts(seed, pairings, people, days)
    pr = make_pairings(seed, pairings, people, plans)
    people_table.columns["max_mentees"] = people.max_mentees.tolist()
    careers = build_careers(seed, people_table, people, pr, plans, TODAY)
    pr.health[careers.ended_by_departure] = OTHER
    pr.stall_kind[careers.ended_by_departure] = -1
    pairing_table = pairings_table(pr, people, plans, days)
    milestone_table = make_milestones(seed, pr, days)
    checkin_table, checkins = make_checkins(seed, pr, days)
    feedback_table = make_feedback(seed, pr, checkins, people, plans, days)
    flag_table = make_flags(seed, pr, people, days)
    return Staged(
        days,
        people_table,
        people,
        cohort_table,
        plans,
        pr,
        careers,
        pairing_table,
        milestone_table,
        checkin_table,
        checkins,
        feedback_table,
        flag_table,
    )


def rows(table: Table) -> list[dict[str, object]]:
    return table.rows(0, len(table))

"""Demo sign-ups: who joined each cohort, and a next cohort signed up but not yet matched.

Every person of a demo pairing signed up for its cohort (as mentor or mentee;
in reciprocal and peer cohorts as ``either``).  A new executive cohort starts
six weeks after ``today``: mentees at levels 2–5 and mentors at levels 5–8
with capacity, none of them paired in it yet, so the Matching page and
``python -m tandem match`` have a cohort to match.  Colleagues kept for the
impact comparison (people who take part in nothing) never sign up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from tandem.program.demo.story import Story
from tandem.program.demo.tables import Table

#: Days from ``today`` to the next cohort's start.
NEXT_START_DAYS = 42
SHARED_ROLE_TYPES = ("reciprocal", "peer")


def _table(story: Story, name: str) -> Table:
    return next(t for t in story.tables if t.name == name)


def add_sign_ups(story: Story, seed: int, today: dt.date) -> str:
    """Add the participants table and the next cohort to ``story``; returns that cohort's id."""
    rng = np.random.default_rng([seed, 17])
    people, cohorts, pairings = (_table(story, n) for n in ("people", "cohorts", "pairings"))
    types = dict(zip(cohorts.columns["cohort_id"], cohorts.columns["program_type"], strict=True))
    starts = dict(zip(cohorts.columns["cohort_id"], cohorts.columns["start_date"], strict=True))
    roles: dict[tuple[str, str], str] = {}
    joined: dict[tuple[str, str], dt.date] = {}
    for cohort, mentor, mentee in zip(
        pairings.columns["cohort_id"],
        pairings.columns["mentor_id"],
        pairings.columns["mentee_id"],
        strict=True,
    ):
        if cohort is None:
            continue
        shared = types.get(cohort) in SHARED_ROLE_TYPES
        for person, role in ((mentor, "mentor"), (mentee, "mentee")):
            key = (cohort, person)
            before = roles.get(key)
            roles[key] = "either" if shared or (before and before != role) else role
            joined[key] = starts[cohort] - dt.timedelta(days=int(rng.integers(14, 60)))

    next_id = _add_next_cohort(cohorts, today)
    busy = {p for _c, p in roles} | set(story.cases.comparison_person_ids)
    level = np.array(people.columns["level"])
    capacity = np.array([m or 0 for m in people.columns["max_mentees"]])
    ids = people.columns["person_id"]
    free = np.array([pid not in busy for pid in ids])
    n_mentees = int(np.clip(len(pairings) // 8, 12, 150))
    mentees = _draw(rng, np.flatnonzero(free & (level >= 2) & (level <= 5)), n_mentees)
    chosen = set(mentees.tolist())
    pool = np.flatnonzero((level >= 5) & (capacity > 0))
    pool = np.array([i for i in pool.tolist() if i not in chosen], dtype=np.int64)
    mentors = _draw(rng, pool, max(6, n_mentees // 2))
    start = today + dt.timedelta(days=NEXT_START_DAYS)
    for index, role in [(i, "mentee") for i in mentees] + [(i, "mentor") for i in mentors]:
        key = (next_id, ids[int(index)])
        roles[key] = role
        joined[key] = start - dt.timedelta(days=int(rng.integers(7, 40)))

    keys = sorted(roles)
    columns: dict[str, list[Any]] = {
        "cohort_id": [c for c, _p in keys],
        "person_id": [p for _c, p in keys],
        "role": [roles[k] for k in keys],
        "joined_on": [joined[k] for k in keys],
    }
    story.tables.append(Table("participants", columns))
    return next_id


def _draw(rng: np.random.Generator, pool: np.ndarray, count: int) -> np.ndarray:
    if len(pool) == 0:
        return pool
    return np.sort(rng.choice(pool, size=min(count, len(pool)), replace=False))


def _add_next_cohort(cohorts: Table, today: dt.date) -> str:
    start = today + dt.timedelta(days=NEXT_START_DAYS)
    cohort_id = f"exec-next-{start.year}"
    columns = cohorts.columns
    columns["cohort_id"].append(cohort_id)
    columns["name"].append(f"Executive Pairings {start.year}: next wave")
    columns["program_type"].append("executive")
    columns["start_date"].append(start)
    columns["end_date"].append(start + dt.timedelta(days=365))
    sponsor = columns["sponsor_id"][0] if columns["sponsor_id"] else None
    columns["sponsor_id"].append(sponsor)
    return cohort_id

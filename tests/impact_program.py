"""A small program with careers, shared by the impact tests of the core and the app.

Two cohorts (``c-a`` from 2024-03-01, ``c-b`` from 2025-01-15), a pairing
without a cohort, and colleagues who took no part; everyone has a ``hired``
event, some are promoted, some leave.  Mentees of ``c-a`` are promoted more
often (``boost``); the people row holds the level *after* every promotion, as
an HR extract would.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import Engine

from tandem.program.bulk import upsert
from tandem.program.models import CareerEvent, Cohort, Pairing, Person
from tests.factories import person

AS_OF = dt.date(2026, 6, 1)
COHORT_A = dt.date(2024, 3, 1)
COHORT_B = dt.date(2025, 1, 15)


def _pairing(pairing_id: str, cohort: str | None, mentor: str, mentee: str, start: dt.date):
    return {
        "pairing_id": pairing_id,
        "cohort_id": cohort,
        "mentor_id": mentor,
        "mentee_id": mentee,
        "kind": "traditional",
        "status": "active",
        "start_date": start,
        "planned_end_date": start + dt.timedelta(days=270),
        "ended_date": None,
        "cadence_days": 30,
        "objective": None,
    }


def career_program(engine: Engine, *, boost: float = 0.5, events: bool = True) -> None:
    rng = np.random.default_rng(11)
    n = 220
    ids = [f"e{i:03d}" for i in range(1, n + 1)]
    level = rng.integers(2, 7, n)
    level[0:15] = rng.integers(2, 4, 15)  # c-a mentees
    level[15:30] = rng.integers(5, 7, 15)  # c-a mentors
    division = rng.choice(["Wealth", "Risk"], n)
    tenure = rng.integers(1, 9, n).astype(float)
    pairings = [
        _pairing(f"pa{i:02d}", "c-a", ids[15 + i], ids[i], COHORT_A + dt.timedelta(days=i))
        for i in range(15)
    ]
    pairings += [
        _pairing(f"pb{i:02d}", "c-b", ids[40 + i], ids[30 + i], COHORT_B + dt.timedelta(days=i))
        for i in range(10)
    ]
    pairings.append(_pairing("px", None, ids[50], ids[51], dt.date(2024, 5, 1)))
    rows: list[dict[str, object]] = []
    final_level = level.copy()
    for i, pid in enumerate(ids):
        hired = AS_OF - dt.timedelta(days=int(tenure[i] * 365.25))
        rows.append(_event(f"{pid}-h", pid, hired, "hired"))
        chance = 0.2 + (boost if i < 15 else 0.0)
        if rng.random() < chance and level[i] < 8:
            when = COHORT_A + dt.timedelta(days=int(rng.integers(20, 330)))
            final_level[i] = level[i] + 1
            rows.append(_event(f"{pid}-p", pid, when, "promoted", new_level=int(final_level[i])))
        if rng.random() < 0.12:
            when = COHORT_A + dt.timedelta(days=int(rng.integers(20, 700)))
            rows.append(_event(f"{pid}-l", pid, when, "left", voluntary=True))
    # The extract's last day: a new joiner, so the data reach AS_OF.
    ids.append("n001")
    final_level = np.append(final_level, 2)
    division = np.append(division, "Risk")
    tenure = np.append(tenure, 0.0)
    rows.append(_event("n001-h", "n001", AS_OF, "hired"))
    people = [
        person(
            pid,
            f"Person {pid}",
            int(final_level[i]),
            division=str(division[i]),
            tenure_years=float(tenure[i]),
        )
        for i, pid in enumerate(ids)
    ]
    cohorts = [
        {
            "cohort_id": cid,
            "name": name,
            "program_type": "executive",
            "start_date": start,
            "end_date": None,
            "sponsor_id": None,
        }
        for cid, name, start in (
            ("c-a", "Leaders 2024", COHORT_A),
            ("c-b", "Leaders 2025", COHORT_B),
        )
    ]
    with engine.begin() as connection:
        upsert(connection, Person.__table__, people)  # type: ignore[arg-type]
        upsert(connection, Cohort.__table__, cohorts)  # type: ignore[arg-type]
        upsert(connection, Pairing.__table__, pairings)  # type: ignore[arg-type]
        if events:
            upsert(connection, CareerEvent.__table__, rows)  # type: ignore[arg-type]


def _event(
    event_id: str,
    person_id: str,
    date: dt.date,
    kind: str,
    *,
    new_level: int | None = None,
    voluntary: bool | None = None,
) -> dict[str, object]:
    return {
        "event_id": event_id,
        "person_id": person_id,
        "date": date,
        "kind": kind,
        "new_level": new_level,
        "voluntary": voluntary,
    }


KINDS_START = dt.date(2024, 3, 1)


def breakdown_program(engine: Engine, *, boost: float = 0.45) -> None:
    """One cohort (``c-k``, "Kinds 2024") whose effect is planted in one pairing kind only.

    80 ``traditional`` mentees are promoted more often (``boost``), 80 ``reverse``
    mentees exactly as often as the 700 colleagues who took no part, and 4
    ``peer`` mentees are too few to show.  Mentees' groups: "Alpha" and "Beta"
    (enough to name), and 3 in "Tiny" (too few: pooled, unnamed).
    """
    rng = np.random.default_rng(5)
    kinds = ["traditional"] * 80 + ["reverse"] * 80 + ["peer"] * 4
    mentees = [f"k{i:03d}" for i in range(len(kinds))]
    mentors = [f"m{i:03d}" for i in range(len(kinds))]
    colleagues = [f"c{i:03d}" for i in range(700)]
    ids = mentees + mentors + colleagues
    n = len(ids)
    level = rng.integers(2, 6, n)
    division = rng.choice(["Wealth", "Risk"], n)
    tenure = rng.integers(1, 9, n).astype(float)
    groups: list[str | None] = [("Alpha", "Beta")[i % 2] for i in range(len(mentees))]
    for i in (0, 81, 120):
        groups[i] = "Tiny"
    groups += [None] * len(mentors) + list(rng.choice(["Alpha", "Beta", ""], len(colleagues)))
    pairings = [
        {**_pairing(f"pk{i:03d}", "c-k", mentors[i], mentees[i], KINDS_START), "kind": kind}
        for i, kind in enumerate(kinds)
    ]
    rows: list[dict[str, object]] = []
    final_level = level.copy()
    for i, pid in enumerate(ids):
        hired = AS_OF - dt.timedelta(days=int(tenure[i] * 365.25))
        rows.append(_event(f"{pid}-h", pid, hired, "hired"))
        chance = 0.2 + (boost if i < len(kinds) and kinds[i] == "traditional" else 0.0)
        if rng.random() < chance:
            when = KINDS_START + dt.timedelta(days=int(rng.integers(20, 330)))
            final_level[i] = level[i] + 1
            rows.append(_event(f"{pid}-p", pid, when, "promoted", new_level=int(final_level[i])))
        if rng.random() < 0.1:
            when = KINDS_START + dt.timedelta(days=int(rng.integers(20, 700)))
            rows.append(_event(f"{pid}-l", pid, when, "left", voluntary=True))
    rows.append(_event("n001-h", "n001", AS_OF, "hired"))
    people = [
        person(
            pid,
            f"Person {pid}",
            int(final_level[i]),
            division=str(division[i]),
            tenure_years=float(tenure[i]),
            group_name=groups[i] or None,
        )
        for i, pid in enumerate(ids)
    ]
    people.append(person("n001", "New joiner", 2, tenure_years=0.0))
    cohort = {
        "cohort_id": "c-k",
        "name": "Kinds 2024",
        "program_type": "executive",
        "start_date": KINDS_START,
        "end_date": None,
        "sponsor_id": None,
    }
    with engine.begin() as connection:
        upsert(connection, Person.__table__, people)  # type: ignore[arg-type]
        upsert(connection, Cohort.__table__, [cohort])  # type: ignore[arg-type]
        upsert(connection, Pairing.__table__, pairings)  # type: ignore[arg-type]
        upsert(connection, CareerEvent.__table__, rows)  # type: ignore[arg-type]

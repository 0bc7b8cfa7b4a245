"""Tiny hand-built programs for tests that need known rows (not the demo)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from tandem.program.bulk import upsert
from tandem.program.models import CheckIn, Cohort, Feedback, Milestone, Pairing, Person

TODAY = dt.date(2026, 6, 1)


def person(person_id: str, name: str, level: int, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "person_id": person_id,
        "name": name,
        "email": f"{person_id}@example.com",
        "title": None,
        "level": level,
        "division": "Technology",
        "function": None,
        "geography": "UK",
        "manager_id": None,
        "tenure_years": 3.0,
        "strengths": None,
        "development_goals": None,
        "learning_style": None,
        "monthly_hours": 4.0,
        "max_mentees": 2,
        "group_name": None,
    }
    row.update(extra)
    return row


def small_program(engine: Engine) -> None:
    """Four people, one cohort, two pairings, a few check-ins, milestones and notes."""
    people = [
        person("p1", "Zoë Ångström", 6, division="Wealth"),
        person("p2", "José Nuñez", 3),
        person("p3", "Nguyễn Thị Hoa", 2, geography="Singapore"),
        person("p4", "Smith, Alex", 5, division="Risk"),
    ]
    cohorts = [
        {
            "cohort_id": "c1",
            "name": "Executive Pairings 2026",
            "program_type": "executive",
            "start_date": dt.date(2026, 1, 10),
            "end_date": None,
            "sponsor_id": "p1",
        }
    ]
    pairings = [
        {
            "pairing_id": "x1",
            "cohort_id": "c1",
            "mentor_id": "p1",
            "mentee_id": "p2",
            "kind": "traditional",
            "status": "active",
            "start_date": dt.date(2026, 1, 15),
            "planned_end_date": None,
            "ended_date": None,
            "cadence_days": 30,
            "objective": "Present the strategic plan to the executive team.",
        },
        {
            "pairing_id": "x2",
            "cohort_id": "c1",
            "mentor_id": "p3",
            "mentee_id": "p4",
            "kind": "reverse",
            "status": "active",
            "start_date": dt.date(2026, 2, 1),
            "planned_end_date": None,
            "ended_date": None,
            "cadence_days": 14,
            "objective": None,
        },
    ]
    milestones = [
        {
            "milestone_id": "m1",
            "pairing_id": "x1",
            "title": "Draft the plan",
            "success_criteria": "Reviewed by the CFO",
            "due_date": dt.date(2026, 3, 1),
            "completed_date": dt.date(2026, 2, 25),
            "status": None,
        },
        {
            "milestone_id": "m2",
            "pairing_id": "x1",
            "title": "Present it",
            "success_criteria": None,
            "due_date": dt.date(2026, 5, 1),
            "completed_date": None,
            "status": None,
        },
    ]
    checkins = [
        {
            "checkin_id": f"k{i}",
            "pairing_id": "x1",
            "date": dt.date(2026, 1, 20) + dt.timedelta(days=30 * i),
            "duration_minutes": 60,
            "submitted_by": "both",
            "clarity": 3 + i // 2,
            "confidence": 3,
            "influence": 2 + i // 2,
            "safety": 4,
            "mentor_learning": 2,
        }
        for i in range(4)
    ]
    feedback = [
        {
            "feedback_id": "f1",
            "pairing_id": "x1",
            "cohort_id": "c1",
            "date": dt.date(2026, 3, 2),
            "source": "checkin_note",
            "author_role": "mentee",
            "visibility": "shareable",
            "text": "José finally felt ready to take the plan to the board.",
            "coded_theme": None,
        },
        {
            "feedback_id": "f2",
            "pairing_id": "x2",
            "cohort_id": "c1",
            "date": dt.date(2026, 3, 5),
            "source": "journal",
            "author_role": "mentor",
            "visibility": "private",
            "text": "<script>alert('x')</script> We keep cancelling.",
            "coded_theme": None,
        },
    ]
    with engine.begin() as connection:
        upsert(connection, Person.__table__, people)  # type: ignore[arg-type]
        upsert(connection, Cohort.__table__, cohorts)  # type: ignore[arg-type]
        upsert(connection, Pairing.__table__, pairings)  # type: ignore[arg-type]
        upsert(connection, Milestone.__table__, milestones)  # type: ignore[arg-type]
        upsert(connection, CheckIn.__table__, checkins)  # type: ignore[arg-type]
        upsert(connection, Feedback.__table__, feedback)  # type: ignore[arg-type]


def grid_program(engine: Engine, seed: int = 3) -> dict[str, list[dict[str, object]]]:
    """A random but reproducible program of ~40 pairings, returned as the rows inserted.

    Tests recompute expected aggregates from these rows in plain Python, an
    independent route to the numbers the SQL must produce.
    """
    import random

    rng = random.Random(seed)
    divisions = ["Wealth", "Technology", "Risk"]
    geographies = ["UK", "Singapore"]
    people = [
        person(
            f"g{i:03d}",
            f"Person {i}",
            rng.randint(1, 8),
            division=rng.choice(divisions),
            geography=rng.choice(geographies),
        )
        for i in range(60)
    ]
    cohorts = [
        {
            "cohort_id": f"gc{i}",
            "name": f"Wave {i}",
            "program_type": "executive",
            "start_date": dt.date(2025, 1, 1),
            "end_date": None,
            "sponsor_id": None,
        }
        for i in range(2)
    ]
    pairings, milestones, checkins = [], [], []
    for i in range(40):
        mentor, mentee = rng.sample(people, 2)
        pairing_id = f"gp{i:03d}"
        pairings.append(
            {
                "pairing_id": pairing_id,
                "cohort_id": rng.choice([*[c["cohort_id"] for c in cohorts], None]),
                "mentor_id": mentor["person_id"],
                "mentee_id": mentee["person_id"],
                "kind": rng.choice(["traditional", "traditional", "reverse", "reciprocal"]),
                "status": rng.choice(["active", "active", "active", "completed", "ended"]),
                "start_date": dt.date(2025, 6, 1) + dt.timedelta(days=rng.randint(0, 200)),
                "planned_end_date": None,
                "ended_date": None,
                "cadence_days": rng.choice([14, 30]),
                "objective": None,
            }
        )
        for j in range(rng.randint(0, 4)):
            due = TODAY + dt.timedelta(days=rng.randint(-200, 120))
            completed = (
                due + dt.timedelta(days=rng.randint(-20, 20)) if rng.random() < 0.5 else None
            )
            if completed is not None and completed > TODAY:
                completed = None
            milestones.append(
                {
                    "milestone_id": f"{pairing_id}-m{j}",
                    "pairing_id": pairing_id,
                    "title": f"Step {j}",
                    "success_criteria": None,
                    "due_date": due,
                    "completed_date": completed,
                    "status": rng.choice([None, None, "missed", "in_progress"])
                    if completed is None
                    else None,
                }
            )
        for k in range(rng.randint(0, 6)):
            checkins.append(
                {
                    "checkin_id": f"{pairing_id}-k{k}",
                    "pairing_id": pairing_id,
                    "date": dt.date(2025, 7, 1) + dt.timedelta(days=20 * k),
                    "duration_minutes": 45,
                    "submitted_by": "both",
                    "clarity": rng.choice([None, 1, 2, 3, 4, 5]),
                    "confidence": rng.randint(1, 5),
                    "influence": rng.choice([None, 2, 3, 4]),
                    "safety": rng.randint(1, 5),
                    "mentor_learning": rng.randint(1, 5),
                }
            )
    rows = {
        "people": people,
        "cohorts": cohorts,
        "pairings": pairings,
        "milestones": milestones,
        "checkins": checkins,
    }
    with engine.begin() as connection:
        upsert(connection, Person.__table__, people)  # type: ignore[arg-type]
        upsert(connection, Cohort.__table__, cohorts)  # type: ignore[arg-type]
        upsert(connection, Pairing.__table__, pairings)  # type: ignore[arg-type]
        upsert(connection, Milestone.__table__, milestones)  # type: ignore[arg-type]
        upsert(connection, CheckIn.__table__, checkins)  # type: ignore[arg-type]
    return rows

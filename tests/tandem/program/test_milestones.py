"""Milestone status: the Python rules, hand-checked, and the SQL CASE agreeing with them."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import Engine, select

from tandem.program.bulk import upsert
from tandem.program.milestones import (
    DONE_LATE,
    DONE_ON_TIME,
    DUE_SOON,
    IN_PROGRESS,
    MISSED,
    OVERDUE,
    PLANNED,
    milestone_status,
    milestone_status_expr,
)
from tandem.program.models import Milestone, Pairing, Person

TODAY = dt.date(2025, 6, 15)
D = dt.timedelta


@pytest.mark.parametrize(
    ("due", "completed", "status", "expected"),
    [
        # completion date decides done, on time or late
        (dt.date(2025, 6, 1), dt.date(2025, 6, 1), None, DONE_ON_TIME),
        (dt.date(2025, 6, 1), dt.date(2025, 5, 20), "planned", DONE_ON_TIME),
        (dt.date(2025, 6, 1), dt.date(2025, 6, 2), None, DONE_LATE),
        (dt.date(2025, 6, 1), dt.date(2025, 6, 10), "missed", DONE_LATE),
        # done without a date: on time
        (dt.date(2025, 5, 1), None, "done", DONE_ON_TIME),
        (dt.date(2025, 5, 1), None, "missed", MISSED),
        (dt.date(2025, 9, 1), None, "missed", MISSED),
        # not done: overdue strictly before today, due today is due soon
        (dt.date(2025, 6, 14), None, None, OVERDUE),
        (dt.date(2025, 6, 14), None, "in_progress", OVERDUE),
        (dt.date(2025, 6, 15), None, None, DUE_SOON),
        (dt.date(2025, 7, 15), None, "planned", DUE_SOON),  # today + 30
        (dt.date(2025, 7, 16), None, "in_progress", IN_PROGRESS),  # today + 31
        (dt.date(2025, 7, 16), None, None, PLANNED),
        (dt.date(2026, 1, 1), None, "planned", PLANNED),
    ],
)
def test_milestone_status_hand_computed(
    due: dt.date, completed: dt.date | None, status: str | None, expected: str
) -> None:
    assert milestone_status(due, completed, status, TODAY) == expected


def _seed_pairing(engine: Engine) -> None:
    with engine.begin() as connection:
        upsert(
            connection,
            Person.__table__,
            [
                {
                    "person_id": p,
                    "name": p,
                    "level": 3,
                    "division": "X",
                    "geography": "EU",
                    "max_mentees": 2,
                }
                for p in ("a", "b")
            ],
        )
        upsert(
            connection,
            Pairing.__table__,
            [
                {
                    "pairing_id": "p1",
                    "mentor_id": "a",
                    "mentee_id": "b",
                    "status": "active",
                    "start_date": dt.date(2025, 1, 1),
                    "kind": "traditional",
                    "cadence_days": 30,
                }
            ],
        )


def test_sql_expression_agrees_with_python_on_a_grid(engine: Engine) -> None:
    _seed_pairing(engine)
    due_offsets = (-40, -1, 0, 1, 29, 30, 31, 90)
    completed_offsets = (None, -50, -1, 0, 1, 5)  # relative to the due date
    statuses = (None, "planned", "in_progress", "done", "missed")
    rows = []
    for number, (due_off, done_off, status) in enumerate(
        itertools.product(due_offsets, completed_offsets, statuses)
    ):
        due = TODAY + D(days=due_off)
        rows.append(
            {
                "milestone_id": f"m{number}",
                "pairing_id": "p1",
                "title": "t",
                "due_date": due,
                "completed_date": None if done_off is None else due + D(days=done_off),
                "status": status,
            }
        )
    with engine.begin() as connection:
        upsert(connection, Milestone.__table__, rows)
        got = dict(
            connection.execute(
                select(Milestone.milestone_id, milestone_status_expr(TODAY).label("s"))
            ).all()
        )
    expected = {
        row["milestone_id"]: milestone_status(
            row["due_date"], row["completed_date"], row["status"], TODAY
        )
        for row in rows
    }
    assert got == expected
    # the grid covers every effective status
    assert set(expected.values()) == {
        DONE_ON_TIME,
        DONE_LATE,
        MISSED,
        OVERDUE,
        DUE_SOON,
        IN_PROGRESS,
        PLANNED,
    }

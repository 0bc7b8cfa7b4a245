"""The pilot cohort of the matching tests: a mentee's own manager among the mentors, a full
mentor, one with no capacity, and an old pairing that fills the full one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from tandem.program.bulk import upsert
from tandem.program.schema import metadata
from tests.factories import person

TABLES = metadata.tables


def load_pilot(engine: Engine) -> None:
    """A mentee's own manager among the mentors, a full mentor and one with no capacity."""
    people = [
        person("boss", "Boss", 6, max_mentees=2),
        person("full", "Full", 6, max_mentees=1, division="Risk"),
        person("zero", "Zero", 6, max_mentees=0, division="Risk"),
        person("kid", "Kid", 3, manager_id="boss"),
        person("other", "Other", 3, division="Risk"),
        person("someone", "Someone", 2),
    ]
    with engine.begin() as connection:
        upsert(connection, TABLES["people"], people)
        upsert(
            connection,
            TABLES["cohorts"],
            [
                {
                    "cohort_id": "pilot",
                    "name": "Pilot",
                    "program_type": "executive",
                    "start_date": dt.date(2026, 1, 5),
                    "end_date": None,
                    "sponsor_id": None,
                }
            ],
        )
        upsert(
            connection,
            TABLES["pairings"],
            [
                {
                    "pairing_id": "busy",
                    "cohort_id": None,
                    "mentor_id": "full",
                    "mentee_id": "someone",
                    "kind": "traditional",
                    "status": "active",
                    "start_date": dt.date(2025, 1, 1),
                    "planned_end_date": None,
                    "ended_date": None,
                    "cadence_days": 30,
                    "objective": None,
                    "version": 1,
                }
            ],
        )
        upsert(
            connection,
            TABLES["participants"],
            [
                {"cohort_id": "pilot", "person_id": p, "role": r, "joined_on": None}
                for p, r in (
                    ("boss", "mentor"),
                    ("full", "mentor"),
                    ("zero", "mentor"),
                    ("kid", "mentee"),
                    ("other", "mentee"),
                )
            ],
        )

"""Headline numbers for the Overview page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, case, func, select

from tandem.models import CheckIn, Cohort, Feedback, Milestone, Pairing, Person


@dataclass(frozen=True)
class ProgramTotals:
    people: int
    cohorts: int
    pairings: int
    active_pairings: int
    checkins_last_90_days: int
    milestones: int
    milestones_done: int
    feedback_notes: int

    @property
    def is_empty(self) -> bool:
        return self.people == 0 and self.pairings == 0


def program_totals(engine: Engine, today: dt.date | None = None) -> ProgramTotals:
    """Counts across the whole program, one round trip per table."""
    today = today or dt.date.today()
    since = today - dt.timedelta(days=90)
    done = (Milestone.completed_date.is_not(None)) | (Milestone.status == "done")
    with engine.connect() as connection:

        def scalar(statement: object) -> int:
            return int(connection.execute(statement).scalar_one() or 0)  # type: ignore[call-overload]

        return ProgramTotals(
            people=scalar(select(func.count()).select_from(Person)),
            cohorts=scalar(select(func.count()).select_from(Cohort)),
            pairings=scalar(select(func.count()).select_from(Pairing)),
            active_pairings=scalar(
                select(func.count()).select_from(Pairing).where(Pairing.status == "active")
            ),
            checkins_last_90_days=scalar(
                select(func.count()).select_from(CheckIn).where(CheckIn.date >= since)
            ),
            milestones=scalar(select(func.count()).select_from(Milestone)),
            milestones_done=scalar(select(func.count()).select_from(Milestone).where(done)),
            feedback_notes=scalar(select(func.count()).select_from(Feedback)),
        )


def pairings_by_status(engine: Engine) -> list[tuple[str, int]]:
    """(status, count) for every status present, most common first."""
    statement = (
        select(Pairing.status, func.count())
        .group_by(Pairing.status)
        .order_by(func.count().desc(), Pairing.status)
    )
    with engine.connect() as connection:
        return [(status, int(count)) for status, count in connection.execute(statement)]


def pairings_by_cohort(engine: Engine) -> list[tuple[str, str, int, int]]:
    """(cohort name, program type, pairings, active pairings) per cohort."""
    active = func.sum(case((Pairing.status == "active", 1), else_=0))
    statement = (
        select(
            Cohort.name,
            Cohort.program_type,
            func.count(Pairing.pairing_id),
            func.coalesce(active, 0),
        )
        .select_from(Cohort)
        .outerjoin(Pairing, Pairing.cohort_id == Cohort.cohort_id)
        .group_by(Cohort.cohort_id, Cohort.name, Cohort.program_type)
        .order_by(Cohort.start_date.desc(), Cohort.name)
    )
    with engine.connect() as connection:
        return [(n, t, int(c), int(a)) for n, t, c, a in connection.execute(statement)]

"""Headline numbers for the Overview page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, case, func, or_, select, true, union

from tandem.access.scope import Scope
from tandem.program.models import CheckIn, Cohort, Feedback, Milestone, Pairing, Person


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


def program_totals(engine: Engine, scope: Scope, today: dt.date | None = None) -> ProgramTotals:
    """Counts across the program as far as ``scope`` reaches, one round trip per table.

    A lead limited to some cohorts counts their cohorts, the pairings in them,
    the people taking part in those pairings, and their check-ins, milestones
    and notes (program-level notes of those cohorts included).
    """
    today = today or dt.date.today()
    since = today - dt.timedelta(days=90)
    done = (Milestone.completed_date.is_not(None)) | (Milestone.status == "done")
    in_scope = select(Pairing.pairing_id).where(scope.pairing_condition())

    def of_pairings_in_scope(column: Any) -> Any:
        # Unscoped: no condition at all (a per-row IN would cost on 50,000 pairings).
        return column.in_(in_scope) if scope.limited else true()

    if scope.limited:
        people = select(func.count()).select_from(
            union(
                select(Pairing.mentor_id.label("person_id")).where(scope.pairing_condition()),
                select(Pairing.mentee_id.label("person_id")).where(scope.pairing_condition()),
            ).subquery()
        )
        notes = or_(
            Feedback.pairing_id.in_(in_scope),
            Feedback.pairing_id.is_(None) & scope.cohort_condition(Feedback.cohort_id),
        )
    else:
        people = select(func.count()).select_from(Person)
        notes = true()
    pairing_rows = scope.pairing_condition()
    with engine.connect() as connection:

        def scalar(statement: object) -> int:
            return int(connection.execute(statement).scalar_one() or 0)  # type: ignore[call-overload]

        def count(model: object, *where: object) -> int:
            statement = select(func.count()).select_from(model)  # type: ignore[arg-type]
            return scalar(statement.where(*where))  # type: ignore[arg-type]

        checkins_in_scope = of_pairings_in_scope(CheckIn.pairing_id)
        milestones_in_scope = of_pairings_in_scope(Milestone.pairing_id)
        return ProgramTotals(
            people=scalar(people),
            cohorts=count(Cohort, scope.cohort_condition(Cohort.cohort_id)),
            pairings=count(Pairing, pairing_rows),
            active_pairings=count(Pairing, pairing_rows, Pairing.status == "active"),
            checkins_last_90_days=count(CheckIn, CheckIn.date >= since, checkins_in_scope),
            milestones=count(Milestone, milestones_in_scope),
            milestones_done=count(Milestone, done, milestones_in_scope),
            feedback_notes=count(Feedback, notes),
        )


def pairings_by_cohort(engine: Engine, scope: Scope) -> list[tuple[str, str, int, int]]:
    """(cohort name, program type, pairings, active pairings) per cohort in ``scope``."""
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
        .where(scope.cohort_condition(Cohort.cohort_id))
        .group_by(Cohort.cohort_id, Cohort.name, Cohort.program_type)
        .order_by(Cohort.start_date.desc(), Cohort.name)
    )
    with engine.connect() as connection:
        return [(n, t, int(c), int(a)) for n, t, c, a in connection.execute(statement)]

"""One definition of each pairing count every page, download and briefing shows.

- **Running**: the pair meets, or has agreed a break — a status in
  ``RUNNING_STATUSES`` (active or paused), started by the day asked.  On a
  past day, a pairing that has since closed counts when it closed after that
  day.  This is "how many pairings does the program have going".
- **Active**: running and not paused (``status`` active).  Shown next to
  running ("of which N paused"), never instead of it.
- **Stalled** and **at risk**: the verdicts of the last health refresh
  (``tandem.health``: stall rules; at risk is health below ``at_risk_below``
  and not stalled), as the Stalled pairings queue counts them.  The two never
  overlap: a stalled pairing's health is capped inside the at-risk band.
- **Need a lead**: stalled or at risk (each pairing once).

Every function takes the viewer's ``Filters`` (their scope inside) and counts
in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, case, func, or_, select

from tandem.access.filters import Filters
from tandem.program import rollups
from tandem.program.derived_tables import PairingHealth, PairingHealthHistory
from tandem.program.models import CLOSED_STATUSES, RUNNING_STATUSES, Pairing


def running_on(day: dt.date) -> ColumnElement[bool]:
    """A condition on ``pairings``: the pairing was running on ``day``."""
    return and_(
        Pairing.start_date <= day,
        or_(
            Pairing.status.in_(RUNNING_STATUSES),
            and_(Pairing.status.in_(CLOSED_STATUSES), Pairing.ended_date > day),
        ),
    )


def active_on(day: dt.date) -> ColumnElement[bool]:
    """A condition on ``pairings``: running on ``day`` and not paused (today's status)."""
    return and_(running_on(day), Pairing.status != "paused")


def _sum(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class PairingCounts:
    """The pairings under some filters, counted once each way."""

    pairings: int
    running: int
    active: int
    stalled: int
    at_risk: int
    need_a_lead: int

    @property
    def paused(self) -> int:
        return self.running - self.active


def pairing_counts(engine: Engine, filters: Filters, today: dt.date) -> PairingCounts:
    """Every count of this module for the pairings ``filters`` select, in one query."""
    statement = (
        select(
            func.count(),
            _sum(running_on(today)),
            _sum(active_on(today)),
            _sum(PairingHealth.stalled.is_(True)),
            _sum(PairingHealth.at_risk.is_(True)),
            _sum(or_(PairingHealth.stalled.is_(True), PairingHealth.at_risk.is_(True))),
        )
        .select_from(Pairing)
        .outerjoin(PairingHealth, PairingHealth.pairing_id == Pairing.pairing_id)
        .where(filters.clause())
    )
    with engine.connect() as connection:
        row = connection.execute(statement).one()
    return PairingCounts(*(int(value or 0) for value in row))


@dataclass(frozen=True)
class Verdicts:
    """Stalled and at-risk pairings at one stored month end of the health trend."""

    month_end: dt.date
    stalled: int
    at_risk: int


def verdicts_before(engine: Engine, filters: Filters, day: dt.date) -> Verdicts | None:
    """The stored month-end snapshot nearest before or on ``day`` (None: none stored).

    The snapshots are the ones the Stalled pairings trend draws; before the
    first health refresh, or after an import, there are none to compare with.
    """
    history = PairingHealthHistory
    with engine.connect() as connection:
        if not rollups.is_current(connection, rollups.HEALTH_HISTORY):
            return None
        month_end = connection.execute(
            select(func.max(history.month_end)).where(history.month_end <= day)
        ).scalar_one()
        if month_end is None:
            return None
        stalled, at_risk = connection.execute(
            select(_sum(history.stalled.is_(True)), _sum(history.at_risk.is_(True)))
            .select_from(history)
            .join(Pairing, Pairing.pairing_id == history.pairing_id)
            .where(history.month_end == month_end, filters.clause())
        ).one()
    if isinstance(month_end, str):  # SQLite may hand back text
        month_end = dt.date.fromisoformat(month_end[:10])
    return Verdicts(month_end, int(stalled or 0), int(at_risk or 0))

"""Headline metrics for a period, each with its value in the period before."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, literal, select

from tandem.access.filters import Filters
from tandem.portfolio.counts import running_on
from tandem.portfolio.pairing_stats import mean_rating_expr
from tandem.program import rollups
from tandem.program.derived_tables import ActivityDays
from tandem.program.milestones import DONE_STATUSES, milestone_status_expr
from tandem.program.models import CheckIn, Milestone, Pairing
from tandem.program.words import date_range_text

DEFAULT_PERIOD_DAYS = 90


@dataclass(frozen=True)
class Headline:
    label: str
    value: float | None
    previous: float | None
    help: str
    is_share: bool = False
    # Places after the point, for the value and its change: ratings 2, counts 0.
    decimals: int = 0

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def shown(self) -> str:
        """The value as every screen and briefing prints it ("–" when unknown)."""
        return "–" if self.value is None else f"{self.value:,.{self.decimals}f}"

    @property
    def change_shown(self) -> str | None:
        """The signed change against the previous period; None when none or zero."""
        change = self.change
        if change is None or math.isclose(change, 0.0):
            return None
        return f"{change:+,.{self.decimals}f}"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def previous(self) -> Period:
        length = self.end - self.start + dt.timedelta(days=1)
        return Period(self.start - length, self.start - dt.timedelta(days=1))

    def describe(self) -> str:
        # As a reader says a date ("9 Sep 2026"), the year always there.
        return date_range_text(self.start, self.end)


def period_for(filters: Filters, today: dt.date) -> Period:
    """The filters' date range, or the last 90 days up to today."""
    end = filters.date_to or today
    start = filters.date_from or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    return Period(start, end)


def _values(engine: Engine, filters: Filters, period: Period, today: dt.date) -> list[float | None]:
    # The date range defines the period here, not which pairings count.
    undated = replace(filters, date_from=None, date_to=None)
    scope = undated.clause()
    running = running_on(period.end)
    with engine.connect() as connection:
        active = connection.execute(
            select(func.count()).select_from(Pairing).where(scope, running)
        ).scalar_one()
        stored = _stored_activity(connection, undated, period)
        if stored is not None:
            meetings, rating, completed = stored
        else:
            meetings, rating, completed = _live_activity(connection, scope, period, today)
    return [
        float(active),
        float(meetings),
        float(completed),
        float(rating) if rating is not None else None,
    ]


def _live_activity(
    connection: Connection, scope: Any, period: Period, today: dt.date
) -> tuple[int, float | None, int]:
    """Meetings, their mean rating and milestones done in the period, from the source rows."""
    status = milestone_status_expr(today)
    meetings, rating = connection.execute(
        select(func.count(), func.avg(mean_rating_expr()))
        .select_from(CheckIn)
        .join(Pairing, Pairing.pairing_id == CheckIn.pairing_id)
        .where(scope, CheckIn.date.between(period.start, period.end))
    ).one()
    completed = connection.execute(
        select(func.count())
        .select_from(Milestone)
        .join(Pairing, Pairing.pairing_id == Milestone.pairing_id)
        .where(
            scope,
            status.in_(DONE_STATUSES),
            Milestone.completed_date.between(period.start, period.end),
        )
    ).scalar_one()
    return int(meetings), rating, int(completed)


def _stored_activity(
    connection: Connection, filters: Filters, period: Period
) -> tuple[int, float | None, int] | None:
    """The same three from ``activity_days``, when the filters select whole cohorts
    and the roll-up is current (else None)."""
    cohorts = filters.cohort_clause(ActivityDays.cohort_id)
    if cohorts is None or not rollups.is_current(connection, rollups.ACTIVITY_DAYS):
        return None
    meetings, rating_sum, rated, completed = connection.execute(
        select(
            func.coalesce(func.sum(ActivityDays.meetings), 0),
            func.sum(ActivityDays.rating_sum),
            func.coalesce(func.sum(ActivityDays.rated), 0),
            func.coalesce(func.sum(ActivityDays.milestones_done), 0),
        ).where(cohorts, ActivityDays.day.between(period.start, period.end))
    ).one()
    rating = float(rating_sum) / int(rated) if rated else None
    return int(meetings), rating, int(completed)


def refresh_activity_days(connection: Connection) -> int:
    """Store the check-ins (with their ratings) and the milestones done per cohort and
    day in ``activity_days`` and mark it current (inside the caller's transaction).

    Milestones done are those with a completion date: whatever the day, that is
    what ``milestone_status_expr`` calls done.  Returns the rows written.
    """
    connection.execute(delete(ActivityDays))
    rating: Any = mean_rating_expr()
    columns = ["cohort_id", "day", "meetings", "rating_sum", "rated", "milestones_done"]
    checkins = (
        select(
            Pairing.cohort_id,
            CheckIn.date,
            func.count(),
            func.coalesce(func.sum(rating), 0.0),
            func.count(rating),
            literal(0),
        )
        .join(Pairing, Pairing.pairing_id == CheckIn.pairing_id)
        .group_by(Pairing.cohort_id, CheckIn.date)
    )
    done = (
        select(
            Pairing.cohort_id,
            Milestone.completed_date,
            literal(0),
            literal(0.0),
            literal(0),
            func.count(),
        )
        .join(Pairing, Pairing.pairing_id == Milestone.pairing_id)
        .where(Milestone.completed_date.is_not(None))
        .group_by(Pairing.cohort_id, Milestone.completed_date)
    )
    for statement in (checkins, done):
        connection.execute(insert(ActivityDays).from_select(columns, statement))
    rollups.mark_current(connection, rollups.ACTIVITY_DAYS)
    return int(connection.execute(select(func.count()).select_from(ActivityDays)).scalar_one())


def headline_metrics(
    engine: Engine, filters: Filters, today: dt.date | None = None
) -> tuple[Period, list[Headline]]:
    """Running pairings, meetings held, milestones completed and mean rating, now vs before.

    "Running" is ``tandem.portfolio.counts.running_on`` at the period's last day,
    the count the Overview and the Stalled pairings page use too.
    """
    today = today or dt.date.today()
    period = period_for(filters, today)
    now = _values(engine, filters, period, today)
    before = _values(engine, filters, period.previous, today)
    helps = [
        "Pairings active or paused on the period's last day (not proposed, not yet ended).",
        "Check-ins held during the period.",
        "Milestones completed during the period.",
        "Mean of clarity, confidence, influence and safety at check-ins in the period.",
    ]
    labels = ["Running pairings", "Meetings held", "Milestones done", "Mean rating"]
    decimals = [0, 0, 0, 2]
    return period, [
        Headline(label, value, previous, help_text, decimals=places)
        for label, value, previous, help_text, places in zip(
            labels, now, before, helps, decimals, strict=True
        )
    ]

"""Headline metrics for a period, each with its value in the period before."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from sqlalchemy import Engine, func, select

from tandem.access.filters import Filters
from tandem.portfolio.counts import running_on
from tandem.portfolio.pairing_stats import mean_rating_expr
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
    scope = replace(filters, date_from=None, date_to=None).clause()
    running = running_on(period.end)
    in_period = CheckIn.date.between(period.start, period.end)
    status = milestone_status_expr(today)
    with engine.connect() as connection:
        active = connection.execute(
            select(func.count()).select_from(Pairing).where(scope, running)
        ).scalar_one()
        meetings, rating = connection.execute(
            select(func.count(), func.avg(mean_rating_expr()))
            .select_from(CheckIn)
            .join(Pairing, Pairing.pairing_id == CheckIn.pairing_id)
            .where(scope, in_period)
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
    return [
        float(active),
        float(meetings),
        float(completed),
        float(rating) if rating is not None else None,
    ]


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

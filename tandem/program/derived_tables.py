"""Derived results, written by explicit refreshes and read by pages.

Health verdicts, per-pairing roll-ups, the stall trend and the stored
rebalancing and impact reports: none is part of the bundle format, each is
recomputed from the data by a refresh and cleared when the data changes
(``tandem.program.rollups``).  The theme engine's results are in
``theme_tables``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.program.models import ID, Base, pairing_ref, utcnow


class PairingHealth(Base):
    """Health score, stall verdict and reasons of one pairing, as of a day."""

    __tablename__ = "pairing_health"

    pairing_id: Mapped[str] = pairing_ref(primary_key=True)
    health: Mapped[float | None] = mapped_column(Float)
    stalled: Mapped[bool] = mapped_column(Boolean, default=False)
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reasons in words, ';'-joined (the export's stall_reasons).
    reasons: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[dt.date] = mapped_column(Date)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        Index("ix_pairing_health_stalled", "stalled"),
        Index("ix_pairing_health_health", "health"),
    )


class PairingStats(Base):
    """Per-pairing roll-up of check-ins, ratings and milestones, written by the refresh.

    The sponsor pages read these 1:1 rows instead of re-sorting every check-in
    on each view (``tandem.portfolio.pairing_stats``).  Only valid while
    ``rollup_state`` says so: an import clears both (``tandem.program.rollups``).
    ``meetings`` is 0 and the rating columns NULL for a pairing without
    (rated) check-ins.
    """

    __tablename__ = "pairing_stats"

    pairing_id: Mapped[str] = pairing_ref(primary_key=True)
    meetings: Mapped[int] = mapped_column(Integer, default=0)
    first_meeting: Mapped[dt.date | None] = mapped_column(Date)
    last_meeting: Mapped[dt.date | None] = mapped_column(Date)
    rated_meetings: Mapped[int] = mapped_column(Integer, default=0)
    first_rating: Mapped[float | None] = mapped_column(Float)
    latest_rating: Mapped[float | None] = mapped_column(Float)
    rating_gain: Mapped[float | None] = mapped_column(Float)
    latest_clarity: Mapped[int | None] = mapped_column(Integer)
    latest_confidence: Mapped[int | None] = mapped_column(Integer)
    latest_influence: Mapped[int | None] = mapped_column(Integer)
    latest_safety: Mapped[int | None] = mapped_column(Integer)
    mean_mentor_learning: Mapped[float | None] = mapped_column(Float)
    # Milestone counts as of the refresh day (``rollup_state`` row
    # ``pairing_milestones`` holds that day): "due" and "overdue" move with the
    # calendar, so they are read only on that same day.
    milestones: Mapped[int | None] = mapped_column(Integer)
    milestones_done: Mapped[int | None] = mapped_column(Integer)
    milestones_due: Mapped[int | None] = mapped_column(Integer)
    milestones_overdue: Mapped[int | None] = mapped_column(Integer)


class PairingHealthHistory(Base):
    """Health and stall verdict of each pairing at past month ends (the stall trend).

    Written by the health refresh; cleared with the other roll-ups on import,
    because back-dated check-ins change the past.
    """

    __tablename__ = "pairing_health_history"

    month_end: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    pairing_id: Mapped[str] = pairing_ref(primary_key=True)
    health: Mapped[float | None] = mapped_column(Float)
    stalled: Mapped[bool] = mapped_column(Boolean, default=False)
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_pairing_health_history_pairing", "pairing_id"),)


class MilestoneMonths(Base):
    """Milestones counted by cohort, month due and month done: the burn-up's source.

    Written by the refresh (``tandem.portfolio.milestone_progress``), read for the
    views that select whole cohorts (every pairing, a lead's cohorts, a cohort or
    programme-type filter) while ``rollup_state`` says so; an import clears it
    (``tandem.program.rollups``).  Months are ``YYYY-MM``; ``done_month`` is NULL
    for a milestone not done.  A few thousand rows at 50,000 pairings.
    """

    __tablename__ = "milestone_months"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[str | None] = mapped_column(ID)
    due_month: Mapped[str] = mapped_column(String(7))
    done_month: Mapped[str | None] = mapped_column(String(7))
    milestones: Mapped[int] = mapped_column(Integer)


class ActivityDays(Base):
    """Check-ins and milestones done, counted by cohort and day: the headlines' source.

    The Overview's headlines count the meetings held, their mean rating and the
    milestones done in a period and the one before; at 50,000 pairings that read
    about 200,000 check-ins on each cold view.  Written by the refresh
    (``tandem.portfolio.headlines``), read for the views that select whole
    cohorts while ``rollup_state`` says so; an import clears it
    (``tandem.program.rollups``).  A row holds either a day's check-ins
    (``meetings``, the sum of their mean ratings ``rating_sum`` over the
    ``rated`` ones) or its milestones done (``milestones_done``), the rest 0.
    """

    __tablename__ = "activity_days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[str | None] = mapped_column(ID)
    day: Mapped[dt.date] = mapped_column(Date)
    meetings: Mapped[int] = mapped_column(Integer)
    rating_sum: Mapped[float] = mapped_column(Float)
    rated: Mapped[int] = mapped_column(Integer)
    milestones_done: Mapped[int] = mapped_column(Integer)


class OutcomeCells(Base):
    """What works' outcomes summed per cohort and mentor/mentee combination.

    One row per combination of cohort, mentor and mentee division and level,
    geography match and kind that has pairings: how many (``pairings``), their
    milestones done, due and overdue by the day computed for, how many have any
    due, the sum and count of their rating gains, and how many are active.  Every
    outcome of ``tandem.portfolio.outcomes`` (and Milestone progress's completion
    rates, Learning flows' level matrix) is a ratio of these sums, so a breakdown
    of whole cohorts groups these rows instead of 50,000 pairings.
    Written by the refresh (``tandem.portfolio.outcomes``), valid only for the
    day ``rollup_state`` gives (milestones due by then); an import clears it
    (``tandem.program.rollups``).
    """

    __tablename__ = "outcome_cells"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[str | None] = mapped_column(ID)
    cohort: Mapped[str] = mapped_column(Text)
    mentor_division: Mapped[str | None] = mapped_column(Text)
    mentee_division: Mapped[str | None] = mapped_column(Text)
    mentor_level: Mapped[int | None] = mapped_column(Integer)
    mentee_level: Mapped[int | None] = mapped_column(Integer)
    geography_match: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    pairings: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    due: Mapped[int] = mapped_column(Integer)
    overdue: Mapped[int] = mapped_column(Integer)
    with_due: Mapped[int] = mapped_column(Integer)
    rating_gain_sum: Mapped[float | None] = mapped_column(Float)
    rated: Mapped[int] = mapped_column(Integer)
    active: Mapped[int] = mapped_column(Integer)


class RollupState(Base):
    """Which derived roll-ups are current: a row per roll-up, deleted when data changes."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StoredRebalancePlan(Base):
    """A rebalancing plan (or rotation) computed by the refresh, for the saved configuration.

    ``kind`` is ``"rebalance"`` or ``"rotation"``; ``config_key`` a hash of the
    matching configuration it was computed with; ``fingerprint`` the data
    fingerprint (``tandem.matching.data_fingerprint``) read before
    computing.  Read only while ``rollup_state`` says so *and* both still match
    (``tandem.matching.rebalance.store``); an import clears it (``tandem.program.rollups``).
    """

    __tablename__ = "rebalance_plans"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    config_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[list] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StoredImpactReport(Base):
    """An Impact page report computed by the refresh (``tandem.impact.store``).

    ``view`` is ``"program"`` (every cohort, for a viewer without a cohort
    scope) or a cohort id; ``payload`` the whole report (estimates, curves,
    breakdown: aggregates only, already suppressed).  Read only while
    ``rollup_state`` says so and the months, privacy threshold, data date and
    data fingerprint it was computed with still hold; an import clears it
    (``tandem.program.rollups``).
    """

    __tablename__ = "impact_reports"

    view: Mapped[str] = mapped_column(ID, primary_key=True)
    months: Mapped[int] = mapped_column(Integer, primary_key=True)
    threshold: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[dt.date] = mapped_column(Date)
    fingerprint: Mapped[list] = mapped_column(JSON)
    payload: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StoredRebalanceSuggestion(Base):
    """One suggestion of the stored rebalancing plan, a row each.

    Written by ``tandem.matching.rebalance.store``.

    The plan's ``rebalance_plans`` row holds everything else; its suggestions
    live here so the Rebalancing page reads the few columns it orders, scopes
    and totals by, and the whole suggestion (``suggestion``, every field) only
    for the page of cards it shows.  ``position`` is the suggestion's place in
    the plan.  Written and deleted together with the ``rebalance_plans`` rows.
    """

    __tablename__ = "rebalance_suggestions"

    config_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    pairing_id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    cohort_id: Mapped[str | None] = mapped_column(ID)
    gain: Mapped[float] = mapped_column(Float)
    current_mentor_id: Mapped[str] = mapped_column(ID)
    suggested_mentor_id: Mapped[str] = mapped_column(ID)
    suggestion: Mapped[dict] = mapped_column(JSON)

"""Stored roll-ups: derived tables a refresh writes and page views only read.

At enterprise scale (50,000 pairings, about a million check-ins) re-deriving
per-pairing figures on every page view costs seconds, so the refresh
(``tandem.refresh.refresh_all``) stores them: ``pairing_stats``,
``pairing_health_history`` (with the health refresh), ``rebalance_plans`` and
``rebalance_suggestions``, ``theme_note_facts`` (with the theme refresh),
``impact_reports``, ``milestone_months``, ``activity_days``, ``outcome_cells`` and
``theme_slice_counts`` (with the theme refresh).
A stored roll-up
is only used while it is *current*: the refresh marks it in ``rollup_state``
once it is complete, and anything that changes the data it was derived from
(an import) calls :func:`invalidate` in the same transaction.  Readers ask
:func:`is_current` and fall back to computing live from the source tables
otherwise, so a stale roll-up can slow a page down but never make it wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from tandem.program.db import connected
from tandem.program.derived_tables import (
    ActivityDays,
    MilestoneMonths,
    OutcomeCells,
    PairingHealthHistory,
    PairingStats,
    RollupState,
    StoredImpactReport,
    StoredRebalancePlan,
    StoredRebalanceSuggestion,
)
from tandem.program.models import utcnow
from tandem.program.theme_tables import ThemeNoteFacts, ThemeSliceCounts

#: ``pairing_stats``: check-in and rating roll-ups per pairing (date-independent).
PAIRING_STATS = "pairing_stats"
#: ``pairing_stats``' milestone counts, which hold only on the day they were computed.
PAIRING_MILESTONES = "pairing_milestones"
#: ``pairing_health``: every pairing's health, current for the day it was computed.
HEALTH = "pairing_health"
#: ``pairing_health_history``: month-end health snapshots for the stall trend.
HEALTH_HISTORY = "pairing_health_history"
#: ``rebalance_plans`` and ``rebalance_suggestions``: the rebalancing plan and
#: rotation for the saved configuration.
REBALANCE_PLAN = "rebalance_plan"
#: ``theme_note_facts``: per-note facts the theme aggregates group by (theme refresh).
THEME_FACTS = "theme_note_facts"
#: ``impact_reports``: the Impact page's reports (``tandem.impact.store``).
IMPACT_REPORTS = "impact_reports"
#: ``milestone_months``: milestones by cohort, month due and month done (the burn-up).
MILESTONE_MONTHS = "milestone_months"
#: ``activity_days``: check-ins and milestones done by cohort and day (the headlines).
ACTIVITY_DAYS = "activity_days"
#: ``outcome_cells``: What works' outcome sums per cohort and combination, for one day.
OUTCOME_CELLS = "outcome_cells"
#: ``theme_slice_counts``: the theme aggregates' counts per cohort slice (theme refresh).
THEME_SLICES = "theme_slices"
#: ``theme_slice_counts``' period rows, which hold only on the day they were computed.
THEME_PERIODS = "theme_periods"

_TABLES: dict[str, tuple[Any, ...]] = {
    PAIRING_STATS: (PairingStats,),
    HEALTH_HISTORY: (PairingHealthHistory,),
    REBALANCE_PLAN: (StoredRebalancePlan, StoredRebalanceSuggestion),
    THEME_FACTS: (ThemeNoteFacts,),
    IMPACT_REPORTS: (StoredImpactReport,),
    MILESTONE_MONTHS: (MilestoneMonths,),
    ACTIVITY_DAYS: (ActivityDays,),
    OUTCOME_CELLS: (OutcomeCells,),
    THEME_SLICES: (ThemeSliceCounts,),  # its period rows too (THEME_PERIODS)
}


def invalidate(connection: Connection) -> None:
    """Forget every stored roll-up: call inside the transaction that changes the data."""
    connection.execute(delete(RollupState))
    for models in _TABLES.values():
        for model in models:
            connection.execute(delete(model))


def is_current(bind: Any, name: str, as_of: dt.date | None = None) -> bool:
    """True when roll-up ``name`` was written completely since the data last changed
    (and, given ``as_of``, for that day)."""
    query = select(RollupState.name).where(RollupState.name == name)
    if as_of is not None:
        query = query.where(RollupState.as_of == as_of)
    with connected(bind) as connection:
        return connection.execute(query).first() is not None


def mark_current(connection: Connection, name: str, as_of: dt.date | None = None) -> None:
    """Record that roll-up ``name`` is complete (inside the transaction that wrote it)."""
    connection.execute(delete(RollupState).where(RollupState.name == name))
    connection.execute(insert(RollupState).values(name=name, as_of=as_of, computed_at=utcnow()))

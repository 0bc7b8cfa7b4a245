"""The portfolio's stored roll-ups, refreshed together in one call.

``tandem.refresh.refresh_all`` and the benchmarks' builds call this, so a new
roll-up is added in one place: ``pairing_stats`` (per pairing, milestones as of
``today``), ``milestone_months`` (the burn-up), ``activity_days`` (the
headlines) and ``outcome_cells`` (What works, as of ``today``).  Each is read
only while ``tandem.program.rollups`` says it is current.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from tandem.portfolio.headlines import refresh_activity_days
from tandem.portfolio.milestone_progress import refresh_milestone_months
from tandem.portfolio.outcomes import refresh_outcome_cells
from tandem.portfolio.pairing_stats import refresh_pairing_stats


def refresh_portfolio_rollups(connection: Connection, today: dt.date) -> int:
    """Rewrite every portfolio roll-up inside the caller's transaction; returns the
    pairings written to ``pairing_stats``."""
    pairings = refresh_pairing_stats(connection, today)
    refresh_milestone_months(connection)
    refresh_activity_days(connection)
    refresh_outcome_cells(connection, today)  # reads the pairing_stats just written
    return pairings

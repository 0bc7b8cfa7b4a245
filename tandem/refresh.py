"""The explicit refresh: recompute what pages only read (themes, sentiment, health,
per-pairing roll-ups, the burn-up's month counts, the rebalancing plan, the Impact
page's reports).

Order matters: feedback sentiment feeds the health score, so themes first.
Run by ``python -m tandem refresh``, after every import and after the demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from tandem.health import HealthReport, refresh_health
from tandem.impact import has_career_events, refresh_impact
from tandem.matching import PlanRefreshReport, refresh_rebalance_plan
from tandem.portfolio.rollups import refresh_portfolio_rollups
from tandem.program.db import take_writer_turn, writer_transaction
from tandem.themes.refresh import RefreshReport, refresh_themes


@dataclass(frozen=True)
class FullRefreshReport:
    themes: RefreshReport
    health: HealthReport
    pairing_stats: int = 0
    rebalance: PlanRefreshReport | None = None
    impact_reports: int = 0

    def summary(self) -> str:
        return (
            f"themes: {self.themes.recomputed} of {self.themes.total} notes recomputed, "
            f"{self.themes.assigned} assigned, {self.themes.unassigned} unassigned, "
            f"{self.themes.candidates} candidate themes\n"
            f"health: {self.health.pairings} pairings scored as of {self.health.as_of}, "
            f"{self.health.stalled} stalled, {self.health.at_risk} at risk\n"
            f"roll-ups: {self.pairing_stats} pairings' meetings, ratings and milestones stored"
            + (
                f"\nrebalancing: plan stored for the saved weights, {self.rebalance.suggestions} "
                f"suggested moves, {self.rebalance.rotation} rotations "
                f"({self.rebalance.seconds:.0f} s)"
                if self.rebalance
                else ""
            )
            + (
                f"\nimpact: {self.impact_reports} reports stored (program, cohorts, lead scopes)"
                if self.impact_reports
                else ""
            )
        )


def update_planner_statistics(engine: Engine, say: Callable[[str], None] | None = None) -> None:
    """PostgreSQL: re-read the tables' statistics after the bulk writes of an import
    and a refresh.

    Autovacuum analyses a table only some time after it changed; until then the
    planner takes a freshly loaded table for nearly empty.  At 50,000 pairings
    that turned one Rebalancing query into a nested loop of 20,000 index scans
    (10 s instead of 0.4 s).  ``ANALYZE`` samples every table (≈2 s at that size).
    SQLite keeps no statistics unless asked, and its plans are chosen without them.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        # Two ANALYZEs at once can fail ("tuple concurrently updated"): take turns.
        take_writer_turn(connection, say)
        connection.exec_driver_sql("ANALYZE")


def refresh_all(
    engine: Engine,
    *,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    full: bool = False,
    actor: str = "system",
) -> FullRefreshReport:
    say = progress or (lambda _message: None)
    say("refreshing feedback themes and sentiment")
    themes = refresh_themes(engine, progress=say, full=full, actor=actor, today=today)
    say("refreshing pairing health")
    health = refresh_health(
        engine,
        today=today,
        progress=lambda n: say(f"health rows written: {n}"),
        actor=actor,
        say=say,
    )
    say("refreshing per-pairing roll-ups")
    with writer_transaction(engine, say) as session:
        stats = refresh_portfolio_rollups(session.connection(), health.as_of)
    say("refreshing the rebalancing plan for the saved weights")
    rebalance = refresh_rebalance_plan(engine, progress=say)
    impact = 0
    if has_career_events(engine):
        say("refreshing the Impact page's reports")
        impact = refresh_impact(engine, today=today, progress=say)
    update_planner_statistics(engine, say)
    return FullRefreshReport(
        themes=themes,
        health=health,
        pairing_stats=stats,
        rebalance=rebalance,
        impact_reports=impact,
    )

"""The explicit refresh: recompute what pages only read (themes, sentiment, health).

Order matters: feedback sentiment feeds the health score, so themes first.
Run by ``python -m tandem refresh``, after every import and after the demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from tandem.health import HealthReport, refresh_health
from tandem.themes.refresh import RefreshReport, refresh_themes


@dataclass(frozen=True)
class FullRefreshReport:
    themes: RefreshReport
    health: HealthReport

    def summary(self) -> str:
        return (
            f"themes: {self.themes.recomputed} of {self.themes.total} notes recomputed, "
            f"{self.themes.assigned} assigned, {self.themes.unassigned} unassigned, "
            f"{self.themes.candidates} candidate themes\n"
            f"health: {self.health.pairings} pairings scored as of {self.health.as_of}, "
            f"{self.health.stalled} stalled, {self.health.at_risk} at risk"
        )


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
    themes = refresh_themes(engine, progress=say, full=full, actor=actor)
    say("refreshing pairing health")
    health = refresh_health(
        engine, today=today, progress=lambda n: say(f"health rows written: {n}"), actor=actor
    )
    return FullRefreshReport(themes=themes, health=health)

"""The stored verdicts and the trend's month ends (tandem.health.snapshots)."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tandem.health import (
    TREND_MONTHS,
    health_frame,
    history_month_ends,
    refresh_health,
    save_health_settings,
    trend_days,
)
from tandem.program.derived_tables import PairingHealth, PairingHealthHistory
from tandem.program.models import AuditEntry, Pairing
from tandem.program.rollups import HEALTH_HISTORY, invalidate, is_current
from tests.tandem.health.builder import TODAY


def test_refresh_writes_every_pairing_once(engine: Engine, program: set[str]) -> None:
    seen: list[int] = []
    report = refresh_health(engine, today=TODAY, progress=seen.append)
    report_again = refresh_health(engine, today=TODAY)
    with Session(engine) as session:
        total = len(session.scalars(select(Pairing.pairing_id)).all())
    assert report.pairings == report_again.pairings == total
    assert report.stalled == len(program)
    assert seen and seen[-1] == total
    with Session(engine) as session:
        stored = {row.pairing_id: row for row in session.scalars(select(PairingHealth))}
        audits = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "health.refresh")
        ).all()
    assert len(stored) == total
    assert {pid for pid, row in stored.items() if row.stalled} == program
    assert stored["gap"].reasons == "no meeting for 74 days, agreed every 30"
    assert stored["overdue1"].reasons == "1 milestone overdue;1 milestone missed"
    assert stored["proposed"].health is None
    assert stored["gap"].as_of == TODAY
    assert len(audits) == 2


def _history(engine: Engine) -> dict[dt.date, dict[str, tuple[float | None, bool, bool]]]:
    with engine.connect() as connection:
        rows = connection.execute(select(PairingHealthHistory.__table__)).all()
    out: dict[dt.date, dict[str, tuple[float | None, bool, bool]]] = {}
    for row in rows:
        out.setdefault(row.month_end, {})[row.pairing_id] = (
            row.health,
            bool(row.stalled),
            bool(row.at_risk),
        )
    return out


def _computed_month_ends(engine: Engine) -> list[str]:
    """The month ends the latest refresh computed (its audit row says)."""
    with engine.connect() as connection:
        after = connection.execute(
            select(AuditEntry.after)
            .where(AuditEntry.action == "health.refresh")
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(1)
        ).scalar_one()
    return list(after["month_ends_computed"])


def _frame_as_stored(frame) -> dict[str, tuple[float | None, bool, bool]]:
    return {
        row["pairing_id"]: (
            None if math.isnan(row["health"]) else row["health"],
            bool(row["stalled"]),
            bool(row["at_risk"]),
        )
        for row in frame.to_dict("records")
    }


def test_refresh_stores_each_month_end_of_the_trend(engine: Engine, program: set[str]) -> None:
    refresh_health(engine, today=TODAY)
    history = _history(engine)
    ends = history_month_ends(TODAY)
    assert sorted(history) == ends == trend_days(TODAY)[:-1]
    assert len(ends) == TREND_MONTHS - 1
    for month_end in ends:
        assert history[month_end] == _frame_as_stored(health_frame(engine, month_end))
    assert is_current(engine, HEALTH_HISTORY, as_of=TODAY)


def test_refresh_computes_only_the_missing_month_ends(engine: Engine, program: set[str]) -> None:
    refresh_health(engine, today=TODAY)
    assert len(_computed_month_ends(engine)) == TREND_MONTHS - 1
    # Same month, later day: nothing new to compute.
    refresh_health(engine, today=TODAY + dt.timedelta(days=3))
    assert _computed_month_ends(engine) == []
    # A new month: only its month end; the oldest one is dropped.
    later = dt.date(2025, 7, 10)
    refresh_health(engine, today=later)
    assert _computed_month_ends(engine) == ["2025-06-30"]
    history = _history(engine)
    assert sorted(history) == history_month_ends(later)
    for month_end in history:
        assert history[month_end] == _frame_as_stored(health_frame(engine, month_end))
    assert is_current(engine, HEALTH_HISTORY, as_of=later)


def test_an_import_or_a_new_formula_recomputes_every_month_end(
    engine: Engine, program: set[str]
) -> None:
    refresh_health(engine, today=TODAY)
    with engine.begin() as connection:
        invalidate(connection)
    assert not is_current(engine, HEALTH_HISTORY)
    refresh_health(engine, today=TODAY)
    assert len(_computed_month_ends(engine)) == TREND_MONTHS - 1
    save_health_settings(engine, {"at_risk_below": 80.0}, "lead")
    refresh_health(engine, today=TODAY)
    assert len(_computed_month_ends(engine)) == TREND_MONTHS - 1
    for month_end, stored in _history(engine).items():
        assert stored == _frame_as_stored(health_frame(engine, month_end))


def test_empty_database(engine: Engine) -> None:
    assert refresh_health(engine, today=TODAY).pairings == 0

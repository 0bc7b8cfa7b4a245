"""Stored health: ``refresh_health`` writes every pairing's verdict and the trend's month ends.

``refresh_health`` writes every pairing's result to ``pairing_health`` and,
in the same transaction, month-end snapshots (health, stalled, at risk) of
the ``TREND_MONTHS`` trend to ``pairing_health_history``, so page views only
read them.  A snapshot depends only on what happened up to its month end, so a
refresh computes only the month ends not stored yet; an import
(``tandem.program.rollups.invalidate``) or a changed health setting makes the
next refresh recompute them all.  Readers fall back to computing live while
the stored rows are not current for the day asked.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, select

from tandem.health.formula import health_frame, health_frame_of
from tandem.health.inputs import pairing_rows
from tandem.health.settings import SETTINGS_KEY, health_settings
from tandem.program import audit, bulk, rollups
from tandem.program.db import writer_transaction
from tandem.program.derived_tables import PairingHealth, PairingHealthHistory, RollupState
from tandem.program.models import Setting, utcnow

_HEALTH_TABLE = PairingHealth.metadata.tables[PairingHealth.__tablename__]
_HISTORY_TABLE = PairingHealth.metadata.tables[PairingHealthHistory.__tablename__]


@dataclass(frozen=True)
class HealthReport:
    """What a refresh did."""

    as_of: dt.date
    pairings: int
    scored: int
    stalled: int
    at_risk: int
    seconds: float


#: Points of the Stalled page's trend: the stored health's day and the month
#: ends before it (``trend_days``).  The refresh keeps snapshots of those month
#: ends in ``pairing_health_history`` so a page view only reads them.
TREND_MONTHS = 6


def trend_days(today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The last ``months`` month ends up to ``today`` (today itself for the current
    month), oldest first."""
    days = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        end = first - dt.timedelta(days=1)
        days.append(end)
        first = end.replace(day=1)
    return sorted(days)


def history_month_ends(today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The month ends of the trend before ``today``: what ``pairing_health_history`` keeps."""
    return [day for day in trend_days(today, months) if day != today]


def _reusable_month_ends(connection: Connection, wanted: Sequence[dt.date]) -> set[dt.date]:
    """Month ends already stored that a refresh may keep instead of recomputing.

    Only while the history is current (an import clears it: back-dated
    check-ins change the past) and was written under today's health settings
    (a changed formula recomputes every month, so the trend does not mix rules).
    A snapshot depends only on what happened up to its month end, so the day
    of the previous refresh does not matter.
    """
    marker = connection.execute(
        select(RollupState.computed_at).where(RollupState.name == rollups.HEALTH_HISTORY)
    ).scalar_one_or_none()
    if marker is None or not wanted:
        return set()
    changed = connection.execute(
        select(Setting.updated_at).where(Setting.key == SETTINGS_KEY)
    ).scalar_one_or_none()
    if changed is not None and changed >= marker:
        return set()
    history = PairingHealthHistory.__table__.c
    return set(
        connection.execute(
            select(history.month_end).where(history.month_end.in_(list(wanted))).distinct()
        ).scalars()
    )


@dataclass(frozen=True)
class _Snapshot:
    """The stored columns of one month end's health (numpy, not a whole frame)."""

    month_end: dt.date
    pairing_ids: np.ndarray
    health: np.ndarray
    stalled: np.ndarray
    at_risk: np.ndarray

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "month_end": self.month_end,
                "pairing_id": pairing_id,
                "health": None if math.isnan(score) else float(score),
                "stalled": bool(stalled),
                "at_risk": bool(at_risk),
            }
            for pairing_id, score, stalled, at_risk in zip(
                self.pairing_ids.tolist(),
                self.health.tolist(),
                self.stalled.tolist(),
                self.at_risk.tolist(),
                strict=True,
            )
        ]


def _snapshots(
    engine: Engine, month_ends: Sequence[dt.date], settings: dict[str, Any]
) -> list[_Snapshot]:
    """Health of every pairing at each month end (the pairings are read once)."""
    if not month_ends:
        return []
    pairings = pairing_rows(engine, None)
    snapshots = []
    for month_end in month_ends:
        frame = health_frame_of(engine, month_end, settings, None, pairings)
        snapshots.append(
            _Snapshot(
                month_end=month_end,
                pairing_ids=frame["pairing_id"].to_numpy(dtype=object),
                health=frame["health"].to_numpy(dtype=float),
                stalled=frame["stalled"].to_numpy(dtype=bool),
                at_risk=frame["at_risk"].to_numpy(dtype=bool),
            )
        )
    return snapshots


def _health_rows(frame: pd.DataFrame, today: dt.date) -> list[dict[str, Any]]:
    """``pairing_health`` rows of a computed frame."""
    computed_at = utcnow()
    return [
        {
            "pairing_id": pairing_id,
            "health": None if math.isnan(score) else float(score),
            "stalled": bool(stalled),
            "at_risk": bool(at_risk),
            "reasons": ";".join(reasons),
            "as_of": today,
            "computed_at": computed_at,
        }
        for pairing_id, score, stalled, at_risk, reasons in zip(
            frame["pairing_id"],
            frame["health"].to_numpy(dtype=float),
            frame["stalled"],
            frame["at_risk"],
            frame["reasons"],
            strict=True,
        )
    ]


def _store(
    connection: Connection,
    rows: list[dict[str, Any]],
    kept: set[dt.date],
    snapshots: list[_Snapshot],
    today: dt.date,
    progress: Callable[[int], None] | None,
) -> None:
    """Write today's rows and the month ends not kept; mark both current when nothing
    changed the history meanwhile."""
    bulk.upsert(connection, _HEALTH_TABLE, rows, progress=progress)
    # Whatever was computed above saw the data as it was then: if an import
    # has cleared the history since, what we meant to keep is gone and
    # nothing is marked current (readers compute live until the next refresh).
    unchanged = _reusable_month_ends(connection, sorted(kept)) == kept
    history = _HISTORY_TABLE.c
    if kept:
        connection.execute(delete(_HISTORY_TABLE).where(history.month_end.not_in(sorted(kept))))
    else:
        connection.execute(delete(_HISTORY_TABLE))
    for snapshot in snapshots:
        bulk.upsert(connection, _HISTORY_TABLE, snapshot.rows())
    if unchanged:
        rollups.mark_current(connection, rollups.HEALTH_HISTORY, as_of=today)
        rollups.mark_current(connection, rollups.HEALTH, as_of=today)


def refresh_health(
    engine: Engine,
    *,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    actor: str = "system",
    say: Callable[[str], None] | None = None,
) -> HealthReport:
    """Compute every pairing and store the result in ``pairing_health`` in one transaction,
    with the month-end snapshots of the stall trend in ``pairing_health_history``.

    Month ends already stored are kept while the history is current and the
    health settings have not changed since (a new month adds one); otherwise
    (after an import, or a changed formula) every month end is recomputed.
    Month ends the trend no longer shows are dropped.  ``progress`` is called
    with the number of ``pairing_health`` rows written so far.  Rows of
    pairings that no longer exist go with them (foreign key cascade).
    """
    began = time.perf_counter()
    today = today or utcnow().date()
    # The turn among writers first: what is computed below is then the data as
    # it is when written (no import can commit in between).
    with writer_transaction(engine, say) as session:
        settings = health_settings(engine)
        frame = health_frame(engine, today, settings=settings)
        month_ends = history_month_ends(today)
        with engine.connect() as connection:
            kept = _reusable_month_ends(connection, month_ends)
        snapshots = _snapshots(engine, [day for day in month_ends if day not in kept], settings)
        health = frame["health"].to_numpy(dtype=float)
        rows = _health_rows(frame, today)
        report = HealthReport(
            as_of=today,
            pairings=len(frame),
            scored=int((~np.isnan(health)).sum()),
            stalled=int(frame["stalled"].sum()),
            at_risk=int(frame["at_risk"].sum()),
            seconds=0.0,
        )
        _store(session.connection(), rows, kept, snapshots, today, progress)
        audit.record(
            session,
            actor=actor,
            action="health.refresh",
            entity="pairing_health",
            after={
                "as_of": today,
                "pairings": report.pairings,
                "stalled": report.stalled,
                "at_risk": report.at_risk,
                "month_ends_computed": [snapshot.month_end for snapshot in snapshots],
            },
        )
    return HealthReport(**{**report.__dict__, "seconds": time.perf_counter() - began})

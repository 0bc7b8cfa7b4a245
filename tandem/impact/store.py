"""Impact reports stored by the refresh, so the page does not compute them on view.

At 50,000 pairings and about 90,000 people a report with its breakdown took
about 30 seconds (half of it reading every colleague at every cohort start,
half the matching and its bootstrap, a formula since session 8), far above the
page's 3-second target,
so following the house rule for costly analytics :func:`refresh_impact`
computes the views a page opens and stores them in ``impact_reports``: the
whole program (for viewers without a cohort scope), each cohort, and each
lead's "all your cohorts" (one report per distinct set of cohorts among the
leads of ``app_users``), at every window the page offers (``WINDOWS``; one
reading of the careers serves them all).  :func:`read_impact_report` serves
a stored report when it is current and computes live otherwise (a window the
page does not offer; a lead added since the refresh), so a stale report can
slow the page down but is never shown.

**When a stored report is used.**  All must hold:

* ``rollup_state`` marks it current (an import or a demo rebuild clears it
  with every roll-up, ``tandem.program.rollups.invalidate``);
* it is for the same view and months, and was computed with today's privacy
  threshold and for the same data date (the last career event, or today if
  earlier);
* the data fingerprint read before computing it equals today's
  (``tandem.matching.data_fingerprint``: pairings, people, the
  latest audit row and settings change), which catches a write path that
  does not clear it;
* it was computed by today's method (``METHOD``; an upgrade that changes how the
  estimate or its interval is made leaves earlier reports to the next refresh);
* the whole-program report goes only to a viewer without a cohort scope; a
  cohort's report to any viewer whose scope allows that cohort (its
  participants are the same for all of them); a lead scope's report only to a
  viewer with exactly those cohorts (``scope_view``).

The payload is the report itself (``ImpactReport``): aggregates only, every
suppression already applied, nothing about a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from tandem.access.privacy import privacy_threshold
from tandem.access.roles import list_users
from tandem.access.scope import EVERYTHING, Scope
from tandem.impact.breakdown import BreakdownRow
from tandem.impact.estimate import DEFAULT_MONTHS, METHOD, Estimate
from tandem.impact.query import CareerData, cohorts_in_scope, data_through
from tandem.impact.report import (
    CURVE_COLUMNS,
    WINDOWS,
    ImpactReport,
    clamp_months,
    impact_report,
)
from tandem.matching import data_fingerprint
from tandem.program import rollups
from tandem.program.db import writer_transaction
from tandem.program.derived_tables import StoredImpactReport
from tandem.program.models import utcnow

IMPACT = rollups.IMPACT_REPORTS
PROGRAM = "program"
SCOPE_PREFIX = "scope:"


def scope_view(scope: Scope) -> str:
    """The stored view of a lead's "all your cohorts": their cohorts as one key."""
    key = "\x1f".join(sorted(set(scope.cohorts)))
    return SCOPE_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:40]


def _view(scope: Scope, cohort_id: str | None) -> str:
    """The stored view a page asks for: a cohort, a lead's cohorts, or the program."""
    if cohort_id is not None:
        return cohort_id
    return scope_view(scope) if scope.limited else PROGRAM


def lead_scopes(engine: Engine) -> list[Scope]:
    """Every distinct set of cohorts a lead of ``app_users`` works on (empty sets: none)."""
    found = {
        tuple(sorted({c for c in (user.cohorts or "").split(";") if c}))
        for user in list_users(engine)
        if user.role == "lead"
    }
    return [Scope(cohorts=cohorts) for cohorts in sorted(found) if cohorts]


def _pair(value: Any) -> tuple[float, float] | None:
    return None if value is None else (float(value[0]), float(value[1]))


def to_payload(report: ImpactReport) -> dict[str, Any]:
    """The report as JSON values (``from_payload`` reads it back equal)."""
    return {
        "cohort_id": report.cohort_id,
        "cohort_name": report.cohort_name,
        "has_events": report.has_events,
        "estimates": [asdict(item) for item in report.estimates],
        "curves": report.curves[CURVE_COLUMNS].to_dict("records"),
        "breakdown": [asdict(row) for row in report.breakdown],
        "dimensions": list(report.dimensions),
        # How the estimates were made: a report stored by an earlier method (the
        # bootstrap before session 8) is stale, not shown under today's words.
        "method": METHOD,
    }


def from_payload(
    payload: dict[str, Any], *, months: int, as_of: dt.date, threshold: int
) -> ImpactReport:
    estimate_fields = {f.name for f in fields(Estimate)}
    estimates = tuple(
        Estimate(
            **{
                **{k: v for k, v in item.items() if k in estimate_fields},
                "interval": _pair(item.get("interval")),
            }
        )
        for item in payload["estimates"]
    )
    rows = tuple(
        BreakdownRow(**{**row, "interval": _pair(row.get("interval"))})
        for row in payload["breakdown"]
    )
    curves = pd.DataFrame(payload["curves"], columns=CURVE_COLUMNS)
    return ImpactReport(
        payload["cohort_id"],
        payload["cohort_name"],
        months,
        as_of,
        threshold,
        bool(payload["has_events"]),
        estimates,
        curves,
        rows,
        tuple(payload["dimensions"]),
    )


def _as_of(engine: Engine, today: dt.date | None) -> dt.date:
    through = data_through(engine)
    return min(today or dt.date.today(), through or dt.date.max)


def refresh_impact(
    engine: Engine,
    *,
    today: dt.date | None = None,
    windows: tuple[int, ...] = WINDOWS,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Compute and store the program's, every cohort's and every lead scope's report for
    each of ``windows``; returns how many reports.

    Careers are read, and each cohort start's colleagues described, once for them all
    (``CareerData``): that is most of a report's cost, and depends on no view or window.
    """
    say = progress or (lambda _message: None)
    fingerprint = list(data_fingerprint(engine))  # before computing: a later write shows
    threshold = privacy_threshold(engine)
    as_of = _as_of(engine, today)
    views: list[tuple[Scope, str | None]] = [
        (EVERYTHING, None),
        *((EVERYTHING, c) for c in cohorts_in_scope(engine, EVERYTHING)["cohort_id"]),
        *((scope, None) for scope in lead_scopes(engine)),
    ]
    with engine.connect() as connection:
        data = CareerData(connection, as_of)
    records = []
    total = len(views) * len(windows)
    for scope, cohort_id in views:
        for months in windows:
            report = impact_report(
                engine,
                scope,
                cohort_id=cohort_id,
                months=months,
                as_of=as_of,
                with_breakdown=True,
                data=data,
            )
            records.append(
                {
                    "view": _view(scope, cohort_id),
                    "months": report.months,
                    "threshold": threshold,
                    "as_of": as_of,
                    "fingerprint": fingerprint,
                    "payload": to_payload(report),
                    "computed_at": utcnow(),
                }
            )
            say(f"impact reports: {len(records):,}/{total:,}")
    with writer_transaction(engine, say) as session:
        connection = session.connection()
        connection.execute(delete(StoredImpactReport))
        if records:
            connection.execute(insert(StoredImpactReport), records)
        rollups.mark_current(connection, IMPACT)
    return len(records)


def stored_impact_report(
    engine: Engine, scope: Scope, *, cohort_id: str | None, months: int, today: dt.date | None
) -> ImpactReport | None:
    """The stored report for this view when it is current (module docstring), else None."""
    if cohort_id is not None and not scope.allows(cohort_id):
        return None
    if not rollups.is_current(engine, IMPACT):
        return None
    view = _view(scope, cohort_id)
    table = StoredImpactReport
    with engine.connect() as connection:
        row = connection.execute(
            select(table.threshold, table.as_of, table.fingerprint, table.payload).where(
                table.view == view, table.months == months
            )
        ).first()
    if row is None:
        return None
    threshold, stored_as_of, fingerprint, payload = row
    if isinstance(stored_as_of, str):
        stored_as_of = dt.date.fromisoformat(stored_as_of[:10])
    if (
        threshold != privacy_threshold(engine)
        or stored_as_of != _as_of(engine, today)
        or list(fingerprint) != list(data_fingerprint(engine))
        or payload.get("method") != METHOD
    ):
        return None
    return from_payload(payload, months=months, as_of=stored_as_of, threshold=int(threshold))


def read_impact_report(
    engine: Engine,
    scope: Scope,
    *,
    cohort_id: str | None = None,
    months: int = DEFAULT_MONTHS,
    today: dt.date | None = None,
) -> ImpactReport:
    """The Impact page's report with its breakdown: stored when current, else computed live."""
    months = clamp_months(months)
    stored = stored_impact_report(engine, scope, cohort_id=cohort_id, months=months, today=today)
    if stored is not None:
        return stored
    return impact_report(
        engine, scope, cohort_id=cohort_id, months=months, as_of=today, with_breakdown=True
    )

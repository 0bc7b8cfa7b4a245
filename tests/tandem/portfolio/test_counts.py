"""One definition of each pairing count: running, active, stalled, at risk."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from tandem.access import EVERYTHING, Scope
from tandem.access.filters import Filters
from tandem.health import refresh_health
from tandem.health.stalled import queue_counts
from tandem.portfolio.counts import pairing_counts, running_on, verdicts_before
from tandem.portfolio.headlines import headline_metrics
from tandem.program.bulk import upsert
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import RUNNING_STATUSES, Pairing
from tests.factories import TODAY, small_program

ALL = Filters(scope=EVERYTHING)


def _pairing(pairing_id: str, status: str, start: dt.date, ended: dt.date | None) -> dict:
    return {
        "pairing_id": pairing_id,
        "cohort_id": "c1",
        "mentor_id": "p1",
        "mentee_id": "p3",
        "kind": "traditional",
        "status": status,
        "start_date": start,
        "planned_end_date": None,
        "ended_date": ended,
        "cadence_days": 30,
        "objective": None,
    }


def _program(engine: Engine) -> None:
    """x1 active, x2 paused, x3 ended 2026-04-30, x4 proposed, x5 completed 2026-03-15."""
    small_program(engine)
    with engine.begin() as connection:
        connection.execute(
            Pairing.__table__.update().where(Pairing.pairing_id == "x2").values(status="paused")
        )
        upsert(
            connection,
            Pairing.__table__,  # type: ignore[arg-type]
            [
                _pairing("x3", "ended", dt.date(2026, 1, 5), dt.date(2026, 4, 30)),
                _pairing("x4", "proposed", dt.date(2026, 7, 1), None),
                _pairing("x5", "completed", dt.date(2025, 9, 1), dt.date(2026, 3, 15)),
            ],
        )


def test_running_is_active_or_paused_and_active_leaves_out_the_paused(engine) -> None:  # type: ignore[no-untyped-def]
    _program(engine)
    counts = pairing_counts(engine, ALL, TODAY)
    assert (counts.pairings, counts.running, counts.active, counts.paused) == (5, 2, 1, 1)
    with engine.connect() as connection:
        by_status = connection.execute(
            select(func.count()).where(Pairing.status.in_(RUNNING_STATUSES))
        ).scalar_one()
    assert counts.running == by_status


def test_on_a_past_day_a_pairing_closed_since_still_counts_as_running(engine) -> None:  # type: ignore[no-untyped-def]
    _program(engine)

    def running(day: dt.date) -> set[str]:
        with engine.connect() as connection:
            return set(
                connection.execute(select(Pairing.pairing_id).where(running_on(day))).scalars()
            )

    assert running(dt.date(2026, 2, 15)) == {"x1", "x2", "x3", "x5"}
    assert running(dt.date(2026, 3, 31)) == {"x1", "x2", "x3"}  # x5 completed in mid-March
    assert running(TODAY) == {"x1", "x2"}  # x3 ended in April, x4 not started


def test_the_portfolio_headline_counts_running_pairings(engine) -> None:  # type: ignore[no-untyped-def]
    _program(engine)
    filters = Filters(scope=EVERYTHING, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    _, metrics = headline_metrics(engine, filters, today=TODAY)
    running = {m.label: m for m in metrics}["Running pairings"]
    assert running.value == 3  # x1, x2 and x3 on 31 March
    assert running.previous == 4  # and x5 too on the last day of February (it ended in March)
    _, now = headline_metrics(engine, ALL, today=TODAY)
    assert now[0].value == pairing_counts(engine, ALL, TODAY).running


def test_stalled_and_at_risk_are_the_stalled_queues_counts(engine) -> None:  # type: ignore[no-untyped-def]
    _program(engine)
    with engine.begin() as connection:
        upsert(
            connection,
            PairingHealth.__table__,  # type: ignore[arg-type]
            [
                {
                    "pairing_id": "x1",
                    "health": 45.0,
                    "stalled": True,
                    "at_risk": True,
                    "reasons": "",
                    "as_of": TODAY,
                },
                {
                    "pairing_id": "x2",
                    "health": 40.0,
                    "stalled": False,
                    "at_risk": True,
                    "reasons": "",
                    "as_of": TODAY,
                },
                {
                    "pairing_id": "x3",
                    "health": 30.0,
                    "stalled": True,
                    "at_risk": False,
                    "reasons": "",
                    "as_of": TODAY,
                },
            ],
        )
    counts = pairing_counts(engine, ALL, TODAY)
    queue = queue_counts(engine, ALL)
    assert (counts.stalled, counts.at_risk) == (queue.stalled, queue.at_risk) == (2, 2)
    assert counts.need_a_lead == 3  # x1 is both, counted once
    other_cohort = Scope(cohorts=("c-other",))
    assert pairing_counts(engine, Filters(scope=other_cohort), TODAY).pairings == 0


def test_no_earlier_verdicts_before_the_first_refresh(engine) -> None:  # type: ignore[no-untyped-def]
    _program(engine)
    assert verdicts_before(engine, ALL, TODAY) is None
    refresh_health(engine, today=TODAY)
    before = verdicts_before(engine, ALL, dt.date(2026, 4, 15))
    assert before is not None and before.month_end == dt.date(2026, 3, 31)
    assert verdicts_before(engine, ALL, dt.date(2020, 1, 1)) is None

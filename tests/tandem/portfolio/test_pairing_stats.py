"""Stored per-pairing roll-ups: the same rows as the live SQL, used only while current."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
from sqlalchemy import func, insert, select

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio.milestone_progress import (
    COMPLETION_DIMENSIONS,
    at_risk_pairings,
    completion_rates,
)
from tandem.portfolio.outcomes import DIMENSIONS, outcomes_by
from tandem.portfolio.pairing_stats import (
    checkin_stats,
    milestone_stats,
    rating_endpoints,
    refresh_pairing_stats,
)
from tandem.portfolio.portfolio import SORT_KEYS, portfolio_page
from tandem.portfolio.reciprocity import learning_by_kind
from tandem.program import rollups
from tandem.program.bundle.importer import import_bundle
from tandem.program.db import transaction
from tandem.program.derived_tables import PairingStats
from tandem.program.models import CheckIn
from tandem.program.sql import read_frame
from tests.factories import TODAY, grid_program

SAMPLE_BUNDLE = Path(__file__).resolve().parents[3] / "data" / "sample_bundle"


def _rows(engine, subquery) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    frame = read_frame(engine, select(subquery).order_by(subquery.c.pairing_id))
    for column in frame.columns:
        # PostgreSQL's avg() of integers is NUMERIC (Decimal); stored values are floats.
        if any(isinstance(value, Decimal) for value in frame[column]):
            frame[column] = frame[column].astype(float)
    return frame.reset_index(drop=True)


def _store(engine, today: dt.date = TODAY) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return refresh_pairing_stats(session.connection(), today)


def test_stored_rollups_hold_exactly_the_live_rows(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    live_meetings = _rows(engine, checkin_stats())
    live_ratings = _rows(engine, rating_endpoints())
    live_milestones = _rows(engine, milestone_stats(TODAY))
    # Before a refresh there is nothing stored: a bind still gets the live rows.
    assert not rollups.is_current(engine, rollups.PAIRING_STATS)
    pd.testing.assert_frame_equal(_rows(engine, checkin_stats(engine)), live_meetings)

    assert _store(engine) == len(rows["pairings"])
    assert rollups.is_current(engine, rollups.PAIRING_STATS)
    stored_meetings = _rows(engine, checkin_stats(engine))
    stored_ratings = _rows(engine, rating_endpoints(engine))
    assert "pairing_stats" in str(checkin_stats(engine).element)
    # Pairings without check-ins are stored (meetings 0) but not returned, as live.
    pd.testing.assert_frame_equal(stored_meetings, live_meetings, check_dtype=False)
    pd.testing.assert_frame_equal(stored_ratings, live_ratings, check_dtype=False)
    stored_milestones = _rows(engine, milestone_stats(TODAY, engine))
    assert "pairing_stats" in str(milestone_stats(TODAY, engine).element)
    pd.testing.assert_frame_equal(stored_milestones, live_milestones, check_dtype=False)
    assert len(live_meetings) < len(rows["pairings"]) or len(live_ratings) < len(
        rows["pairings"]
    ), "the grid program should include pairings without (rated) check-ins"


def test_pages_show_the_same_numbers_from_stored_and_live_rollups(engine) -> None:  # type: ignore[no-untyped-def]
    grid_program(engine)
    filters = Filters(scope=EVERYTHING)

    def snapshot() -> list[pd.DataFrame]:
        frames = [
            portfolio_page(engine, filters, today=TODAY, sort=key, limit=500).rows
            for key in SORT_KEYS
        ]
        frames += [
            outcomes_by(engine, filters, name, threshold=1, today=TODAY) for name in DIMENSIONS
        ]
        frames.append(learning_by_kind(engine, filters, threshold=1))
        frames += [
            completion_rates(engine, filters, name, threshold=1, today=TODAY)
            for name in COMPLETION_DIMENSIONS
        ]
        frames.append(at_risk_pairings(engine, filters, today=TODAY))
        return frames

    live = snapshot()
    _store(engine)
    for before, after in zip(live, snapshot(), strict=True):
        pd.testing.assert_frame_equal(after, before, check_dtype=False)


def test_an_invalidated_rollup_is_not_read(engine) -> None:  # type: ignore[no-untyped-def]
    grid_program(engine)
    _store(engine)
    first = _rows(engine, checkin_stats(engine)).iloc[0]
    with transaction(engine) as session:
        session.execute(
            insert(CheckIn).values(
                checkin_id="CI-LATE",
                pairing_id=first["pairing_id"],
                date=TODAY + dt.timedelta(days=1),
                clarity=5,
            )
        )
        rollups.invalidate(session.connection())
    assert not rollups.is_current(engine, rollups.PAIRING_STATS)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(PairingStats)).scalar() == 0
    again = _rows(engine, checkin_stats(engine)).set_index("pairing_id").loc[first["pairing_id"]]
    assert again["meetings"] == first["meetings"] + 1
    assert again["last_meeting"] == TODAY + dt.timedelta(days=1)


def test_an_import_invalidates_stored_rollups(engine) -> None:  # type: ignore[no-untyped-def]
    import_bundle(engine, SAMPLE_BUNDLE)
    _store(engine)
    assert rollups.is_current(engine, rollups.PAIRING_STATS)
    import_bundle(engine, SAMPLE_BUNDLE)
    assert not rollups.is_current(engine, rollups.PAIRING_STATS)
    _store(engine)
    assert rollups.is_current(engine, rollups.PAIRING_STATS)


def test_milestone_counts_are_read_only_on_the_day_they_were_stored(engine) -> None:  # type: ignore[no-untyped-def]
    grid_program(engine)
    _store(engine, TODAY)
    later = TODAY + dt.timedelta(days=60)
    # Sixty days on, more milestones are due and overdue: the stored counts are
    # stale for that day, so the live ones are used.
    assert "pairing_stats" not in str(milestone_stats(later, engine).element)
    pd.testing.assert_frame_equal(
        _rows(engine, milestone_stats(later, engine)), _rows(engine, milestone_stats(later))
    )
    assert not _rows(engine, milestone_stats(later)).equals(_rows(engine, milestone_stats(TODAY)))
    # Check-in roll-ups do not depend on the day and stay in use.
    assert "pairing_stats" in str(checkin_stats(engine).element)

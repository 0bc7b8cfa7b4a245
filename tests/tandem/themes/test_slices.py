"""The theme aggregates' counts stored per cohort slice: used for views of whole cohorts
only, equal to the live counts, and never used once they may be out of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.access.scope import Scope
from tandem.program import rollups
from tandem.program.bundle.importer import import_bundle
from tandem.themes import queries as q
from tandem.themes.queries.stored import stored_counts
from tandem.themes.refresh import refresh_themes
from tandem.themes.slices import forget_theme_slices, rewrite_theme_slices
from tests.tandem.themes.queries.program import FACTS, TODAY, build

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2].parent / "data" / "sample_bundle"

WHOLE_COHORTS = {
    "everything": Filters(scope=EVERYTHING),
    "a lead's cohort": Filters(scope=Scope(cohorts=("small",))),
    "a cohort chosen": Filters(cohorts=("big",), scope=EVERYTHING),
    "a programme type": Filters(program_types=("executive",), scope=EVERYTHING),
    "presenting": Filters(scope=Scope(presenting=True)),
}
WITHIN_COHORTS = {
    "a kind": Filters(kinds=("reverse",), scope=EVERYTHING),
    "a date range": Filters(
        date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 6, 1), scope=EVERYTHING
    ),
}


def _aggregates(engine: Engine, filters: Filters) -> dict[str, pd.DataFrame]:
    frames = {
        f"shares by {name}": frame
        for name, frame in q.theme_shares(engine, filters, threshold=3).items()
    }
    frames["sentiment"] = q.sentiment_by_theme(engine, filters, threshold=3)
    frames["change"] = q.emerging_fading(engine, filters, threshold=3, today=TODAY)[0]
    return {
        name: frame.sort_values(list(frame.columns[:2])).reset_index(drop=True)
        for name, frame in frames.items()
    }


@pytest.fixture
def program(engine: Engine) -> Engine:
    FACTS.update(stored=True, slices=True)
    try:
        build(engine)
    finally:
        FACTS.update(stored=False, slices=False)
    return engine


@pytest.mark.parametrize("view", WHOLE_COHORTS)
def test_a_view_of_whole_cohorts_sums_the_slices_and_gets_the_live_numbers(
    program: Engine, view: str
) -> None:
    filters = WHOLE_COHORTS[view]
    with program.connect() as connection:
        for grouping in ("month", "cohort", "sentiment"):
            assert stored_counts(connection, filters, [grouping]) is not None
        assert stored_counts(connection, filters, ["period"], as_of=TODAY) is not None
    stored = _aggregates(program, filters)
    assert not stored["sentiment"].empty and not stored["change"].empty
    with program.begin() as connection:
        forget_theme_slices(connection)
    live = _aggregates(program, filters)
    for name, frame in stored.items():
        pd.testing.assert_frame_equal(frame, live[name], check_dtype=False, obj=name)


@pytest.mark.parametrize("view", WITHIN_COHORTS)
def test_a_view_within_cohorts_reads_the_notes(program: Engine, view: str) -> None:
    with program.connect() as connection:
        assert stored_counts(connection, WITHIN_COHORTS[view], ["month"]) is None


def test_the_periods_hold_only_on_the_day_they_end(program: Engine) -> None:
    everything = WHOLE_COHORTS["everything"]
    with program.connect() as connection, pytest.raises(ValueError, match="as_of"):
        stored_counts(connection, everything, ["period"])  # a day must be named
    with program.connect() as connection:
        assert stored_counts(connection, everything, ["period"], as_of=TODAY) is not None
        tomorrow = TODAY + dt.timedelta(days=1)
        assert stored_counts(connection, everything, ["period"], as_of=tomorrow) is None
        # The other counts do not depend on the day.
        assert stored_counts(connection, everything, ["month"]) is not None
    with program.begin() as connection:
        rewrite_theme_slices(connection, tomorrow)
    with program.connect() as connection:
        assert stored_counts(connection, everything, ["period"], as_of=tomorrow) is not None


def test_the_refresh_stores_them_an_import_and_a_live_update_forget_them(
    engine: Engine,
) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    assert not rollups.is_current(engine, rollups.THEME_SLICES)
    refresh_themes(engine, discover=False, workers=1, today=TODAY)
    assert rollups.is_current(engine, rollups.THEME_SLICES)
    assert rollups.is_current(engine, rollups.THEME_PERIODS, TODAY)
    everything = WHOLE_COHORTS["everything"]
    stored = _aggregates(engine, everything)
    with engine.begin() as connection:
        forget_theme_slices(connection)
    assert not rollups.is_current(engine, rollups.THEME_SLICES)
    assert not rollups.is_current(engine, rollups.THEME_PERIODS, TODAY)
    live = _aggregates(engine, everything)
    for name, frame in stored.items():
        pd.testing.assert_frame_equal(frame, live[name], check_dtype=False, obj=name)

    # Nothing recomputed, but the slices were forgotten: the refresh writes them again;
    # a refresh on a later day rewrites the periods that end on it.
    report = refresh_themes(engine, discover=False, workers=1, today=TODAY)
    assert report.recomputed == 0
    assert rollups.is_current(engine, rollups.THEME_SLICES)
    later = TODAY + dt.timedelta(days=3)
    refresh_themes(engine, discover=False, workers=1, today=later)
    assert rollups.is_current(engine, rollups.THEME_PERIODS, later)

    import_bundle(engine, SAMPLE_BUNDLE)
    assert not rollups.is_current(engine, rollups.THEME_SLICES)
    with engine.connect() as connection:
        assert stored_counts(connection, everything, ["month"]) is None

"""How learning flows both ways (``tandem.portfolio.reciprocity``): learning by pairing kind,
who mentors whom by level, and the mentors who reach furthest."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import Engine

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio.reciprocity import hidden_experts, learning_by_kind, level_matrix
from tandem.program.bulk import upsert
from tandem.program.models import Pairing
from tests.factories import small_program

ALL = Filters(scope=EVERYTHING)


def test_learning_by_kind_counts_only_rated_pairings(engine: Engine) -> None:
    small_program(engine)  # x1 (traditional) has check-ins; x2 (reverse) has none
    frame = learning_by_kind(engine, ALL, threshold=1)
    assert list(frame["kind"]) == ["traditional"]
    row = frame.iloc[0]
    assert row["n"] == 1 and not row["suppressed"]
    assert row["mentor_learning"] == pytest.approx(2.0)
    # The latest check-in: clarity 4, confidence 3, influence 3, safety 4.
    assert row["mentee_rating"] == pytest.approx(3.5)
    hidden = learning_by_kind(engine, ALL, threshold=2).iloc[0]
    assert hidden["suppressed"] and math.isnan(hidden["mentor_learning"])


def test_level_matrix_counts_pairings_and_the_reverse_share(engine: Engine) -> None:
    small_program(engine)
    frame = level_matrix(engine, ALL, threshold=1)
    cells = {
        (int(r.mentor_level), int(r.mentee_level)): (r.n, r.reverse_share)
        for r in frame.itertuples()
    }
    assert cells == {(2, 5): (1, 1.0), (6, 3): (1, 0.0)}  # x2 is reverse, x1 is not
    assert level_matrix(engine, ALL, threshold=2)["suppressed"].all()
    only_reverse = level_matrix(engine, Filters(scope=EVERYTHING, kinds=("reverse",)), threshold=1)
    assert list(zip(only_reverse["mentor_level"], only_reverse["mentee_level"], strict=True)) == [
        (2, 5)
    ]


def test_hidden_experts_need_two_mentees_and_rank_by_reach(engine: Engine) -> None:
    small_program(engine)
    assert hidden_experts(engine, ALL).empty  # nobody mentors two people yet
    with engine.begin() as connection:
        upsert(
            connection,
            Pairing.__table__,  # type: ignore[arg-type]
            [
                {
                    "pairing_id": "x3",
                    "cohort_id": "c1",
                    "mentor_id": "p1",
                    "mentee_id": "p4",  # Risk, level 5: a second division and level
                    "kind": "traditional",
                    "status": "active",
                    "start_date": dt.date(2026, 2, 1),
                    "planned_end_date": None,
                    "ended_date": None,
                    "cadence_days": 30,
                    "objective": None,
                }
            ],
        )
    frame = hidden_experts(engine, ALL)
    assert list(frame["person_id"]) == ["p1"]
    expert = frame.iloc[0]
    assert (expert["divisions_reached"], expert["levels_reached"], expert["mentees"]) == (2, 2, 2)
    assert expert["reverse_pairings"] == 0


def test_the_level_matrix_of_whole_cohorts_sums_the_stored_outcome_cells(engine: Engine) -> None:
    """With What works' cells stored for the day, views of whole cohorts read them and get
    the live matrix; a view within cohorts and another day join the pairings."""
    import pandas as pd
    from sqlalchemy import update

    from tandem.access.scope import Scope
    from tandem.portfolio.outcomes import refresh_outcome_cells
    from tandem.portfolio.pairing_stats import refresh_pairing_stats
    from tandem.program.derived_tables import OutcomeCells
    from tests.factories import TODAY, grid_program

    grid_program(engine)
    views = [
        ALL,
        Filters(scope=EVERYTHING, cohorts=("gc0", "gc2")),
        Filters(scope=Scope(cohorts=("gc1",))),
        Filters(scope=EVERYTHING, kinds=("reverse",)),  # within cohorts
    ]
    live = [level_matrix(engine, view, threshold=2, today=TODAY) for view in views]
    pairings = level_matrix(engine, ALL, threshold=1, today=TODAY)["n"].sum()
    assert live[0]["reverse_share"].notna().any()
    with engine.begin() as connection:
        refresh_pairing_stats(connection, TODAY)
        refresh_outcome_cells(connection, TODAY)
    for view, expected in zip(views, live, strict=True):
        got = level_matrix(engine, view, threshold=2, today=TODAY)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    with engine.begin() as connection:  # altered on purpose: who reads them shows
        connection.execute(update(OutcomeCells).values(pairings=OutcomeCells.pairings * 10))
    assert level_matrix(engine, ALL, threshold=1, today=TODAY)["n"].sum() == 10 * pairings
    other_day = level_matrix(engine, ALL, threshold=2, today=TODAY + dt.timedelta(days=1))
    pd.testing.assert_frame_equal(other_day, live[0], check_dtype=False)
    within = level_matrix(engine, views[-1], threshold=2, today=TODAY)
    pd.testing.assert_frame_equal(within, live[-1], check_dtype=False)

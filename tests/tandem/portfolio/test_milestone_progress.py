"""Milestone progress queries against an independent computation on a known program."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

import pandas as pd
import pytest

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio import milestone_progress as progress
from tandem.program.milestones import DONE_STATUSES, OVERDUE, milestone_status
from tests.factories import TODAY, grid_program, small_program


def statuses(rows):  # type: ignore[no-untyped-def]
    return {
        m["milestone_id"]: milestone_status(m["due_date"], m["completed_date"], m["status"], TODAY)
        for m in rows["milestones"]
    }


def test_completion_by_kind_matches(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    status = statuses(rows)
    kind_of = {p["pairing_id"]: p["kind"] for p in rows["pairings"]}
    done, due, pairings = Counter(), Counter(), defaultdict(set)
    for m in rows["milestones"]:
        is_done = status[m["milestone_id"]] in DONE_STATUSES
        if is_done or m["due_date"] <= TODAY:
            kind = kind_of[m["pairing_id"]]
            done[kind] += is_done
            due[kind] += 1
            pairings[kind].add(m["pairing_id"])
    frame = progress.completion_rates(
        engine, Filters(scope=EVERYTHING), "kind", threshold=3, today=TODAY
    )
    assert set(frame["group"]) == set(due)
    for _, row in frame.iterrows():
        kind = row["group"]
        if len(pairings[kind]) < 3:
            assert row["suppressed"] and math.isnan(row["rate"])
        else:
            assert row["n"] == len(pairings[kind])
            assert row["rate"] == pytest.approx(done[kind] / due[kind])


def test_at_risk_lists_active_pairings_with_overdue_milestones_worst_first(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    status = statuses(rows)
    running = {p["pairing_id"] for p in rows["pairings"] if p["status"] in ("active", "paused")}
    overdue = Counter(
        m["pairing_id"]
        for m in rows["milestones"]
        if status[m["milestone_id"]] == OVERDUE and m["pairing_id"] in running
    )
    frame = progress.at_risk_pairings(engine, Filters(scope=EVERYTHING), today=TODAY)
    assert dict(zip(frame["pairing_id"], frame["overdue"], strict=True)) == dict(overdue)
    assert list(frame["overdue"]) == sorted(frame["overdue"], reverse=True)


def test_upcoming_is_the_next_thirty_days_not_done(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    status = statuses(rows)
    horizon = TODAY + dt.timedelta(days=30)
    expected = {
        m["milestone_id"]
        for m in rows["milestones"]
        if TODAY <= m["due_date"] <= horizon
        and status[m["milestone_id"]] not in (*DONE_STATUSES, "missed")
    }
    frame = progress.upcoming(engine, Filters(scope=EVERYTHING), today=TODAY)
    assert set(frame["milestone_id"]) == expected
    assert list(frame["due_date"]) == sorted(frame["due_date"])


def test_burn_up_totals_and_small_cohorts(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    frame, hidden = progress.burn_up(engine, Filters(scope=EVERYTHING), threshold=1)
    assert hidden == 0
    last = frame.groupby("cohort").tail(1)
    assert int(last["planned_total"].sum()) == len(rows["milestones"])
    done = sum(1 for m in rows["milestones"] if m["completed_date"] is not None)
    assert int(last["completed_total"].sum()) == done
    _, hidden_all = progress.burn_up(engine, Filters(scope=EVERYTHING), threshold=1000)
    assert hidden_all == frame["cohort"].nunique()


def test_contract_gaps_name_what_is_missing(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    frame = progress.contract_gaps(engine, Filters(scope=EVERYTHING)).set_index("pairing_id")
    # x1: objective, 2 milestones, one without success criteria; x2: nothing at all.
    assert frame.loc["x1", "missing"] == "1 milestone without success criteria"
    assert frame.loc["x2", "missing"] == "no objective; no milestones"


def test_timeline_pages_through_a_cohort(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    in_cohort = [p["pairing_id"] for p in rows["pairings"] if p["cohort_id"] == "gc0"]
    seen: set[str] = set()
    offset = 0
    while True:
        frame, total = progress.timeline(
            engine, "gc0", EVERYTHING, today=TODAY, limit=4, offset=offset
        )
        assert total == len(in_cohort)
        if offset >= total:
            break
        seen |= set(frame["pairing_id"])
        offset += 4
    with_milestones = {m["pairing_id"] for m in rows["milestones"]}
    assert seen == set(in_cohort) & with_milestones


def _burn_ups(engine, views):  # type: ignore[no-untyped-def]
    return [progress.burn_up(engine, filters, threshold=2) for filters in views]


def test_the_stored_month_counts_give_the_live_burn_up(engine) -> None:  # type: ignore[no-untyped-def]
    """The refresh's ``milestone_months`` serves the views that select whole cohorts
    (the program, a lead's cohorts, a cohort or programme-type filter) with the rows
    the milestones give; a view within cohorts (a kind) still reads the milestones."""
    from sqlalchemy import select, update

    from tandem.access.scope import Scope
    from tandem.program import rollups
    from tandem.program.derived_tables import MilestoneMonths

    grid_program(engine)
    whole = [
        Filters(scope=EVERYTHING),
        Filters(scope=EVERYTHING, cohorts=("gc0", "gc2")),
        Filters(scope=EVERYTHING, program_types=("executive",)),
        Filters(scope=EVERYTHING, program_types=("reverse",)),  # no such cohort: nothing
        Filters(scope=Scope(cohorts=("gc1",))),
        Filters(scope=Scope(cohorts=("gc1",)), cohorts=("gc1", "gc2")),
    ]
    within = [Filters(scope=EVERYTHING, kinds=("reverse",))]
    live = _burn_ups(engine, whole + within)
    assert not live[0][0].empty and live[3][0].empty
    with engine.begin() as connection:
        stored_rows = progress.refresh_milestone_months(connection)
    assert stored_rows > 0 and rollups.is_current(engine, rollups.MILESTONE_MONTHS)
    for (expected, expected_hidden), (frame, hidden) in zip(
        live, _burn_ups(engine, whole + within), strict=True
    ):
        pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
        assert hidden == expected_hidden
    # The whole-cohort views read the stored counts (altered here on purpose); the
    # view within cohorts does not.
    with engine.begin() as connection:
        connection.execute(
            update(MilestoneMonths).values(milestones=MilestoneMonths.milestones + 1)
        )
    altered = _burn_ups(engine, whole + within)
    assert int(altered[0][0]["planned_total"].max()) > int(live[0][0]["planned_total"].max())
    pd.testing.assert_frame_equal(altered[-1][0], live[-1][0], check_dtype=False)
    # An import forgets them.
    with engine.begin() as connection:
        rollups.invalidate(connection)
        assert connection.execute(select(MilestoneMonths.id)).first() is None
    assert not rollups.is_current(engine, rollups.MILESTONE_MONTHS)


def test_the_stored_outcome_cells_give_the_live_completion_rates(engine) -> None:  # type: ignore[no-untyped-def]
    """Views of whole cohorts sum What works' stored cells for the completion rates and
    the program line (done, due, overdue and pairings with something due), with the
    numbers the milestones give; a view within cohorts still reads the pairings."""
    from sqlalchemy import update

    from tandem.access.scope import Scope
    from tandem.portfolio.outcomes import refresh_outcome_cells
    from tandem.portfolio.pairing_stats import refresh_pairing_stats
    from tandem.program.derived_tables import OutcomeCells

    grid_program(engine)
    views = [
        Filters(scope=EVERYTHING),
        Filters(scope=EVERYTHING, cohorts=("gc0", "gc2")),
        Filters(scope=EVERYTHING, program_types=("executive",)),
        Filters(scope=Scope(cohorts=("gc1",))),
        Filters(scope=EVERYTHING, kinds=("reverse",)),  # within cohorts
    ]

    def read() -> list[object]:
        out: list[object] = []
        for filters in views:
            for dimension in progress.COMPLETION_DIMENSIONS:
                frame = progress.completion_rates(
                    engine, filters, dimension, threshold=2, today=TODAY
                )
                out.append(frame.sort_values("group").reset_index(drop=True))
            out.append(progress.program_completion(engine, filters, threshold=2, today=TODAY))
        return out

    live = read()
    assert not live[0].empty and live[3] is not None
    with engine.begin() as connection:
        refresh_pairing_stats(connection, TODAY)
        assert refresh_outcome_cells(connection, TODAY) > 0
    for got, expected in zip(read(), live, strict=True):
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(got, expected, check_dtype=False)
        else:
            assert got == pytest.approx(expected)
    # Who reads the cells shows when they are altered on purpose.
    with engine.begin() as connection:
        connection.execute(update(OutcomeCells).values(overdue=OutcomeCells.overdue + 1))
    altered = progress.completion_rates(
        engine, views[0], "kind", threshold=2, today=TODAY
    ).sort_values("group")
    by_kind = live[1]  # the whole program's rates by kind (cohort, kind, division, line)
    assert (altered["overdue"].to_numpy() > by_kind["overdue"].to_numpy()).all()
    within = progress.completion_rates(engine, views[-1], "kind", threshold=2, today=TODAY)
    pd.testing.assert_frame_equal(
        within.sort_values("group").reset_index(drop=True), live[-3], check_dtype=False
    )

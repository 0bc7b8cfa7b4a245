"""Milestone progress queries against an independent computation on a known program."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

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

"""Outcome combinations against an independent computation in plain Python."""

from __future__ import annotations

import math
from collections import defaultdict

import pytest

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio.outcomes import DIMENSIONS, drill_down, outcomes_by
from tandem.portfolio.portfolio import portfolio_page
from tandem.program.milestones import DONE_STATUSES, milestone_status
from tests.factories import TODAY, grid_program

RATINGS = ("clarity", "confidence", "influence", "safety")


def expected_groups(rows, key_of):  # type: ignore[no-untyped-def]
    people = {p["person_id"]: p for p in rows["people"]}
    cohorts = {c["cohort_id"]: c["name"] for c in rows["cohorts"]}
    milestones = defaultdict(list)
    for m in rows["milestones"]:
        milestones[m["pairing_id"]].append(m)
    checkins = defaultdict(list)
    for k in rows["checkins"]:
        checkins[k["pairing_id"]].append(k)
    groups = defaultdict(
        lambda: {"n": 0, "done": 0, "due": 0, "gains": [], "active": 0, "n_due": 0}
    )
    for p in rows["pairings"]:
        mentor, mentee = people[p["mentor_id"]], people[p["mentee_id"]]
        context = {
            "mentor_division": mentor["division"],
            "mentee_division": mentee["division"],
            "level_gap": mentor["level"] - mentee["level"],
            "geography_match": "same"
            if mentor["geography"] == mentee["geography"]
            else "different",
            "kind": p["kind"],
            "cohort": cohorts.get(p["cohort_id"], "(no cohort)"),
        }
        group = groups[key_of(context)]
        group["n"] += 1
        done = due = 0
        for m in milestones[p["pairing_id"]]:
            status = milestone_status(m["due_date"], m["completed_date"], m["status"], TODAY)
            is_done = status in DONE_STATUSES
            done += is_done
            due += is_done or m["due_date"] <= TODAY
        group["done"] += done
        group["due"] += due
        group["n_due"] += due > 0
        means = []
        for k in sorted(checkins[p["pairing_id"]], key=lambda k: (k["date"], k["checkin_id"])):
            given = [k[r] for r in RATINGS if k[r] is not None]
            if given:
                means.append(sum(given) / len(given))
        if len(means) >= 2:
            group["gains"].append(means[-1] - means[0])
        group["active"] += p["status"] == "active"
    return groups


@pytest.mark.parametrize("dimension", sorted(DIMENSIONS))
def test_outcomes_match_independent_computation(engine, dimension: str) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    columns = DIMENSIONS[dimension].columns
    threshold = 3
    frame = outcomes_by(
        engine, Filters(scope=EVERYTHING), dimension, threshold=threshold, today=TODAY
    )
    expected = expected_groups(rows, lambda c: tuple(c[name] for name in columns))
    assert len(frame) == len(expected)
    for _, row in frame.iterrows():
        group = expected[tuple(row[name] for name in columns)]
        if group["n"] < threshold:
            assert row["suppressed"]
            assert all(math.isnan(row[c]) for c in ("n", "completion_rate", "rating_gain"))
            continue
        assert not row["suppressed"]
        assert row["n"] == group["n"]
        assert row["active_share"] == pytest.approx(group["active"] / group["n"])
        if group["n_due"] >= threshold and group["due"]:
            assert row["completion_rate"] == pytest.approx(group["done"] / group["due"])
        else:
            assert math.isnan(row["completion_rate"])
        if len(group["gains"]) >= threshold:
            assert row["rating_gain"] == pytest.approx(sum(group["gains"]) / len(group["gains"]))
        else:
            assert math.isnan(row["rating_gain"])


def test_no_cell_below_the_threshold_carries_a_number(engine) -> None:  # type: ignore[no-untyped-def]
    grid_program(engine)
    for dimension in DIMENSIONS:
        frame = outcomes_by(engine, Filters(scope=EVERYTHING), dimension, threshold=8, today=TODAY)
        small = frame[frame["suppressed"]]
        assert small[["n", "completion_rate", "rating_gain", "active_share"]].isna().all().all()


def test_clicking_a_cell_narrows_the_portfolio_to_that_cell(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    frame = outcomes_by(
        engine, Filters(scope=EVERYTHING), "division_pair", threshold=1, today=TODAY
    )
    for _, cell in frame.iterrows():
        narrowed = drill_down(
            Filters(scope=EVERYTHING),
            "division_pair",
            {
                "mentor_division": cell["mentor_division"],
                "mentee_division": cell["mentee_division"],
            },
        )
        assert portfolio_page(engine, narrowed, today=TODAY).total == cell["n"]
    gaps = outcomes_by(engine, Filters(scope=EVERYTHING), "level_gap", threshold=1, today=TODAY)
    for _, cell in gaps.iterrows():
        narrowed = drill_down(
            Filters(scope=EVERYTHING), "level_gap", {"level_gap": cell["level_gap"]}
        )
        assert portfolio_page(engine, narrowed, today=TODAY).total == cell["n"]
    assert sum(gaps["n"]) == len(rows["pairings"])

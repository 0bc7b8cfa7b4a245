"""Equity by group and the everyone line, against an independent computation in plain Python."""

from __future__ import annotations

import math
from collections import defaultdict

import pytest
from sqlalchemy import Engine, update

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio.equity import MEASURES, NOT_STATED, POOLED, SENIOR_LEVEL, equity_report
from tandem.program.milestones import DONE_STATUSES, milestone_status
from tandem.program.models import Person
from tests.factories import TODAY, grid_program

RATINGS = ("clarity", "confidence", "influence", "safety")
ALL = Filters(scope=EVERYTHING)


def _with_groups(engine: Engine, tiny: dict[int, str]) -> dict[str, list[dict[str, object]]]:
    """The grid program with people in two large groups, some in none, and the
    people numbered in ``tiny`` in small groups of their own."""
    rows = grid_program(engine)
    for index, person in enumerate(rows["people"]):
        name = tiny.get(index) or ("Alpha", "Beta", None)[index % 3]
        person["group_name"] = name
        with engine.begin() as connection:
            connection.execute(
                update(Person)
                .where(Person.person_id == person["person_id"])
                .values(group_name=name)
            )
    return rows


def _expected(rows):  # type: ignore[no-untyped-def]
    """Per group, the numerators and denominators of every measure."""
    people = {p["person_id"]: p for p in rows["people"]}
    groups: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    roles: dict[str, set[str]] = defaultdict(set)
    for p in rows["pairings"]:
        roles[p["mentor_id"]].add("mentor")
        roles[p["mentee_id"]].add("mentee")
        if people[p["mentor_id"]]["level"] >= SENIOR_LEVEL:
            roles[p["mentee_id"]].add("senior")
    for person_id, person in people.items():
        group = groups[person["group_name"] or NOT_STATED]
        group["people"] += 1
        group["participants"] += bool(roles[person_id])
        group["mentors"] += "mentor" in roles[person_id]
        group["mentees"] += "mentee" in roles[person_id]
        group["senior"] += "senior" in roles[person_id]
    checkins = defaultdict(list)
    for k in rows["checkins"]:
        checkins[k["pairing_id"]].append(k)
    for p in rows["pairings"]:
        group = groups[people[p["mentee_id"]]["group_name"] or NOT_STATED]
        done = due = 0
        for m in (m for m in rows["milestones"] if m["pairing_id"] == p["pairing_id"]):
            status = milestone_status(m["due_date"], m["completed_date"], m["status"], TODAY)
            done += status in DONE_STATUSES
            due += status in DONE_STATUSES or m["due_date"] <= TODAY
        group["done"] += done
        group["due"] += due
        group["n_due"] += due > 0
        ordered = sorted(checkins[p["pairing_id"]], key=lambda k: (k["date"], k["checkin_id"]))
        means = [
            sum(given) / len(given)
            for given in ([k[r] for r in RATINGS if k[r] is not None] for k in ordered)
            if given
        ]
        if len(means) >= 2:
            group["gain_sum"] += means[-1] - means[0]
            group["n_rated"] += 1
    return groups


def _ratio(c, measure):  # type: ignore[no-untyped-def]
    """One measure from the counts, written out as the spec words it."""
    if measure == "participation":
        return c["participants"] / c["people"]
    if measure == "mentor_share":
        return c["mentors"] / c["participants"]
    if measure == "senior_mentor_share":
        return c["senior"] / c["mentees"]
    if measure == "completion_rate":
        return c["done"] / c["due"]
    return c["gain_sum"] / c["n_rated"]


def test_every_group_and_everyone_match_an_independent_computation(engine) -> None:  # type: ignore[no-untyped-def]
    expected = _expected(_with_groups(engine, {}))
    report = equity_report(engine, ALL, threshold=1, today=TODAY)
    assert sorted(report.groups["group"]) == sorted(expected)
    assert not report.groups["suppressed"].any()
    for _, row in report.groups.iterrows():
        counts = expected[row["group"]]
        assert row["people"] == counts["people"]
        for measure in MEASURES:
            assert row[measure] == pytest.approx(_ratio(counts, measure))
    total: dict[str, float] = defaultdict(float)
    for counts in expected.values():
        for key, value in counts.items():
            total[key] += value
    for measure in MEASURES:
        assert report.everyone[measure] == pytest.approx(_ratio(total, measure))


def test_a_small_group_is_pooled_and_the_line_does_not_give_it_away(engine) -> None:  # type: ignore[no-untyped-def]
    # Two people alone in a group: with the threshold at 3, everyone minus the
    # groups on show would be their figure, so the line pools the groups on show.
    expected = _expected(_with_groups(engine, {0: "Tiny", 1: "Tiny"}))
    report = equity_report(engine, ALL, threshold=3, today=TODAY)
    groups = report.groups.set_index("group")
    assert "Tiny" not in groups.index
    assert groups.loc[POOLED, "suppressed"]
    assert groups.loc[POOLED, ["people", *MEASURES]].isna().all()
    shown = [counts for group, counts in expected.items() if group != "Tiny"]
    assert report.everyone["participation"] == pytest.approx(
        sum(c["participants"] for c in shown) / sum(c["people"] for c in shown)
    )


def test_hidden_groups_that_together_reach_the_threshold_keep_the_line(engine) -> None:  # type: ignore[no-untyped-def]
    rows = _with_groups(engine, {0: "Tiny", 1: "Tiny", 2: "Small", 3: "Small"})
    expected = _expected(rows)
    report = equity_report(engine, ALL, threshold=3, today=TODAY)
    assert set(report.groups["group"]) == {"Alpha", "Beta", NOT_STATED, POOLED}
    people = sum(counts["people"] for counts in expected.values())
    participants = sum(counts["participants"] for counts in expected.values())
    assert report.everyone["participation"] == pytest.approx(participants / people)


def test_no_pairings_leaves_every_figure_empty(engine) -> None:  # type: ignore[no-untyped-def]
    _with_groups(engine, {})
    nothing = Filters(statuses=("no-such-status",), scope=EVERYTHING)
    report = equity_report(engine, nothing, threshold=1, today=TODAY)
    assert (report.groups["participation"] == 0).all()
    assert all(
        math.isnan(value)
        for measure in MEASURES
        if measure != "participation"
        for value in report.groups[measure]
    )
    assert report.everyone["participation"] == 0
    assert all(report.everyone[m] is None for m in MEASURES if m != "participation")

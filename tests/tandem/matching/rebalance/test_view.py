"""Shaping a rebalancing plan for the page: scope, loads before/after, component frames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tandem.access import Scope
from tandem.matching import (
    AFTER,
    BEFORE,
    CURRENT,
    SUGGESTED,
    RebalancePlan,
    Suggestion,
    Unresolved,
    by_gain,
    chart_load_changes,
    component_frame,
    compute_rebalance,
    load_changes,
    load_long,
    pins_rows,
    scoped_suggestions,
    scoped_unresolved,
    shape_plan,
    suggestion_frame,
    suggestion_key,
)
from tandem.matching.config import COMPONENT_LABELS, COMPONENTS, MatchConfig
from tandem.matching.rebalance.queries import mentor_loads
from tandem.program.bundle import import_bundle

SAMPLE_BUNDLE = Path(__file__).resolve().parents[4] / "data" / "sample_bundle"


def suggestion(pairing_id: str, cohort: str | None, gain: float, **extra: object) -> Suggestion:
    values: dict[str, object] = {
        "pairing_id": pairing_id,
        "mentee_id": f"e-{pairing_id}",
        "current_mentor_id": "m1",
        "suggested_mentor_id": "m2",
        "current_score": 0.4,
        "suggested_score": 0.4 + gain,
        "gain": gain,
        "current_components": {name: 0.2 for name in COMPONENTS},
        "suggested_components": {name: 0.8 for name in COMPONENTS},
        "current_mentor_load_before": 3,
        "current_mentor_load_after": 2,
        "suggested_mentor_load_before": 0,
        "suggested_mentor_load_after": 1,
        "runner_up_mentor_id": None,
        "runner_up_score": None,
        "reasons": [],
        "cohort_id": cohort,
    }
    values.update(extra)
    return Suggestion(**values)  # type: ignore[arg-type]


def test_load_changes_agree_with_the_plan(engine) -> None:  # type: ignore[no-untyped-def]
    import_bundle(engine, SAMPLE_BUNDLE)
    plan = compute_rebalance(engine)
    assert plan.suggestions
    touched = {s.current_mentor_id for s in plan.suggestions} | {
        s.suggested_mentor_id for s in plan.suggestions
    }
    moves = suggestion_frame(plan.suggestions)
    changes = load_changes(mentor_loads(engine, touched), moves).set_index("person_id")
    for s in plan.suggestions:
        assert changes.loc[s.current_mentor_id, "before"] == s.current_mentor_load_before
        assert changes.loc[s.current_mentor_id, "after"] == s.current_mentor_load_after
        assert changes.loc[s.suggested_mentor_id, "before"] == s.suggested_mentor_load_before
        assert changes.loc[s.suggested_mentor_id, "after"] == s.suggested_mentor_load_after
    # Nobody is over capacity once every suggestion is accepted.
    assert changes["over_before"].any() and not changes["over_after"].any()
    long = load_long(changes.reset_index())
    assert len(long) == 2 * len(changes)
    assert set(long["when"]) == {BEFORE, AFTER}


def test_load_changes_drop_mentors_with_nothing_to_show() -> None:
    import pandas as pd

    loads = pd.DataFrame(
        {
            "person_id": ["m1", "m2", "m3", "m4"],
            "name": ["A", "B", "C", "D"],
            "max_mentees": [2, 2, 2, 1],
            "load": [3, 0, 1, 2],
        }
    )
    moves = suggestion_frame([suggestion("p1", None, 0.1)])
    changes = load_changes(loads, moves).set_index("person_id")
    # m3 unchanged and within capacity: dropped; m4 unchanged but overloaded: kept.
    assert list(changes.index) == ["m1", "m2", "m4"]
    assert changes.loc["m1", "after"] == 2 and changes.loc["m2", "after"] == 1
    assert changes.loc["m4", "over_after"]


def test_scope_limits_suggestions_and_unresolved_to_the_leads_cohorts() -> None:
    items = [suggestion("a", "c1", 0.1), suggestion("b", "c2", 0.2), suggestion("c", None, 0.3)]
    assert scoped_suggestions(items, Scope()) == items
    assert [s.pairing_id for s in scoped_suggestions(items, Scope(("c1",)))] == ["a"]
    unresolved = [Unresolved("a", "e", "m", ["x"]), Unresolved("z", "e", "m", ["y"])]
    assert scoped_unresolved(unresolved, Scope(), set()) == unresolved
    assert [u.pairing_id for u in scoped_unresolved(unresolved, Scope(("c1",)), {"a"})] == ["a"]


def test_chart_load_changes_keeps_the_mentors_with_most_to_see() -> None:
    import pandas as pd

    loads = pd.DataFrame(
        {
            "person_id": ["m1", "m2", "m3", "m4", "m5"],
            "name": ["A", "B", "C", "D", "E"],
            "max_mentees": [5, 5, 1, 5, 5],
            "load": [1, 1, 2, 4, 3],
        }
    )
    # m1 +1, m2 −1, m4 −2, m5 +2; m3 over capacity and unchanged.
    moves = [
        suggestion("p1", None, 0.1, current_mentor_id="m2", suggested_mentor_id="m1"),
        suggestion("p2", None, 0.1, current_mentor_id="m4", suggested_mentor_id="m5"),
        suggestion("p3", None, 0.1, current_mentor_id="m4", suggested_mentor_id="m5"),
    ]
    changes = load_changes(loads, suggestion_frame(moves))
    assert list(changes["person_id"]) == ["m1", "m2", "m3", "m4", "m5"]
    assert chart_load_changes(changes, 5) is changes  # all fit: all drawn
    # m3 is over capacity (first), then the biggest changes (m4 −2, m5 +2), in name order.
    assert list(chart_load_changes(changes, 3)["person_id"]) == ["m3", "m4", "m5"]
    assert list(chart_load_changes(changes, 1)["person_id"]) == ["m3"]


def test_shape_plan_scopes_orders_and_totals_once() -> None:
    items = [
        suggestion("a", "c1", 0.1, suggested_mentor_id="m3"),
        suggestion("b", "c2", 0.2),
        suggestion("c", "c1", 0.3),
    ]
    unresolved = [Unresolved("x", "e", "m", ["r"]), Unresolved("y", "e", "m", ["r"])]
    plan = RebalancePlan(items, unresolved, 1.0, [], {}, movable=5, stays=0)
    frame = suggestion_frame(items)
    assert list(frame["pairing_id"]) == ["a", "b", "c"] and list(frame["gain"]) == [0.1, 0.2, 0.3]
    everything = shape_plan(plan, frame, Scope(), set())
    # The order of by_gain, ties by pairing id.
    tie = suggestion_frame([*items, suggestion("B", "c2", 0.2)])
    assert list(shape_plan(plan, tie, Scope(), set()).suggestions["pairing_id"]) == [
        s.pairing_id for s in by_gain([*items, suggestion("B", "c2", 0.2)])
    ]
    assert list(everything.suggestions["pairing_id"]) == ["c", "b", "a"]
    assert everything.gain == pytest.approx(0.6)
    assert everything.unresolved == unresolved
    assert everything.mentors == {"m1", "m2", "m3"}
    mine = shape_plan(plan, frame, Scope(("c1",)), {"y"})
    assert list(mine.suggestions["pairing_id"]) == ["c", "a"]
    assert mine.gain == pytest.approx(0.4)
    assert [u.pairing_id for u in mine.unresolved] == ["y"]


def test_suggestions_by_gain_and_their_keys() -> None:
    items = [suggestion("a", None, 0.1), suggestion("b", None, 0.3), suggestion("c", None, 0.1)]
    assert [s.pairing_id for s in by_gain(items)] == ["b", "a", "c"]
    assert suggestion_key(items[0]) == "a|m2|1"
    bumped = suggestion("a", None, 0.1, pairing_version=2)
    assert suggestion_key(bumped) != suggestion_key(items[0])


def test_component_frame_pairs_both_mentors_per_component() -> None:
    config = MatchConfig()
    frame = component_frame(suggestion("a", None, 0.1), config)
    assert len(frame) == 2 * len(COMPONENTS)
    assert set(frame["component"]) == set(COMPONENT_LABELS.values())
    assert set(frame.loc[frame["side"] == CURRENT, "value"]) == {0.2}
    assert set(frame.loc[frame["side"] == SUGGESTED, "value"]) == {0.8}
    for side in (CURRENT, SUGGESTED):
        assert frame.loc[frame["side"] == side, "share"].sum() == pytest.approx(1.0)


def test_pins_rows_tick_the_kept_pairings() -> None:
    frame = pd.DataFrame({"pairing_id": ["pr-1", "pr-2", "pr-3", "pr-4"]})
    rows = pins_rows(frame, pins=["pr-2"], excludes=["pr-4"])
    assert list(rows["pairing_id"]) == ["pr-1", "pr-2", "pr-3", "pr-4"]  # order kept
    assert list(rows["pinned"]) == [False, True, False, False]
    assert list(rows["excluded"]) == [False, False, False, True]
    assert "pinned" not in frame.columns  # the shared frame is not changed

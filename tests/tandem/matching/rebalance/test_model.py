"""What rebalancing answers (``tandem.matching.rebalance.model``): the documented JSON of a
suggestion and of a plan, and every field for a page."""

from __future__ import annotations

from tandem.matching.rebalance.model import (
    MOVABLE_STATUSES,
    Candidate,
    RebalancePlan,
    Unresolved,
)
from tandem.program.models import RUNNING_STATUSES
from tests.tandem.matching.rebalance.programs import suggestion


def test_a_suggestions_json_has_exactly_the_documented_keys() -> None:
    out = suggestion().to_json()
    assert set(out) == {
        "pairing_id",
        "mentee_id",
        "current_mentor_id",
        "suggested_mentor_id",
        "current_score",
        "suggested_score",
        "components",
        "reasons",
    }
    assert out["components"] == {"current": {"skills": 0.1}, "suggested": {"skills": 0.9}}
    # A copy: changing the JSON does not change the suggestion.
    out["reasons"].append("x")
    assert suggestion().reasons == ["mentor over capacity"]


def test_to_dict_has_every_field_for_a_page() -> None:
    whole = suggestion().to_dict()
    assert whole["why_move"] == ["over capacity"] and whole["pairing_version"] == 1
    assert set(whole) > set(suggestion().to_json()) - {"components"}


def test_a_plans_json_explains_only_when_asked() -> None:
    plan = RebalancePlan(
        suggestions=[suggestion()],
        unresolved=[Unresolved("p2", "e2", "m1", ["no free mentor"])],
        total_score=1.5,
        candidates=[Candidate("p1", "e1", "m2", 0.7), Candidate("p1", "e1", "m1", 0.45, stay=True)],
        capacity={"m2": 1},
        movable=2,
        stays=1,
    )
    plain = plan.to_json()
    assert set(plain) == {"suggestions", "total_score"} and plain["total_score"] == 1.5
    explained = plan.to_json(explain=True)
    assert explained["capacity"] == {"m2": 1}
    assert explained["candidates"][1] == {
        "pairing_id": "p1",
        "mentee_id": "e1",
        "mentor_id": "m1",
        "score": 0.45,
    }


def test_the_movable_pairings_are_the_running_ones() -> None:
    assert MOVABLE_STATUSES == RUNNING_STATUSES

"""What a cohort's match answers (``tandem.matching.cohort_model``): its total and the JSON
the command line prints."""

from __future__ import annotations

from tandem.matching.cohort_model import CohortMatch, Proposal, Unmatched


def _match() -> CohortMatch:
    return CohortMatch(
        cohort_id="c1",
        cohort_name="Cohort one",
        kind="traditional",
        sign_ups=[],
        proposals=[
            Proposal("e1", "m1", 0.1234564, {"skills": 1.0}),
            Proposal("e2", "m2", 0.2000004, {"skills": 0.5}, pinned=True),
        ],
        unmatched=[Unmatched("e3", "no mentor with a free slot is allowed")],
        capacity={"m1": 1, "m2": 2},
        minimum_score=0.1,
        candidates=[("e1", "m1", 0.1234564), ("e1", "m2", 0.05)],
    )


def test_total_score_sums_the_proposals_as_the_solver_does() -> None:
    # Each score in micro-units, summed, then back (what the exact solver maximised):
    # not round(0.3234568, 6), which would say 0.323457.
    assert _match().total_score == 0.323456


def test_to_json_says_the_proposals_and_explains_only_when_asked() -> None:
    plain = _match().to_json()
    assert plain == {
        "cohort_id": "c1",
        "proposals": [
            {"mentee_id": "e1", "mentor_id": "m1", "score": 0.1234564},
            {"mentee_id": "e2", "mentor_id": "m2", "score": 0.2000004},
        ],
        "total_score": 0.323456,
        "minimum_score": 0.1,
        "unmatched": [{"person_id": "e3", "reason": "no mentor with a free slot is allowed"}],
    }
    explained = _match().to_json(explain=True)
    assert explained["capacity"] == {"m1": 1, "m2": 2}
    assert explained["candidates"][1] == {"mentee_id": "e1", "mentor_id": "m2", "score": 0.05}
    assert {k: v for k, v in explained.items() if k not in ("capacity", "candidates")} == plain

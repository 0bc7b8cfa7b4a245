"""A suggestion in words: who moves from whom to whom and why, never contradicting itself."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.matching import RebalancePlan, Suggestion, Unresolved
from tandem.matching.rebalance.words import (
    compared,
    joined,
    levels_from_mentee,
    plan_sentence,
    runner_up_sentence,
    score_change_text,
    scores_text,
    suggestion_sentence,
)
from tandem.program.words import plural

NAMES = {"e": "Ana Lima", "m1": "Bob Chen", "m2": "Carla Diaz", "m3": "Dev Rao", "x": "Eli Ng"}


def suggestion(**changes: object) -> Suggestion:
    base: dict[str, object] = {
        "pairing_id": "p1",
        "mentee_id": "e",
        "current_mentor_id": "m1",
        "suggested_mentor_id": "m2",
        "current_score": 0.449999,
        "suggested_score": 0.8,
        "gain": 0.350001,
        "current_components": {},
        "suggested_components": {},
        "current_mentor_load_before": 3,
        "current_mentor_load_after": 2,
        "suggested_mentor_load_before": 0,
        "suggested_mentor_load_after": 1,
        "runner_up_mentor_id": None,
        "runner_up_score": None,
        "reasons": [],
        "why_move": ["the current mentor has 3 mentees for 2 places"],
        "why_better": ["brings a different division (Finance)"],
    }
    base.update(changes)
    return Suggestion(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.449999, 0.45, ("44.9999", "45")),
        (0.4449, 0.45, ("44", "45")),
        (0.3, 0.455, ("30", "45.5")),
        (0.9651, 0.9652, ("96.5", "96.52")),
    ],
)
def test_compared_numbers_read_in_their_true_order(low: float, high: float, expected) -> None:  # type: ignore[no-untyped-def]
    assert compared(low, high, line=True) == expected
    a, b = compared(low, high)
    assert float(a) < float(b)


def test_the_sentence_names_the_mentee_and_both_mentors_in_order() -> None:
    text = suggestion_sentence(suggestion(), NAMES.__getitem__)
    assert text.startswith("Move mentee Ana Lima from Bob Chen to Carla Diaz: ")
    assert "the current mentor has 3 mentees for 2 places" in text
    assert "Carla Diaz brings a different division (Finance)" in text
    # On the 0–100 scale a person reads everywhere, whole where that reads true.
    assert text.endswith("(match score 45 → 80).")


def test_a_move_that_lowers_the_score_says_so() -> None:
    s = suggestion(current_score=0.7, suggested_score=0.65, gain=-0.05)
    text = suggestion_sentence(s, NAMES.__getitem__)
    assert "drops from 70 to 65" in text


def test_a_better_runner_up_says_who_holds_its_places() -> None:
    s = suggestion(
        runner_up_mentor_id="m3",
        runner_up_score=0.978,
        suggested_score=0.965,
        runner_up_taken_by=["x"],
        runner_up_slots=1,
    )
    text = runner_up_sentence(s, NAMES.__getitem__)
    assert text == (
        "Dev Rao would fit this mentee better (98 against 96), but Dev Rao's free "
        "place goes to Eli Ng, and that gives the program a higher total fit."
    )


def test_a_weaker_runner_up_is_the_next_best_and_a_tie_is_said() -> None:
    s = suggestion(runner_up_mentor_id="m3", runner_up_score=0.7)
    assert runner_up_sentence(s, NAMES.__getitem__) == (
        "Dev Rao (70), the next best after Carla Diaz (80)."
    )
    tie = suggestion(runner_up_mentor_id="m3", runner_up_score=0.8)
    assert "fits equally well (80)" in runner_up_sentence(tie, NAMES.__getitem__)
    none = suggestion()
    assert runner_up_sentence(none, NAMES.__getitem__).startswith("No other mentor")


def test_plurals_and_lists() -> None:
    assert plural(1, "mentee") == "1 mentee" and plural(2, "mentee") == "2 mentees"
    assert joined(["a"]) == "a" and joined(["a", "b", "c"]) == "a, b and c"


def test_a_better_rotation_runner_up_says_who_gets_its_place() -> None:
    from tandem.matching import RotationSuggestion, rotation_runner_up

    r = RotationSuggestion(
        mentee_id="e",
        previous_pairing_id="p0",
        previous_mentor_ids=["m1"],
        suggested_mentor_id="m2",
        score=0.963,
        components={},
        kind="traditional",
        cohort_id=None,
        runner_up_mentor_id="m3",
        runner_up_score=0.986,
        reasons=[],
        runner_up_taken_by=["x"],
    )
    assert rotation_runner_up(r, NAMES.__getitem__) == (
        "Dev Rao (99): their free place goes to Eli Ng"
    )
    r.runner_up_score = 0.9
    assert rotation_runner_up(r, NAMES.__getitem__) == "Dev Rao (90)"
    # Scores that round alike get the decimal that tells them apart.
    r.runner_up_score = 0.9634
    assert rotation_runner_up(r, NAMES.__getitem__).startswith("Dev Rao (96.3")


def plan(suggestions: int, stays: int, unresolved: int) -> RebalancePlan:
    moves = [suggestion(pairing_id=f"p{i}", gain=0.1 * (i + 1)) for i in range(suggestions)]
    return RebalancePlan(
        suggestions=moves,
        unresolved=[
            Unresolved(pairing_id=f"u{i}", mentee_id="e", current_mentor_id="m1", reasons=[])
            for i in range(unresolved)
        ],
        total_score=12.345,
        candidates=[],
        capacity={},
        movable=suggestions + stays + unresolved,
        stays=stays,
    )


def test_the_plan_in_words_adds_up_and_never_shows_the_objective() -> None:
    text = plan_sentence(plan(3, 1, 2))
    assert text == (
        "Of the 6 pairings that may move, the plan moves 3 to a better mentor, keeps 1 "
        "with their mentor (no move beats staying by the stay bonus) and finds no "
        "acceptable place for 2. A move changes the match score by +20.0 on average "
        "(on its 0–100 scale)."
    )
    assert "12.345" not in text and "bjective" not in text
    assert plan_sentence(plan(0, 1, 0)) == (
        "Of the 1 pairing that may move, the plan moves none and keeps 1 with their "
        "mentor (no move beats staying by the stay bonus)."
    )
    assert plan_sentence(plan(0, 0, 0)).startswith("No pairing needs to move")


def test_a_level_gap_reads_as_levels_above_or_below_the_mentee() -> None:
    assert levels_from_mentee(-2) == "2 levels below the mentee"
    assert levels_from_mentee(1) == "1 level above the mentee"
    assert levels_from_mentee(0) == "at the mentee's level"


def test_scores_side_by_side_differ_in_print_when_they_differ() -> None:
    assert scores_text(0.975, 0.5) == ("98", "50")
    assert scores_text(0.9634, 0.963) == ("96.34", "96.30")
    assert scores_text(0.8, 0.8) == ("80", "80")


def test_the_plan_sentence_counts_moves_given_apart_from_the_plan() -> None:
    """A stored plan is read without its suggestions; their gains come separately."""
    given = plan(3, 1, 2)
    outline = replace(given, suggestions=[])
    gains = [s.gain for s in given.suggestions]
    assert plan_sentence(outline, gains) == plan_sentence(given)
    assert "moves none" in plan_sentence(outline, [])


def test_score_changes_read_with_thousands_separators() -> None:
    assert score_change_text(5_395.4 / 100) == "+5,395.4"
    assert score_change_text(-0.125) == "-12.5"

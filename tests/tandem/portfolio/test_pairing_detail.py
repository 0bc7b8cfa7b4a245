"""One pairing's story (``tandem.portfolio.pairing_detail``): the people and contract, its
check-ins, milestones, notes and flags, and what a room may see of them.

That each read refuses a pairing outside a lead's cohorts is tested with the other
scope rules in tests/tandem/access/test_scope.py.
"""

from __future__ import annotations

from sqlalchemy import Engine

from tandem.access import EVERYTHING, Scope
from tandem.health.flags import raise_flag
from tandem.portfolio.pairing_detail import (
    WITHHELD_TITLE,
    PairingStory,
    pairing_checkins,
    pairing_feedback,
    pairing_flags,
    pairing_milestones,
    pairing_story,
    private_note_count,
)
from tests.factories import TODAY, small_program

ROOM = Scope(presenting=True)


def test_the_story_names_both_people_and_the_cohort(engine: Engine) -> None:
    small_program(engine)
    story = pairing_story(engine, "x1", EVERYTHING)
    assert story is not None
    assert (story.mentor["name"], story.mentee["name"]) == ("Zoë Ångström", "José Nuñez")
    assert story.cohort is not None and story.cohort["name"] == "Executive Pairings 2026"
    assert story.pairing["objective"].startswith("Present the strategic plan")
    assert story.health is None  # no refresh has run
    assert pairing_story(engine, "nope", EVERYTHING) is None


def test_goals_covered_each_way_and_left_over() -> None:
    story = PairingStory(
        pairing={},
        cohort=None,
        mentor={"strengths": "Strategy; finance", "development_goals": "AI tools"},
        mentee={"strengths": "ai tools;Design", "development_goals": "Finance;Public speaking"},
        health=None,
    )
    assert story.mentor_covers == ["Finance"]  # in the mentee's spelling
    assert story.mentee_covers == ["AI tools"]
    assert story.goals_uncovered == ["Public speaking"]


def test_check_ins_in_date_order(engine: Engine) -> None:
    small_program(engine)
    frame = pairing_checkins(engine, "x1", EVERYTHING)
    assert list(frame["checkin_id"]) == ["k0", "k1", "k2", "k3"]
    assert frame["date"].is_monotonic_increasing
    assert pairing_checkins(engine, "x2", EVERYTHING).empty


def test_milestones_carry_their_effective_status_and_a_room_sees_no_titles(
    engine: Engine,
) -> None:
    small_program(engine)
    frame = pairing_milestones(engine, "x1", TODAY, EVERYTHING)
    assert list(frame["milestone_id"]) == ["m1", "m2"]  # by due date
    assert list(frame["status_label"]) == ["Done on time", "Overdue"]
    assert frame.loc[0, "title"] == "Draft the plan"
    room = pairing_milestones(engine, "x1", TODAY, ROOM)
    assert set(room["title"]) == {WITHHELD_TITLE} and room["success_criteria"].isna().all()
    assert list(room["status_label"]) == list(frame["status_label"])


def test_notes_never_private_and_redacted_for_a_room(engine: Engine) -> None:
    small_program(engine)
    assert pairing_feedback(engine, "x2", EVERYTHING).empty  # its one note is private
    assert private_note_count(engine, "x2", EVERYTHING) == 1
    assert private_note_count(engine, "x1", EVERYTHING) == 0
    (text,) = pairing_feedback(engine, "x1", EVERYTHING)["text"]
    assert text.startswith("José finally")
    (redacted,) = pairing_feedback(engine, "x1", ROOM)["text"]
    assert "José" not in redacted and "board" in redacted


def test_flags_with_their_history_from_the_audit_log(engine: Engine) -> None:
    small_program(engine)
    flags, history = pairing_flags(engine, "x1", EVERYTHING)
    assert flags.empty and history.empty
    flag = raise_flag(engine, EVERYTHING, "x1", "no_contact", "Quiet since March", "lead@x")
    flags, history = pairing_flags(engine, "x1", EVERYTHING)
    assert list(flags["flag_id"]) == [flag.flag_id] and flags.loc[0, "status"] == "open"
    assert list(history["action"]) == ["flag.raise"]
    assert list(history["actor"]) == ["lead@x"]
    assert pairing_flags(engine, "x2", EVERYTHING)[0].empty

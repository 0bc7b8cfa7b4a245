"""Learning from coded notes, the coding queue and undo (``tandem.themes.coding``, #20)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.program.db import transaction
from tandem.program.models import AuditEntry, Feedback
from tandem.program.theme_tables import FeedbackAnalysis
from tandem.themes.coding import (
    NO_THEME,
    code_from_queue,
    coding_queue,
    rank_for_coding,
    recent_codings,
    uncertain_theme,
    undo_coding,
)
from tandem.themes.engine import CodebookTheme, ThemeModel, default_codebook
from tandem.themes.refresh import refresh_themes
from tandem.themes.store import UnknownThemeError
from tests.tandem.themes.conftest import LIKE_PARKING, PARKING, UNRELATED, AddNotes


def test_a_new_coded_theme_is_learned_from_a_handful_and_applied_to_notes_like_them() -> None:
    before = ThemeModel(default_codebook())
    assert before.assign([LIKE_PARKING])[0].theme != "Parking"
    themes = [*default_codebook(), CodebookTheme(name="Parking")]
    after = ThemeModel(themes, coded=[(text, "Parking") for text in PARKING])
    assert after.assign([LIKE_PARKING])[0].theme == "Parking"
    # A note like no coded note reads exactly as the codebook alone reads it.
    assert after.scores([UNRELATED])[0][: len(before.names)].tolist() == pytest.approx(
        before.scores([UNRELATED])[0].tolist()
    )


def test_a_coded_example_outweighs_the_codebook_for_the_notes_like_it() -> None:
    note = "My mentor showed me how she runs her one-to-ones with the board."
    codebook_reading = ThemeModel(default_codebook()).assign([note])[0].theme
    other = next(t.name for t in default_codebook() if t.name != codebook_reading)
    coded = [("She showed me how she runs one-to-ones with the board.", other)]
    assert ThemeModel(default_codebook(), coded=coded).assign([note])[0].theme == other


def test_no_theme_coding_keeps_near_duplicates_unassigned_and_gibberish_gets_none() -> None:
    note = "Lunch was nice, the sandwiches at the canteen were good and we talked."
    model = ThemeModel(default_codebook(), coded=[(note, NO_THEME)])
    again = "Lunch was nice, the sandwiches at the canteen were good."
    assert model.assign([again])[0].theme is None
    assert ThemeModel(default_codebook()).assign(["lorem ipsum dolor sit amet"])[0].theme is None


def test_rank_for_coding_is_deterministic_and_spreads_over_clusters() -> None:
    texts = [*(["We keep cancelling our sessions."] * 4), "Delegating the budget review.", "x"]
    confidences = [0.2, 0.2, 0.2, 0.2, 0.3, None]
    guesses = ["Scheduling and engagement"] * 4 + ["Delegation", None]
    ranked = rank_for_coding(texts, confidences, guesses, {}, 3)
    assert ranked == rank_for_coding(texts, confidences, guesses, {}, 3)
    picked = [texts[i] for i, _ in ranked]
    # Four copies of one note are one cluster: the batch takes one of them, then moves on.
    assert picked.count("We keep cancelling our sessions.") == 1
    # Themes with many coded examples give way to themes with few.
    rare = rank_for_coding(
        texts[3:5], [0.3, 0.3], guesses[3:5], {"scheduling and engagement": 50}, 1
    )
    assert texts[3:5][rare[0][0]] == "Delegating the budget review."
    assert uncertain_theme(0, 2, 1000) and not uncertain_theme(1, 2, 1000)
    assert not uncertain_theme(0, 50, 1000)


def test_queue_never_offers_private_or_coded_notes(engine: Engine, add_notes: AddNotes) -> None:
    add_notes([("p1", "Private worries about my manager and my pay.")], visibility="private")
    add_notes([("c1", UNRELATED)], coded={"c1": "Delegation"})
    add_notes([("n1", "We keep rescheduling our catch-ups."), ("n2", LIKE_PARKING)])
    refresh_themes(engine)
    queue = coding_queue(engine, Filters(scope=EVERYTHING), limit=10)
    assert {note.feedback_id for note in queue} == {"n1", "n2"}
    assert [n.feedback_id for n in coding_queue(engine, Filters(scope=EVERYTHING), limit=1)]
    skipped = coding_queue(engine, Filters(scope=EVERYTHING), limit=10, exclude=["n1"])
    assert [note.feedback_id for note in skipped] == ["n2"]
    with pytest.raises(UnknownThemeError):
        code_from_queue(engine, EVERYTHING, "p1", "Delegation", "lead@example.com")


def test_coding_no_theme_is_kept_exported_empty_and_undoable(
    engine: Engine, add_notes: AddNotes
) -> None:
    add_notes([("n1", "We keep rescheduling our catch-ups."), ("n2", UNRELATED)])
    refresh_themes(engine)
    code_from_queue(engine, EVERYTHING, "n1", None, "lead@example.com")
    refresh_themes(engine)
    with transaction(engine) as session:
        coded = session.get(Feedback, "n1")
        analysis = session.get(FeedbackAnalysis, "n1")
        assert coded is not None and coded.coded_theme == NO_THEME
        assert analysis is not None and analysis.theme_id is None
        assert analysis.method == "coded"
    assert [c.feedback_id for c in recent_codings(engine, EVERYTHING, "lead@example.com")] == ["n1"]
    assert undo_coding(engine, EVERYTHING, "n1", "lead@example.com") is None
    with pytest.raises(UnknownThemeError):  # the last coding is undone: nothing left to undo
        undo_coding(engine, EVERYTHING, "n1", "lead@example.com")
    refresh_themes(engine)
    with transaction(engine) as session:
        note = session.get(Feedback, "n1")
        analysis = session.get(FeedbackAnalysis, "n1")
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == "n1").order_by(AuditEntry.id)
        ).all()
        assert note is not None and note.coded_theme is None
        assert analysis is not None and analysis.method != "coded"
        assert analysis.theme_id is not None  # the engine reads it again
    assert list(actions) == ["code_feedback_undone", "undo_code_feedback"]


def test_codebook_marks_themes_nobody_coded_and_few_notes_support_as_uncertain(
    engine: Engine, add_notes: AddNotes
) -> None:
    from tandem.themes.queries import codebook_table

    add_notes([("n1", "We keep rescheduling our catch-ups."), ("n2", UNRELATED)])
    add_notes([("c1", "I handed the quarterly report to my deputy.")], coded={"c1": "Delegation"})
    refresh_themes(engine)
    table = codebook_table(engine).set_index("theme")
    assert table.loc["Delegation", "certainty"] == "supported"  # coded by a person
    assert table.loc["Career growth", "certainty"] == "uncertain"  # no note, nobody coded it

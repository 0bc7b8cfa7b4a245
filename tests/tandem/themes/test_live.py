"""The update after a lead codes notes (``tandem.themes.live``): the notes like them move at
once, the rest wait for the next refresh, which agrees."""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy import Engine, select

from tandem.access import EVERYTHING
from tandem.program.db import transaction
from tandem.program.models import AuditEntry
from tandem.program.theme_tables import FeedbackAnalysis, Theme
from tandem.themes.coding import code_from_queue
from tandem.themes.engine import ThemeModel, analyse_words, default_codebook
from tandem.themes.live import DISTINCTIVE, distinctive_words, update_after_coding
from tandem.themes.refresh import refresh_themes
from tests.tandem.themes.conftest import LIKE_PARKING, PARKING, UNRELATED, AddNotes


def test_update_after_coding_moves_the_notes_like_it_at_once(
    engine: Engine, add_notes: AddNotes
) -> None:
    add_notes([(f"k{i}", text) for i, text in enumerate(PARKING)])
    add_notes([("like", LIKE_PARKING), ("far", UNRELATED)])
    refresh_themes(engine)
    with transaction(engine) as session:
        far_before = session.get(FeedbackAnalysis, "far")
        assert far_before is not None
        far = (far_before.theme_id, far_before.confidence)
    for i in range(3):
        code_from_queue(engine, EVERYTHING, f"k{i}", "Parking", "lead@example.com")
    # "Parking" is a new theme: the refresh that creates it is not needed first.
    update = update_after_coding(engine, ["k0", "k1", "k2"], actor="lead@example.com")
    assert update.candidates >= 1 and update.changed >= 1
    with transaction(engine) as session:
        parking = session.scalars(select(Theme.theme_id).where(Theme.name == "Parking")).one()
        like = session.get(FeedbackAnalysis, "like")
        coded = session.get(FeedbackAnalysis, "k0")
        untouched = session.get(FeedbackAnalysis, "far")
        assert like is not None and like.theme_id == parking
        assert coded is not None and coded.theme_id == parking and coded.method == "coded"
        assert untouched is not None and (untouched.theme_id, untouched.confidence) == far
    # The next refresh agrees with the update.
    refresh_themes(engine)
    with transaction(engine) as session:
        like = session.get(FeedbackAnalysis, "like")
        assert like is not None and like.theme_id == parking


def test_distinctive_words_are_rare_content_stems() -> None:
    model = ThemeModel(default_codebook())
    words = distinctive_words(model, PARKING[0])
    assert 0 < len(words) <= DISTINCTIVE
    assert all(" " not in w and len(w) >= 4 for w in words)
    assert set(words) <= set(analyse_words(PARKING[0]))  # stems of the note itself
    assert not set(words) & ENGLISH_STOP_WORDS
    assert distinctive_words(model, PARKING[0], count=1) == words[:1]
    assert distinctive_words(model, "") == []


def test_the_update_is_audited_with_what_it_looked_at(engine: Engine, add_notes: AddNotes) -> None:
    add_notes([(f"k{i}", text) for i, text in enumerate(PARKING)])
    add_notes([("like", LIKE_PARKING), ("far", UNRELATED)])
    refresh_themes(engine)
    code_from_queue(engine, EVERYTHING, "k0", "Parking", "lead@example.com")
    update = update_after_coding(engine, ["k0"], actor="lead@example.com")
    with engine.connect() as connection:
        (after,) = connection.execute(
            select(AuditEntry.after).where(AuditEntry.action == "update_themes_after_coding")
        ).scalars()
    assert after["coded"] == ["k0"] and after["words"]
    assert (after["candidates"], after["changed"]) == (update.candidates, update.changed)

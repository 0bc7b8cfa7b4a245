"""The theme refresh keeps the aggregates' stored per-note facts equal to the live ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from tandem.access import EVERYTHING
from tandem.program import rollups
from tandem.program.bundle.importer import import_bundle
from tandem.program.sql import read_frame
from tandem.themes.facts import note_facts
from tandem.themes.refresh import refresh_themes
from tandem.themes.store import code_note
from tests.tandem.themes.conftest import AddNotes

SAMPLE_BUNDLE = Path(__file__).resolve().parents[3] / "data" / "sample_bundle"
NOTES = [
    ("f1", "We keep cancelling and haven't met since March."),
    ("f2", "My junior mentee showed me how to use ChatGPT for drafting."),
    ("f3", "I finally got the CFO and the board on side for the budget."),
    ("f4", "asdf qwerty zxcv"),
]


def _facts(engine: Engine, *, stored: bool) -> pd.DataFrame:
    facts = note_facts(engine if stored else None)
    assert ("theme_note_facts" in str(facts.element)) == stored
    frame = read_frame(engine, select(facts).order_by(facts.c.feedback_id))
    return frame.reset_index(drop=True)


def _assert_stored_equals_live(engine: Engine) -> pd.DataFrame:
    stored = _facts(engine, stored=True)
    pd.testing.assert_frame_equal(stored, _facts(engine, stored=False), check_dtype=False)
    return stored


def test_a_refresh_stores_facts_and_updates_those_of_recomputed_notes(
    engine: Engine, add_notes: AddNotes
) -> None:
    add_notes(NOTES)
    assert not rollups.is_current(engine, rollups.THEME_FACTS)
    refresh_themes(engine, discover=False, workers=1)
    assert rollups.is_current(engine, rollups.THEME_FACTS)
    first = _assert_stored_equals_live(engine)
    assert list(first["feedback_id"]) == ["f1", "f2", "f3", "f4"]

    # A new note: only it is recomputed, and only its fact is written.
    add_notes([("f5", "Rehearsed a tough conversation with an underperformer.")])
    report = refresh_themes(engine, discover=False, workers=1)
    assert report.recomputed == 1
    assert rollups.is_current(engine, rollups.THEME_FACTS)
    second = _assert_stored_equals_live(engine)
    assert list(second["feedback_id"]) == ["f1", "f2", "f3", "f4", "f5"]
    pd.testing.assert_frame_equal(second.iloc[:4], first, check_dtype=False)

    # Hand-coding a note changes what the engine learns from: every note is
    # recomputed, and the coded theme replaces the engine's "unassigned".
    code_note(engine, EVERYTHING, "f4", "Digital skills and reverse mentoring", actor="lead")
    assert refresh_themes(engine, discover=False, workers=1).recomputed == 5
    third = _assert_stored_equals_live(engine)
    assert pd.isna(first.set_index("feedback_id")["theme_id"]["f4"])
    assert not pd.isna(third.set_index("feedback_id")["theme_id"]["f4"])


def test_an_import_clears_the_facts_and_the_next_refresh_rewrites_them(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    refresh_themes(engine, discover=False, workers=1)
    assert rollups.is_current(engine, rollups.THEME_FACTS)
    import_bundle(engine, SAMPLE_BUNDLE)
    # Pairings' kinds and cohorts may have changed: the facts are live until the refresh.
    assert not rollups.is_current(engine, rollups.THEME_FACTS)
    assert "theme_note_facts" not in str(note_facts(engine).element)
    report = refresh_themes(engine, discover=False, workers=1)
    assert report.recomputed == 0  # the same notes: nothing to re-analyse, facts rewritten
    assert rollups.is_current(engine, rollups.THEME_FACTS)
    stored = _assert_stored_equals_live(engine)
    assert len(stored) > 0 and stored["kind"].notna().any()

"""What makes the theme refresh linear at scale: capped training examples, scoring in
blocks, de-duplicated texts, and an incremental refresh that recomputes only what changed
and leaves the same result as a full one."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import Engine, select, update

from tandem.access import EVERYTHING
from tandem.program.db import transaction
from tandem.program.models import Feedback
from tandem.program.theme_tables import FeedbackAnalysis, Theme, ThemeCandidate
from tandem.themes import engine as theme_engine
from tandem.themes import refresh as refresh_module
from tandem.themes.engine import CodedNote, ThemeModel, default_codebook, training_sample
from tandem.themes.refresh import refresh_themes
from tandem.themes.store import code_note, upsert_theme
from tests.tandem.themes.conftest import AddNotes

NOTES = [
    ("f01", "We keep cancelling and haven't met since March."),
    ("f02", "My junior mentee showed me how to use ChatGPT for drafting."),
    ("f03", "I finally got the CFO and the board on side for the budget."),
    ("f04", "asdf qwerty zxcv"),
    ("f05", "Rehearsed a tough conversation with an underperformer."),
    ("f06", "Our catch-up keeps getting pushed to next week."),
    ("f07", "We talked about my promotion and the next role I should apply for."),
    ("f08", "Radio silence for six weeks now."),
    ("f09", "I'm micromanaging my team and need to let go of the reports."),
    ("f10", "Spent the session on the board paper; she showed me how to pre-wire it."),
]
NEW = [
    ("f11", "Another cancelled session; we have barely met this quarter."),
    ("f12", "She walked me through prompt writing for our reporting tool."),
    ("f13", "Kept getting bumped by his diary, again."),
]


def _note(fid: str, day: int, theme: str, text: str = "a note") -> CodedNote:
    return CodedNote(fid, dt.date(2026, 1, 1) + dt.timedelta(days=day), f"{text} {fid}", theme)


def test_training_sample_keeps_the_most_recent_per_theme_in_any_row_order() -> None:
    coded = [_note(f"c{i:02d}", i % 7, "A" if i % 3 else "B") for i in range(30)]
    coded.append(CodedNote("blank", None, "   ", "A"))
    sample = training_sample(coded, per_theme=4)
    assert sample == training_sample(list(reversed(coded)), per_theme=4)
    assert sample == sorted(sample)
    per_theme = {theme: [t for t, th in sample if th == theme] for theme in ("A", "B")}
    assert len(per_theme["A"]) == 4 and len(per_theme["B"]) == 4
    # The four kept notes of A are its latest dates (ties broken by the larger id).
    latest = sorted(
        (n for n in coded if n.theme == "A" and n.text.strip()),
        key=lambda n: (n.date, n.feedback_id),
        reverse=True,
    )[:4]
    assert sorted(per_theme["A"]) == sorted(n.text for n in latest)
    assert len(training_sample(coded, per_theme=100)) == 30  # the blank one is dropped


def test_scores_in_blocks_equal_scores_in_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [text for _, text in NOTES + NEW] * 3 + ["", "Good session."]
    coded = [(text, "Delegation") for _, text in NOTES[:3]]
    whole = ThemeModel(default_codebook(), coded)
    expected_scores = whole.scores(texts)
    expected_knn = whole.knn_scores(whole.features(texts))
    expected = whole.assign(texts)
    monkeypatch.setattr(theme_engine, "SUB_CHUNK", 4)
    assert np.array_equal(whole.scores(texts), expected_scores)
    assert np.array_equal(whole.knn_scores(whole.features(texts)), expected_knn)
    assert whole.assign(texts) == expected
    # Duplicates are scored once and get the same reading as alone.
    assert whole.assign(texts[:1]) == expected[:1]


def _analysis(engine: Engine) -> dict[str, tuple[object, ...]]:
    with transaction(engine) as session:
        rows = session.execute(
            select(
                FeedbackAnalysis.feedback_id,
                FeedbackAnalysis.theme_id,
                FeedbackAnalysis.confidence,
                FeedbackAnalysis.sentiment,
                FeedbackAnalysis.input_hash,
                FeedbackAnalysis.method,
            )
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def _globals(engine: Engine) -> tuple[dict[str, str], list[tuple[str, str, int]]]:
    with transaction(engine) as session:
        keywords = {
            name: words for name, words in session.execute(select(Theme.name, Theme.keywords))
        }
        candidates = session.execute(
            select(ThemeCandidate.label, ThemeCandidate.keywords, ThemeCandidate.size)
            .where(ThemeCandidate.status == "open")
            .order_by(ThemeCandidate.label)
        ).all()
    return keywords, [tuple(c) for c in candidates]


def _refreshed_at(engine: Engine) -> dict[str, dt.datetime]:
    with transaction(engine) as session:
        return dict(
            session.execute(
                select(FeedbackAnalysis.feedback_id, FeedbackAnalysis.refreshed_at)
            ).all()
        )


def test_incremental_refresh_of_new_notes_equals_a_full_refresh(
    engine: Engine, add_notes: AddNotes
) -> None:
    add_notes(NOTES, coded={"f05": "Difficult conversations"})
    refresh_themes(engine)
    before = _refreshed_at(engine)
    add_notes(NEW)
    report = refresh_themes(engine)
    assert report.recomputed == len(NEW) and report.total == len(NOTES) + len(NEW)
    after = _refreshed_at(engine)
    # Only the new notes were written; every old row is untouched.
    assert {fid for fid in after if after[fid] != before.get(fid)} == {fid for fid, _ in NEW}
    incremental, incremental_globals = _analysis(engine), _globals(engine)
    assert refresh_themes(engine, full=True).recomputed == len(NOTES) + len(NEW)
    assert _analysis(engine) == incremental
    assert _globals(engine) == incremental_globals


def test_edited_text_and_hand_coding_are_found_without_a_full_recompute(
    engine: Engine, add_notes: AddNotes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One coded example per theme: Delegation learns from f09 (same date as f05, larger id).
    monkeypatch.setattr(theme_engine, "MAX_CODED_PER_THEME", 1)
    add_notes(NOTES, coded={"f05": "Delegation", "f09": "Delegation"})
    with transaction(engine) as session:
        session.execute(
            update(Feedback).where(Feedback.feedback_id == "f01").values(date=dt.date(2025, 1, 1))
        )
    first = refresh_themes(engine)
    with transaction(engine) as session:
        session.execute(
            update(Feedback)
            .where(Feedback.feedback_id == "f04")
            .values(text="We keep cancelling; radio silence since March.")
        )
    edited = refresh_themes(engine)
    assert edited.recomputed == 1 and edited.fingerprint == first.fingerprint
    with transaction(engine) as session:
        theme = session.scalar(
            select(Theme.name)
            .join(FeedbackAnalysis, FeedbackAnalysis.theme_id == Theme.theme_id)
            .where(FeedbackAnalysis.feedback_id == "f04")
        )
    assert theme == "Scheduling and engagement"
    # Coding an older note of Delegation leaves the model's example (the most
    # recent) as it was: that note alone is redone, and keeps its label.
    code_note(engine, EVERYTHING, "f01", "Delegation", actor="lead@example.com")
    coded = refresh_themes(engine)
    assert coded.recomputed == 1 and coded.fingerprint == first.fingerprint
    assert _analysis(engine)["f01"][4] == "coded"
    # A newer coded note becomes the example: the model changed, every note is redone.
    with transaction(engine) as session:
        session.execute(
            update(Feedback).where(Feedback.feedback_id == "f03").values(date=dt.date(2026, 6, 1))
        )
    code_note(engine, EVERYTHING, "f03", "Delegation", actor="lead@example.com")
    newer = refresh_themes(engine)
    assert newer.recomputed == len(NOTES) and newer.fingerprint != first.fingerprint


def test_codebook_edit_recomputes_every_note(engine: Engine, add_notes: AddNotes) -> None:
    add_notes(NOTES)
    refresh_themes(engine)
    assert refresh_themes(engine).recomputed == 0
    upsert_theme(engine, "Delegation", "Letting go.", ["I hand off more now."], "lead")
    assert refresh_themes(engine).recomputed == len(NOTES)


def test_keywords_are_left_alone_only_when_no_new_note_reaches_them(
    engine: Engine, add_notes: AddNotes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keywords come from each theme's single most confident note here; coded
    # notes (confidence 1) hold that place, so unplaced or less sure new notes
    # cannot change the keywords and the incremental run must skip the work.
    monkeypatch.setattr(refresh_module, "KEYWORD_SAMPLE", 1)
    coded = {fid: "Scheduling and engagement" for fid in ("f01", "f06", "f08")}
    coded |= {"f02": "Digital skills and reverse mentoring"}
    add_notes(NOTES, coded=coded)
    refresh_themes(engine)
    calls: list[int] = []
    real = refresh_module._update_keywords
    monkeypatch.setattr(
        refresh_module, "_update_keywords", lambda session: calls.append(1) or real(session)
    )
    add_notes(NEW[:2])  # a scheduling note and a digital-skills note, both uncoded
    assert refresh_themes(engine).recomputed == 2
    assert calls == []
    incremental = _globals(engine)
    refresh_themes(engine, full=True)
    assert calls == [1] and _globals(engine) == incremental
    # A new hand-coded note is a new example for the model: everything is redone.
    add_notes(
        [("f20", "Rehearsed the redundancy conversation twice.")],
        coded={"f20": "Difficult conversations"},
    )
    refresh_themes(engine)
    assert calls == [1, 1]

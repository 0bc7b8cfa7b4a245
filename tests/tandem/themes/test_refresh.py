"""Refresh on both backends: rows written, incremental, coded labels kept, codebook API."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from tandem.access import EVERYTHING
from tandem.program.db import transaction
from tandem.program.models import AuditEntry
from tandem.program.theme_tables import FeedbackAnalysis, Theme, ThemeRefreshRun
from tandem.themes.codebook import DEFAULT_THEMES
from tandem.themes.refresh import refresh_themes
from tandem.themes.store import (
    code_note,
)
from tests.tandem.themes.conftest import AddNotes

NOTES = [
    ("f1", "We keep cancelling and haven't met since March."),
    ("f2", "My junior mentee showed me how to use ChatGPT for drafting."),
    ("f3", "I finally got the CFO and the board on side for the budget."),
    ("f4", "asdf qwerty zxcv"),
    ("f5", "Rehearsed a tough conversation with an underperformer."),
]


def _analysis(engine: Engine) -> dict[str, tuple[str | None, str | None, float | None]]:
    with transaction(engine) as session:
        rows = session.execute(
            select(
                FeedbackAnalysis.feedback_id,
                Theme.name,
                FeedbackAnalysis.method,
                FeedbackAnalysis.sentiment,
            ).outerjoin(Theme, Theme.theme_id == FeedbackAnalysis.theme_id)
        ).all()
    return {fid: (name, method, mood) for fid, name, method, mood in rows}


def test_refresh_writes_rows_and_seeds_codebook(engine: Engine, add_notes: AddNotes) -> None:
    add_notes(NOTES)
    messages: list[str] = []
    report = refresh_themes(engine, progress=messages.append)
    assert report.total == 5 and report.recomputed == 5
    found = _analysis(engine)
    assert set(found) == {"f1", "f2", "f3", "f4", "f5"}
    assert found["f1"][0] == "Scheduling and engagement"
    assert found["f2"][0] == "Digital skills and reverse mentoring"
    assert found["f4"][0] is None
    assert found["f1"][2] is not None and found["f1"][2] < 0
    assert report.unassigned == 1 and report.assigned == 4
    assert messages
    with transaction(engine) as session:
        names = set(session.scalars(select(Theme.name)))
        runs = session.scalar(select(func.count()).select_from(ThemeRefreshRun))
        audits = session.scalar(select(func.count()).where(AuditEntry.action == "refresh_themes"))
        keywords = session.scalar(
            select(Theme.keywords).where(Theme.name == "Scheduling and engagement")
        )
    assert {spec.name for spec in DEFAULT_THEMES} <= names
    assert runs == 1 and audits == 1
    assert keywords  # recomputed from the assigned notes


def test_incremental_refresh_recomputes_only_changed_notes(
    engine: Engine, add_notes: AddNotes
) -> None:
    add_notes(NOTES)
    refresh_themes(engine)
    assert refresh_themes(engine).recomputed == 0
    add_notes([("f6", "Our catch-up keeps getting pushed to next week.")])
    second = refresh_themes(engine)
    assert second.recomputed == 1 and second.total == 6
    assert refresh_themes(engine, full=True).recomputed == 6


def test_same_data_gives_same_result(engine: Engine, add_notes: AddNotes) -> None:
    add_notes(NOTES)
    refresh_themes(engine)
    before = _analysis(engine)
    refresh_themes(engine, full=True)
    assert _analysis(engine) == before


def test_hand_coded_label_is_kept_and_teaches(engine: Engine, add_notes: AddNotes) -> None:
    note = "Spent the hour colour-matching swatches for the atrium refit."
    twin = "Spent an hour colour matching swatches for the atrium refit again."
    add_notes(
        [("c1", note), ("c2", twin), *NOTES[:1]], coded={"c1": "Delegation", "f1": "Fit and goals"}
    )
    refresh_themes(engine)
    found = _analysis(engine)
    assert found["c1"][:2] == ("Delegation", "coded")
    assert found["f1"][:2] == ("Fit and goals", "coded")  # never overwritten by the engine
    assert found["c2"][0] == "Delegation"


def test_coding_a_note_recomputes_and_is_audited(engine: Engine, add_notes: AddNotes) -> None:
    add_notes(NOTES)
    refresh_themes(engine)
    code_note(engine, EVERYTHING, "f4", "Brand new theme", actor="lead@example.com")
    report = refresh_themes(engine)
    assert report.recomputed == 5  # the model learnt from a new example: all notes rechecked
    assert _analysis(engine)["f4"][:2] == ("Brand new theme", "coded")
    with transaction(engine) as session:
        origin = session.scalar(select(Theme.origin).where(Theme.name == "Brand new theme"))
        coded = session.scalar(select(func.count()).where(AuditEntry.action == "code_feedback"))
    assert origin == "coded" and coded == 1

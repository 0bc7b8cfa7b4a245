"""The incremental refresh reads only notes stamped since the last run (``feedback.updated_at``).

``SETTLE_MARGIN`` is zero here, so every note written before a run is settled by
it and the next run must find changes through the stamps alone (with the real
margin, notes written in the last minutes are checked by their text anyway).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, func, select, text, update

from tandem.access import EVERYTHING
from tandem.program import bulk, migrate
from tandem.program.bundle import import_bundle
from tandem.program.db import WRITER_LOCK_KEY, get_engine, transaction
from tandem.program.models import Feedback
from tandem.program.theme_tables import FeedbackAnalysis, Theme, ThemeRefreshRun
from tandem.themes import engine as theme_engine
from tandem.themes import refresh as refresh_module
from tandem.themes.refresh import refresh_themes
from tandem.themes.store import code_note, upsert_theme
from tests.tandem.program.bundle.conftest import SAMPLE, sample_text
from tests.tandem.themes.conftest import AddNotes

NOTES = [
    ("f1", "We keep cancelling and haven't met since March."),
    ("f2", "My junior mentee showed me how to use ChatGPT for drafting."),
    ("f3", "I finally got the CFO and the board on side for the budget."),
    ("f4", "asdf qwerty zxcv"),
    ("f5", "Rehearsed a tough conversation with an underperformer."),
]


@pytest.fixture(autouse=True)
def no_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh_module, "SETTLE_MARGIN", dt.timedelta(0))


def _analysis(engine: Engine) -> dict[str, tuple[str | None, float | None, float | None]]:
    with transaction(engine) as session:
        rows = session.execute(
            select(
                FeedbackAnalysis.feedback_id,
                Theme.name,
                FeedbackAnalysis.confidence,
                FeedbackAnalysis.sentiment,
            ).outerjoin(Theme, Theme.theme_id == FeedbackAnalysis.theme_id)
        ).all()
    return {fid: (name, confidence, mood) for fid, name, confidence, mood in rows}


def _stamps(engine: Engine) -> dict[str, dt.datetime | None]:
    with transaction(engine) as session:
        return dict(session.execute(select(Feedback.feedback_id, Feedback.updated_at)).all())


def _bundle(tmp_path: Path, name: str, feedback_csv: str) -> Path:
    """The sample bundle with its feedback.csv replaced."""
    folder = tmp_path / name
    folder.mkdir()
    for source in SAMPLE.glob("*.csv"):
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "feedback.csv").write_text(feedback_csv, encoding="utf-8", newline="")
    return folder


def test_every_write_path_stamps_the_note(engine: Engine, add_notes: AddNotes) -> None:
    add_notes(NOTES[:2])  # ORM insert
    first = _stamps(engine)
    assert all(first.values())
    with transaction(engine) as session:  # Core update
        session.execute(update(Feedback).where(Feedback.feedback_id == "f1").values(text="New."))
    code_note(engine, EVERYTHING, "f2", "Delegation", actor="lead")  # ORM update
    second = _stamps(engine)
    assert second["f1"] > first["f1"] and second["f2"] > first["f2"]  # type: ignore[operator]
    code_note(
        engine, EVERYTHING, "f2", "Delegation", actor="lead"
    )  # the same label: nothing changes
    assert _stamps(engine)["f2"] == second["f2"]


def test_bulk_upserts_stamp_new_and_changed_rows(engine: Engine) -> None:
    def row(fid: str, note: str) -> dict[str, object]:
        return {
            "feedback_id": fid,
            "date": dt.date(2026, 3, 1),
            "source": "checkin_note",
            "author_role": "mentee",
            "visibility": "program",
            "text": note,
            "coded_theme": None,
        }

    table = Feedback.__table__

    def upsert(rows: list[dict[str, object]], **options: bool) -> None:
        with transaction(engine) as session:
            bulk.upsert(session.connection(), table, rows, **options)  # type: ignore[arg-type]

    upsert([row("a", "One."), row("b", "Two.")])
    first = _stamps(engine)
    assert first["a"] is not None and first["a"] == first["b"]
    upsert([row("a", "One."), row("b", "Two, edited.")], changed_only=True)
    second = _stamps(engine)
    assert second["a"] == first["a"] and second["b"] > first["b"]  # type: ignore[operator]
    upsert([row("a", "One.")])  # without changed_only every sent row is rewritten
    assert _stamps(engine)["a"] > first["a"]  # type: ignore[operator]


def test_reimport_recomputes_changed_notes_only(engine: Engine, tmp_path: Path) -> None:
    original = sample_text("feedback.csv")
    import_bundle(engine, _bundle(tmp_path, "first", original))
    refresh_themes(engine)
    before, stamps = _analysis(engine), _stamps(engine)

    import_bundle(engine, _bundle(tmp_path, "same", original))
    assert _stamps(engine) == stamps  # unchanged rows are not rewritten
    assert refresh_themes(engine).recomputed == 0
    assert _analysis(engine) == before

    # An uncoded note's text changes (a coded one would change the model).
    lines = original.splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if i and line.rstrip("\r\n").endswith(","))
    fid = lines[row].split(",", 1)[0]
    lines[row] = lines[row].replace('"', '"We keep cancelling; radio silence since March. ', 1)
    import_bundle(engine, _bundle(tmp_path, "edited", "".join(lines)))
    after = _stamps(engine)
    assert {k for k in after if after[k] != stamps[k]} == {fid}
    report = refresh_themes(engine)
    assert report.recomputed == 1
    incremental = _analysis(engine)
    assert refresh_themes(engine, full=True).recomputed == len(incremental)
    assert _analysis(engine) == incremental  # what a full refresh gives


def test_the_stamp_is_the_signal(engine: Engine, add_notes: AddNotes) -> None:
    add_notes(NOTES)
    refresh_themes(engine)
    assert refresh_themes(engine).recomputed == 0
    # Written by other means, stamp kept: trusted as settled (no text is re-read).
    with transaction(engine) as session:
        session.execute(
            text("UPDATE feedback SET text = 'Radio silence.' WHERE feedback_id = 'f4'")
        )
    assert refresh_themes(engine).recomputed == 0
    # Written by other means without a stamp: checked by its text, every time.
    with transaction(engine) as session:
        session.execute(text("UPDATE feedback SET updated_at = NULL WHERE feedback_id = 'f4'"))
    assert refresh_themes(engine).recomputed == 1
    assert refresh_themes(engine).recomputed == 0
    # New notes are stamped when they are written.
    add_notes([("f6", "Our catch-up keeps getting pushed to next week.")])
    assert refresh_themes(engine).recomputed == 1


def test_hand_coding_recomputes_that_note(
    engine: Engine, add_notes: AddNotes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One coded example per theme; z9 (the larger id, same date) stays the example.
    monkeypatch.setattr(theme_engine, "MAX_CODED_PER_THEME", 1)
    add_notes([*NOTES, ("z9", "I handed the board pack to my deputy.")], coded={"z9": "Delegation"})
    first = refresh_themes(engine)
    code_note(engine, EVERYTHING, "f4", "Delegation", actor="lead")
    coded = refresh_themes(engine)
    assert coded.recomputed == 1 and coded.fingerprint == first.fingerprint
    assert _analysis(engine)["f4"][:2] == ("Delegation", 1.0)
    code_note(engine, EVERYTHING, "f4", None, actor="lead")
    assert refresh_themes(engine).recomputed == 1
    assert _analysis(engine)["f4"][0] is None


def test_codebook_edit_recomputes_every_note(engine: Engine, add_notes: AddNotes) -> None:
    add_notes(NOTES)
    refresh_themes(engine)
    upsert_theme(engine, "Delegation", "Letting go.", ["I hand off more now."], "lead")
    assert refresh_themes(engine).recomputed == len(NOTES)
    assert refresh_themes(engine).recomputed == 0


def test_a_run_records_what_it_settled(engine: Engine, add_notes: AddNotes) -> None:
    add_notes(NOTES)
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    refresh_themes(engine)
    with transaction(engine) as session:
        settled = session.scalar(select(ThemeRefreshRun.settled_before))
    assert settled is not None and settled >= start
    assert all(stamp < settled for stamp in _stamps(engine).values())  # type: ignore[operator]


def test_migrating_keeps_results_and_checks_every_note_once(db_url: str) -> None:
    """From 0004 (no stamps) to 0005: the first refresh checks every note by its text."""
    engine = get_engine(db_url)
    migrate.upgrade(engine)
    with transaction(engine) as session:
        session.add_all(
            Feedback(
                feedback_id=fid,
                date=dt.date(2026, 3, 1),
                source="checkin_note",
                author_role="mentee",
                text=note,
            )
            for fid, note in NOTES
        )
    refresh_themes(engine)
    before = _analysis(engine)
    command.downgrade(migrate.alembic_config(engine), "0004")
    with engine.begin() as connection:  # changed before the upgrade, after the last refresh
        connection.execute(
            text("UPDATE feedback SET text = 'Radio silence.' WHERE feedback_id = 'f4'")
        )
    migrate.upgrade(engine)
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).where(ThemeRefreshRun.settled_before.is_(None)))
        assert set(session.scalars(select(Feedback.updated_at))) == {dt.datetime(1970, 1, 1)}
    first = refresh_themes(engine)
    assert first.recomputed == 1
    after = _analysis(engine)
    assert {k: v for k, v in after.items() if k != "f4"} == {
        k: v for k, v in before.items() if k != "f4"
    }
    assert refresh_themes(engine).recomputed == 0


def test_refreshes_take_turns_on_postgresql(engine: Engine, add_notes: AddNotes) -> None:
    """Each run relies on what the last one settled: a second run waits for the first."""
    if engine.dialect.name != "postgresql":
        pytest.skip("on SQLite a run takes the write lock when it starts (BEGIN IMMEDIATE)")
    add_notes(NOTES)
    holder = engine.connect()
    holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": WRITER_LOCK_KEY})
    reports: list[refresh_module.RefreshReport] = []
    worker = threading.Thread(target=lambda: reports.append(refresh_themes(engine)))
    worker.start()
    try:
        waiting = False
        for _ in range(200):
            with engine.connect() as probe:
                waiting = bool(
                    probe.scalar(
                        text(
                            "SELECT count(*) FROM pg_locks "
                            "WHERE locktype = 'advisory' AND NOT granted"
                        )
                    )
                )
            if waiting or not worker.is_alive():
                break
            time.sleep(0.05)
        assert waiting and not reports
    finally:
        holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": WRITER_LOCK_KEY})
        holder.commit()
        holder.close()
        worker.join(timeout=120)
    assert reports and reports[0].recomputed == len(NOTES)

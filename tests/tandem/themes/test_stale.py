"""Which notes a theme refresh analyses again (``tandem.themes.stale``): those whose text,
hand-coded theme or codebook changed since their stored result, on both backends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from tandem.program.db import transaction
from tandem.program.theme_tables import FeedbackAnalysis, ThemeRefreshRun
from tandem.themes.engine import NO_THEME
from tandem.themes.stale import LastRun, _uncoded_hasher, input_hash, last_run, stale_notes
from tests.tandem.themes.conftest import AddNotes

KEY = "codebook-1"


def test_input_hash_covers_text_coding_and_codebook() -> None:
    base = input_hash("We met.", None, KEY)
    assert base == input_hash("We met.", None, KEY)
    assert base != input_hash("We met!", None, KEY)
    assert base != input_hash("We met.", "Delegation", KEY)
    assert base != input_hash("We met.", None, "codebook-2")
    # Coded "no theme" is a coding: it must not hash like an uncoded note.
    assert input_hash("We met.", NO_THEME, KEY) != base


def test_the_sqlite_callback_hashes_like_an_uncoded_note() -> None:
    uncoded = _uncoded_hasher(KEY)
    for text in ("We met.", "Ça va — très bien", ""):
        assert uncoded(text.encode()) == input_hash(text, None, KEY)
    assert uncoded(None) == input_hash("", None, KEY)


def _store(engine: Engine, hashes: dict[str, str]) -> None:
    with transaction(engine) as session:
        for feedback_id, stored in hashes.items():
            session.add(
                FeedbackAnalysis(
                    feedback_id=feedback_id,
                    theme_id=None,
                    confidence=None,
                    sentiment=0.0,
                    input_hash=stored,
                    method="test",
                    refreshed_at=dt.datetime(2026, 3, 2),
                )
            )


def _stale(engine: Engine, last: LastRun | None, *, full: bool = False) -> dict[str, bool]:
    with engine.connect() as connection:
        return {
            n.feedback_id: n.analysed_before
            for n in stale_notes(connection, KEY, full=full, last=last)
        }


def test_only_notes_whose_inputs_changed_come_back(engine: Engine, add_notes: AddNotes) -> None:
    add_notes([("same", "We met."), ("edited", "We met again."), ("new", "First note.")])
    add_notes(
        [("coded", "About delegating."), ("recoded", "Who decides?")],
        coded={"coded": "Delegation", "recoded": "Delegation"},
    )
    _store(
        engine,
        {
            "same": input_hash("We met.", None, KEY),
            "edited": input_hash("We met.", None, KEY),  # computed before the edit
            "coded": input_hash("About delegating.", "Delegation", KEY),
            "recoded": input_hash("Who decides?", None, KEY),  # coded since
        },
    )
    current = LastRun(KEY, settled_before=None)  # settles nothing: every note is checked
    assert _stale(engine, current) == {"edited": True, "new": False, "recoded": True}
    # Another codebook, no run yet, or a full refresh: every note, said once each.
    everything = {"same", "edited", "new", "coded", "recoded"}
    assert set(_stale(engine, LastRun("codebook-0", None))) == everything
    assert set(_stale(engine, None)) == everything
    assert set(_stale(engine, current, full=True)) == everything


def test_notes_settled_by_the_last_run_are_not_checked(engine: Engine, add_notes: AddNotes) -> None:
    add_notes([("old", "We met.")])
    _store(engine, {"old": "a hash from other inputs"})
    # The note's stamp is before what the last run settled: it is not looked at.
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
    assert _stale(engine, LastRun(KEY, settled_before=later)) == {}
    earlier = dt.datetime(2000, 1, 1)
    assert _stale(engine, LastRun(KEY, settled_before=earlier)) == {"old": True}


def test_last_run_is_the_latest(engine: Engine) -> None:
    with transaction(engine) as session:
        assert last_run(session) is None
        for day, fingerprint in ((1, "older"), (5, "latest"), (3, "middle")):
            at = dt.datetime(2026, 6, day)
            session.add(
                ThemeRefreshRun(
                    started_at=at,
                    finished_at=at,
                    actor="test",
                    method="test",
                    fingerprint=fingerprint,
                    total=0,
                    recomputed=0,
                    assigned=0,
                    seconds=0.0,
                    settled_before=at,
                )
            )
        session.flush()
        assert last_run(session) == LastRun("latest", dt.datetime(2026, 6, 5))

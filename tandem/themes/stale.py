"""Which notes a theme refresh must analyse again: their inputs changed since.

A note's input hash covers its text, its hand-coded theme and the codebook
fingerprint.  Only notes stamped (``feedback.updated_at``) since the last run
settled them are hash-checked, and in SQL where the database can hash: a
refresh after 1,000 new notes neither hashes nor moves every note's text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, select, text
from sqlalchemy.orm import Session

from tandem.program.theme_tables import ThemeRefreshRun
from tandem.themes.engine import NO_THEME


def input_hash(text: str, coded_theme: str | None, codebook_fingerprint: str) -> str:
    """What a note's stored result was computed from (hex sha256)."""
    # A note coded "no theme" (empty) must not hash like an uncoded one.
    coded = "\x01" if coded_theme == NO_THEME else (coded_theme or "")
    data = f"{codebook_fingerprint}\x00{coded}\x00{text}"
    return hashlib.sha256(data.encode()).hexdigest()


def _uncoded_hasher(codebook_fingerprint: str) -> Callable[[bytes | None], str]:
    """``input_hash(text, None, fingerprint)`` of a note's UTF-8 text, as a SQLite callback.

    The shared prefix is hashed once; each call only copies that state (the
    callback runs once per note, so every microsecond counts at 500,000).
    """
    prefix = hashlib.sha256(f"{codebook_fingerprint}\x00\x00".encode())
    copy = prefix.copy

    def uncoded_hash(text: bytes | None) -> str:
        digest = copy()
        if text:
            digest.update(text)
        return digest.hexdigest()

    return uncoded_hash


# Notes whose stored analysis may be stale: no analysis yet, a hand-coded note,
# or a stored hash other than the one an *uncoded* note with this text would
# have.  Hand-coded notes (a few per cent) always come back and are checked
# exactly in Python (a note coded since the last run still carries its uncoded
# hash); every other note is settled by the database.  PostgreSQL
# hashes natively; SQLite calls back into ``_uncoded_hasher`` (registered on the
# connection), which still spares moving every note's text through SQLAlchemy.
# ``{changed}`` narrows this to the notes stamped since the last run settled
# them (an index range: see ``stale_notes``), or is empty to check every note.
_STALE = {
    "postgresql": """
        SELECT f.feedback_id, f.text, f.coded_theme, a.input_hash, a.feedback_id IS NOT NULL
        FROM feedback f LEFT JOIN feedback_analysis a ON a.feedback_id = f.feedback_id
        WHERE {changed} (a.input_hash IS NULL OR f.coded_theme IS NOT NULL
           OR a.input_hash <> encode(
               sha256(:prefix || convert_to(coalesce(f.text, ''), 'UTF8')), 'hex'))
        ORDER BY f.feedback_id""",
    "sqlite": """
        SELECT f.feedback_id, f.text, f.coded_theme, a.input_hash, a.feedback_id IS NOT NULL
        FROM feedback f LEFT JOIN feedback_analysis a ON a.feedback_id = f.feedback_id
        WHERE {changed} (a.input_hash IS NULL OR f.coded_theme IS NOT NULL
           OR a.input_hash <> tandem_uncoded_hash(CAST(f.text AS BLOB)))
        ORDER BY f.feedback_id""",
}
# Two index reads (an OR would have SQLite scan every note in id order instead).
_CHANGED = """f.feedback_id IN (
            SELECT feedback_id FROM feedback WHERE updated_at >= :since
            UNION ALL SELECT feedback_id FROM feedback WHERE updated_at IS NULL) AND"""
_ALL = """
    SELECT f.feedback_id, f.text, f.coded_theme, a.input_hash, a.feedback_id IS NOT NULL
    FROM feedback f LEFT JOIN feedback_analysis a ON a.feedback_id = f.feedback_id
    ORDER BY f.feedback_id"""


@dataclass(frozen=True)
class StaleNote:
    """A note to (re)analyse."""

    feedback_id: str
    text: str
    coded_theme: str | None
    analysed_before: bool


@dataclass(frozen=True)
class LastRun:
    fingerprint: str
    settled_before: dt.datetime | None


def last_run(session: Session) -> LastRun | None:
    """The most recent refresh run: its codebook fingerprint and what it settled."""
    row = session.execute(
        select(ThemeRefreshRun.fingerprint, ThemeRefreshRun.settled_before)
        .order_by(ThemeRefreshRun.finished_at.desc(), ThemeRefreshRun.run_id.desc())
        .limit(1)
    ).first()
    return None if row is None else LastRun(row.fingerprint, row.settled_before)


def stale_notes(
    connection: Connection, key: str, *, full: bool, last: LastRun | None = None
) -> list[StaleNote]:
    """The notes whose stored analysis is missing or was computed from other inputs.

    Every note, when ``full`` or when the codebook fingerprint differs from the
    last run's (every stored result was computed from another model).
    Otherwise the notes whose input hash differs, checked only among the notes
    stamped (``feedback.updated_at``) since the last run's ``settled_before``,
    and those without a stamp: every other note was analysed from its current
    text by an earlier run.  A last run without ``settled_before`` (made before
    stamps existed) settles nothing, so every note is checked.
    """
    dialect = connection.dialect.name
    if full or last is None or last.fingerprint != key:
        return _notes(connection.execute(text(_ALL)).all(), key, full=True)
    changed, params = "", dict[str, object]()
    if last.settled_before is not None:
        changed, params = _CHANGED, {"since": last.settled_before}
    since = bindparam("since", type_=DateTime)
    if dialect == "postgresql":
        params["prefix"] = f"{key}\x00\x00".encode()
        statement = text(_STALE[dialect].format(changed=changed))
    elif dialect == "sqlite":
        raw = connection.connection.driver_connection
        raw.create_function(  # type: ignore[union-attr]
            "tandem_uncoded_hash", 1, _uncoded_hasher(key), deterministic=True
        )
        statement = text(_STALE[dialect].format(changed=changed))
    else:  # any other backend: compare every note in Python
        return _notes(connection.execute(text(_ALL)).all(), key, full=False)
    if changed:
        statement = statement.bindparams(since)
    return _notes(connection.execute(statement, params).all(), key, full=False)


def _notes(rows: Sequence[Sequence[Any]], key: str, *, full: bool) -> list[StaleNote]:
    """The rows to recompute: all with ``full``, else those whose input hash differs."""
    notes = []
    for fid, note_text, coded, stored, analysed in rows:
        coded_theme = None if coded is None else coded.strip()  # "" is "no theme"
        if full or stored != input_hash(note_text or "", coded_theme, key):
            notes.append(StaleNote(fid, note_text or "", coded_theme, bool(analysed)))
    return notes

"""Per-note facts behind every feedback-theme aggregate, live or stored.

Each theme aggregate (shares by month, source, role, cohort and kind; sentiment
per theme; emerging and fading) groups the notes in scope by a few short
columns.  Computed live, that means joining ``feedback`` (wide: every note's
text sits in its rows), ``feedback_analysis`` and ``pairings`` per aggregate —
about 0.6 CPU s each at 463,000 notes on SQLite.  The theme refresh therefore
stores the joined narrow rows in ``theme_note_facts`` (:func:`update_theme_facts`,
inside its own transaction) and :func:`note_facts` reads them while
``tandem.program.rollups`` says they are current, else computes the very same rows
live — so a stale roll-up can cost time, never change a number.

What a fact holds, and why:

* ``unit`` — the privacy unit: the pairing, or the note itself for a
  program-level note (a survey answer is its own respondent);
* ``cohort_id`` — the note's own cohort, else its pairing's;
* ``kind`` — the pairing's kind (NULL for a program-level note);
* ``month`` — ``YYYY-MM`` of the note's date, the prevalence chart's axis.

Stored facts change with their inputs: an import clears them with every
roll-up (``rollups.invalidate``); a theme refresh rewrites the facts of the
notes it recomputed (all of them when they were not current).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Subquery, delete, func, insert, select

from tandem.program import rollups
from tandem.program.models import Feedback, Pairing
from tandem.program.sql import month
from tandem.program.theme_tables import FeedbackAnalysis, ThemeNoteFacts

FACT_COLUMNS = (
    "feedback_id",
    "unit",
    "pairing_id",
    "cohort_id",
    "date",
    "month",
    "source",
    "author_role",
    "kind",
    "theme_id",
    "sentiment",
)
# Above this many recomputed notes, rewriting every fact is cheaper than
# deleting and re-inserting them by id.
_REWRITE_ALL_ABOVE = 20_000
_ID_BATCH = 1_000


def _live_select(feedback_ids: Sequence[str] | None = None) -> Any:
    """The facts computed from the source tables (optionally of some notes only)."""
    note_pairing = Pairing.__table__.alias("fact_pairing")
    date_column: Any = Feedback.date
    statement = (
        select(
            Feedback.feedback_id.label("feedback_id"),
            func.coalesce(Feedback.pairing_id, Feedback.feedback_id).label("unit"),
            Feedback.pairing_id.label("pairing_id"),
            func.coalesce(Feedback.cohort_id, note_pairing.c.cohort_id).label("cohort_id"),
            Feedback.date.label("date"),
            month(date_column).label("month"),
            Feedback.source.label("source"),
            Feedback.author_role.label("author_role"),
            note_pairing.c.kind.label("kind"),
            FeedbackAnalysis.theme_id.label("theme_id"),
            FeedbackAnalysis.sentiment.label("sentiment"),
        )
        .select_from(Feedback)
        .outerjoin(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
        .outerjoin(note_pairing, note_pairing.c.pairing_id == Feedback.pairing_id)
    )
    if feedback_ids is not None:
        statement = statement.where(Feedback.feedback_id.in_(list(feedback_ids)))
    return statement


def note_facts(bind: Any | None = None) -> Subquery:
    """One row per note: the columns of ``FACT_COLUMNS``.

    Read from ``theme_note_facts`` when ``bind`` is given and the roll-up is
    current; computed live otherwise (same columns, same rows).
    """
    if bind is not None and rollups.is_current(bind, rollups.THEME_FACTS):
        return select(*(getattr(ThemeNoteFacts, name) for name in FACT_COLUMNS)).subquery(
            "note_facts"
        )
    return _live_select().subquery("note_facts")


def rewrite_theme_facts(connection: Connection) -> int:
    """Store every note's facts afresh and mark them current; returns the notes written."""
    connection.execute(delete(ThemeNoteFacts))
    connection.execute(insert(ThemeNoteFacts).from_select(list(FACT_COLUMNS), _live_select()))
    rollups.mark_current(connection, rollups.THEME_FACTS)
    # (``rowcount`` of INSERT … SELECT is -1 under psycopg, so count.)
    return int(connection.execute(select(func.count()).select_from(ThemeNoteFacts)).scalar_one())


def update_theme_facts(connection: Connection, recomputed: Sequence[str]) -> None:
    """Bring the stored facts up to date after a theme refresh recomputed ``recomputed``.

    Runs inside the refresh's transaction.  While the facts are current only
    the recomputed notes' rows can have changed (their theme and sentiment;
    anything else about a note changes by import, which clears the roll-up),
    so only those are rewritten; otherwise — or when most notes changed —
    every fact is.
    """
    if not rollups.is_current(connection, rollups.THEME_FACTS) or (
        len(recomputed) > _REWRITE_ALL_ABOVE
    ):
        rewrite_theme_facts(connection)
        return
    ids = list(dict.fromkeys(recomputed))
    for start in range(0, len(ids), _ID_BATCH):
        batch = ids[start : start + _ID_BATCH]
        connection.execute(delete(ThemeNoteFacts).where(ThemeNoteFacts.feedback_id.in_(batch)))
        connection.execute(
            insert(ThemeNoteFacts).from_select(list(FACT_COLUMNS), _live_select(batch))
        )

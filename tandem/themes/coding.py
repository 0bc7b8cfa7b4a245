"""The coding queue: which notes a lead should code next, and coding them reversibly.

Active learning, in three parts (weights in ``rank_for_coding``):

* **uncertain**: the engine's stored confidence is low (or the note is not
  analysed yet);
* **central**: the note is like many other notes of the pool (the mean cosine
  of its ``DENSITY_K`` nearest neighbours), so its label teaches about them;
* **rare**: the engine's guess is a theme with few coded examples.

A batch is chosen greedily, each pick discounting the notes like it, so the
queue covers several clusters instead of ten wordings of one.  Only ``program``
and ``shareable`` notes that nobody coded are candidates (a private note's text
never leaves its pairing), inside the viewer's filters and scope.  At most
``POOL`` notes are ranked (the least confident half and the most recent half),
so the queue costs the same at 50,000 pairings as at 50.

A coding is ``code_note`` (audited); "no theme" is stored as an empty
``coded_theme`` (``NO_THEME``): the note keeps no theme at every refresh, and the
export shows an empty cell.  ``undo_coding`` puts back what the last coding of
a note replaced, audited too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import Engine, and_, desc, func, select

from tandem.access.filters import Filters
from tandem.access.scope import Scope
from tandem.program.db import transaction
from tandem.program.models import AuditEntry, Feedback
from tandem.program.theme_tables import FeedbackAnalysis
from tandem.themes.engine import NO_THEME, analyse_words
from tandem.themes.queries import CODABLE_VISIBILITIES, scope, uncertain_theme
from tandem.themes.queries.notes import guessed_note_columns, notes_with_guess
from tandem.themes.store import UnknownThemeError, code_note, set_coded_theme

POOL = 3_000
DENSITY_K = 10
# Priority = uncertainty + CENTRAL × density (scaled to 0…1) + RARE × 1/(1 + coded);
# each pick discounts the others by DIVERSITY × their similarity to it.
CENTRAL = 1.0
RARE = 0.5
DIVERSITY = 1.0
DUPLICATE = 0.999


@dataclass(frozen=True)
class QueuedNote:
    """One note the queue asks a person to code."""

    feedback_id: str
    date: dt.date | None
    source: str
    text: str
    guess: str | None
    confidence: float | None
    reason: str


def rank_for_coding(
    texts: Sequence[str],
    confidences: Sequence[float | None],
    guesses: Sequence[str | None],
    coded_counts: dict[str, int],
    limit: int,
) -> list[tuple[int, str]]:
    """Positions of the ``limit`` notes to code first, each with why (pure, deterministic)."""
    n = len(texts)
    if n == 0 or limit <= 0:
        return []
    vectoriser = TfidfVectorizer(analyzer=analyse_words, sublinear_tf=True)
    try:
        features = vectoriser.fit_transform(texts)
    except ValueError:  # no word at all in the pool
        features = None
    if features is not None:
        sims = (features @ features.T).toarray()
        np.fill_diagonal(sims, 0.0)
        k = min(DENSITY_K, max(n - 1, 1))
        density = -np.sort(-sims, axis=1)[:, :k].mean(axis=1)
        density = density / max(float(density.max()), 1e-9)
    else:
        sims = np.zeros((n, n))
        density = np.zeros(n)
    uncertainty = np.array([1.0 if c is None else 1.0 - float(c) for c in confidences])
    rare = np.array([1.0 / (1 + coded_counts.get((g or "").lower(), 0)) for g in guesses])
    priority = uncertainty + CENTRAL * density + RARE * rare
    covered = np.zeros(n)
    chosen: list[tuple[int, str]] = []
    for _ in range(min(limit, n)):
        score = priority - DIVERSITY * covered
        score[covered >= DUPLICATE] = -np.inf  # a copy of a chosen note teaches nothing new
        if chosen:
            score[[i for i, _ in chosen]] = -np.inf
        if not np.isfinite(score).any():
            break
        best = int(np.argmax(score))
        parts = {
            "uncertain": uncertainty[best],
            "like many notes": CENTRAL * density[best],
            "few examples of its theme": RARE * rare[best],
        }
        chosen.append((best, max(parts, key=lambda p: parts[p])))
        covered = np.maximum(covered, sims[best])
    return chosen


def coding_queue(
    engine: Engine, filters: Filters, *, limit: int = 10, exclude: Sequence[str] = ()
) -> list[QueuedNote]:
    """The notes to code next within the filters (never private, never coded), best first."""
    candidates = and_(
        scope(filters),
        Feedback.visibility.in_(CODABLE_VISIBILITIES),
        Feedback.coded_theme.is_(None),
        func.length(func.trim(func.coalesce(Feedback.text, ""))) > 0,
    )
    if exclude:
        candidates = and_(candidates, Feedback.feedback_id.not_in(list(exclude)))

    def pool(order: tuple[Any, ...]) -> Any:
        return (
            notes_with_guess(*guessed_note_columns("guess"))
            .where(candidates)
            .order_by(*order, Feedback.feedback_id)
            .limit(POOL // 2)
        )

    with transaction(engine) as session:
        rows: dict[str, Any] = {}
        for order in (
            (func.coalesce(FeedbackAnalysis.confidence, 0.0),),
            (desc(Feedback.date),),
        ):
            for row in session.execute(pool(order)):
                rows.setdefault(row.feedback_id, row)
        coded = session.execute(
            select(func.lower(func.trim(Feedback.coded_theme)), func.count())
            .where(Feedback.coded_theme.is_not(None))
            .group_by(func.lower(func.trim(Feedback.coded_theme)))
        ).all()
    notes = [rows[key] for key in sorted(rows)]
    ranked = rank_for_coding(
        [r.text or "" for r in notes],
        [r.confidence for r in notes],
        [r.guess for r in notes],
        {str(name): int(count) for name, count in coded},
        limit,
    )
    return [
        QueuedNote(
            feedback_id=notes[i].feedback_id,
            date=notes[i].date,
            source=notes[i].source or "",
            text=notes[i].text or "",
            guess=notes[i].guess,
            confidence=notes[i].confidence,
            reason=reason,
        )
        for i, reason in ranked
    ]


def code_from_queue(
    engine: Engine, scope_: Scope, feedback_id: str, theme_name: str | None, actor: str
) -> None:
    """Code one note: a theme name, or ``None`` for "no theme" (stored as ``NO_THEME``)."""
    if theme_name is None or not theme_name.strip():
        code_note(engine, scope_, feedback_id, NO_THEME, actor, no_theme=True)
    else:
        code_note(engine, scope_, feedback_id, theme_name, actor)


def undo_coding(engine: Engine, scope_: Scope, feedback_id: str, actor: str) -> str | None:
    """Put back the coded theme the last coding of this note replaced; returns it.

    Audited like any coding ("undo_code_feedback").  Raises ``UnknownThemeError``
    when the note was never coded, ``OutOfScope`` outside the viewer's scope.
    """
    with transaction(engine) as session:
        last = session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity == "feedback",
                AuditEntry.entity_id == feedback_id,
                AuditEntry.action == "code_feedback",
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).first()
        note = session.get(Feedback, feedback_id)
        if last is None or note is None:
            raise UnknownThemeError(f"no coding of {feedback_id!r} to undo")
        previous = (last.before or {}).get("coded_theme")
        set_coded_theme(session, scope_, note, previous, actor=actor, action="undo_code_feedback")
        # The undo itself is now the last word on this note: a second undo finds nothing.
        last.action = "code_feedback_undone"
    return previous


@dataclass(frozen=True)
class Coding:
    """A note a person coded: its text and what it is coded as (``NO_THEME``: no theme)."""

    feedback_id: str
    text: str
    coded_theme: str | None


def recent_codings(engine: Engine, scope_: Scope, actor: str, *, limit: int = 5) -> list[Coding]:
    """The notes ``actor`` coded most recently (newest first), in scope, still undoable."""
    with transaction(engine) as session:
        ids = session.scalars(
            select(AuditEntry.entity_id)
            .where(
                AuditEntry.entity == "feedback",
                AuditEntry.action == "code_feedback",
                AuditEntry.actor == actor,
            )
            .order_by(AuditEntry.id.desc())
            .limit(limit * 4)
        ).all()
        seen: list[Coding] = []
        for fid in dict.fromkeys(i for i in ids if i is not None):
            note = session.get(Feedback, fid)
            if note is None:
                continue
            allowed = (
                scope_.includes_pairing(session, note.pairing_id)
                if note.pairing_id is not None
                else scope_.allows(note.cohort_id)
            )
            if allowed:
                seen.append(Coding(fid, note.text or "", note.coded_theme))
            if len(seen) >= limit:
                break
    return seen


__all__ = [
    "NO_THEME",
    "Coding",
    "QueuedNote",
    "code_from_queue",
    "coding_queue",
    "rank_for_coding",
    "recent_codings",
    "uncertain_theme",
    "undo_coding",
]

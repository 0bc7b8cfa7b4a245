"""After a lead codes a note: update the notes like it now, not at the next full refresh.

A coded note changes the engine only for the notes like it (the coded layer of
``engine.ThemeModel`` adds nothing below ``CODED_FLOOR``), so there is no need
to read 500,000 notes to see its effect.  ``update_after_coding``

* fits the model with the new coding (kept per process by fingerprint, so
  the app pays the fit once per coding);
* finds the notes like each coded note: those containing one of its most
  distinctive words (``DISTINCTIVE`` of them, rarest first by the codebook's
  IDF), read by ``LIKE`` in the database, at most ``CANDIDATES`` of them;
* re-reads those notes and stores their theme and confidence (sentiment does
  not depend on coding), the coded notes' own themes, and the theme facts the
  page aggregates read — one writer's transaction with an audit row.

It is a preview of the next refresh, not a substitute: the stored input hashes
are left as they were, so the next ``refresh_themes`` sees a new fingerprint and
re-reads every note exactly.  A similar note that shares none of the coded
note's distinctive words is left until then.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.orm import Session

from tandem.program import audit
from tandem.program.db import writer_transaction
from tandem.program.models import Feedback
from tandem.program.theme_tables import FeedbackAnalysis
from tandem.themes.engine import Assignment, ThemeModel, analyse_words
from tandem.themes.facts import update_theme_facts
from tandem.themes.refresh import CODED_METHOD, METHOD, Training, load_training, model_for
from tandem.themes.slices import forget_theme_slices

DISTINCTIVE = 4
CANDIDATES = 5_000


@dataclass(frozen=True)
class LiveUpdate:
    """What ``update_after_coding`` did."""

    candidates: int
    changed: int
    seconds: float


def distinctive_words(model: ThemeModel, text: str, count: int = DISTINCTIVE) -> list[str]:
    """The note's rarest content stems in the model's vocabulary (a known stem ranks by IDF)."""
    vocabulary = model._word.vocabulary_
    idf = model._word.idf_
    ceiling = float(idf.max()) if len(idf) else 1.0
    stems = {
        term
        for term in analyse_words(text)
        if " " not in term and len(term) >= 4 and term not in ENGLISH_STOP_WORDS
    }
    ranked = sorted(
        stems,
        key=lambda t: (-(idf[vocabulary[t]] if t in vocabulary else ceiling + 1), t),
    )
    return ranked[:count]


def update_after_coding(
    engine: Engine,
    feedback_ids: Sequence[str],
    *,
    actor: str = "system",
    say: Callable[[str], None] | None = None,
) -> LiveUpdate:
    """Re-read the notes like the just-coded ``feedback_ids`` and store their themes."""
    clock = time.perf_counter()
    with writer_transaction(engine, say) as session:
        training = load_training(session, actor)
        model = model_for(training)
        coded = session.execute(
            select(Feedback.feedback_id, Feedback.text, Feedback.coded_theme).where(
                Feedback.feedback_id.in_(list(feedback_ids))
            )
        ).all()
        words = sorted({w for row in coded for w in distinctive_words(model, row.text or "")})
        rows = _notes_with_words(session, words)
        found = model.assign([row.text or "" for row in rows]) if rows else []
        stored = dict(
            session.execute(
                select(FeedbackAnalysis.feedback_id, FeedbackAnalysis.theme_id).where(
                    FeedbackAnalysis.feedback_id.in_(
                        [row.feedback_id for row in rows] + [row.feedback_id for row in coded]
                    )
                )
            ).all()
        )
        values, changed = _new_values(training, rows, found, coded, stored)
        if values:  # an UPDATE by primary key per row, sent as one batch
            session.execute(update(FeedbackAnalysis), values)
        touched = [row.feedback_id for row in coded] + [row.feedback_id for row in rows]
        update_theme_facts(session.connection(), touched)
        # Recounting every slice would cost seconds here; the views read live instead.
        forget_theme_slices(session.connection())
        audit.record(
            session,
            actor=actor,
            action="update_themes_after_coding",
            entity="feedback_analysis",
            after={
                "coded": list(feedback_ids),
                "words": words,
                "candidates": len(rows),
                "changed": len(changed),
            },
        )
    return LiveUpdate(len(rows), len(changed), time.perf_counter() - clock)


def _notes_with_words(session: Session, words: Sequence[str]) -> Sequence[Any]:
    """Uncoded notes containing any of ``words`` (at most ``CANDIDATES``), by id."""
    if not words:
        return []
    lowered = func.lower(Feedback.text)
    return session.execute(
        select(Feedback.feedback_id, Feedback.text)
        .where(
            Feedback.coded_theme.is_(None),
            or_(*(lowered.contains(word, autoescape=True) for word in words)),
        )
        .order_by(Feedback.feedback_id)
        .limit(CANDIDATES)
    ).all()


def _new_values(
    training: Training,
    rows: Sequence[Any],
    found: Sequence[Assignment],
    coded: Sequence[Any],
    stored: dict[str, int | None],
) -> tuple[list[dict[str, Any]], list[str]]:
    """The analysis rows to update (re-read notes, then the coded ones) and the notes
    whose theme changed.  A note never analysed is left to the next refresh, which
    reads it with its sentiment."""
    ids = {t.name: t.theme_id for t in training.themes}
    changed: list[str] = []
    values = []
    for row, assignment in zip(rows, found, strict=True):
        if row.feedback_id not in stored:
            continue
        theme_id = ids.get(assignment.theme) if assignment.theme else None
        values.append(
            {
                "feedback_id": row.feedback_id,
                "theme_id": theme_id,
                "confidence": assignment.confidence,
                "method": METHOD,
            }
        )
        if stored[row.feedback_id] != theme_id:
            changed.append(row.feedback_id)
    for row in coded:
        if row.coded_theme is not None and row.feedback_id in stored:
            values.append(
                {
                    "feedback_id": row.feedback_id,
                    "theme_id": training.theme_ids.get(row.coded_theme.strip().lower()),
                    "confidence": 1.0,
                    "method": CODED_METHOD,
                }
            )
    return values, changed


__all__ = ["LiveUpdate", "distinctive_words", "update_after_coding"]

"""Notes as text: those that need a human label, and redacted quotes per theme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, and_, case, desc, func, or_, select

from tandem.access.filters import Filters
from tandem.access.redaction import people_index, redact
from tandem.program.db import transaction
from tandem.program.models import Feedback
from tandem.program.sql import read_frame
from tandem.program.theme_tables import FeedbackAnalysis, Theme
from tandem.themes.queries.selection import CODABLE_VISIBILITIES, LOW_CONFIDENCE, scope


def notes_with_guess(*columns: Any) -> Select[Any]:
    """``columns`` over every note, with the engine's analysis and theme joined when there are."""
    return (
        select(*columns)
        .select_from(Feedback)
        .outerjoin(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
        .outerjoin(Theme, Theme.theme_id == FeedbackAnalysis.theme_id)
    )


def guessed_note_columns(guess: str) -> tuple[Any, ...]:
    """What a person coding a note sees of it: id, date, source, text, the engine's
    guess (labelled ``guess``) and its confidence."""
    return (
        Feedback.feedback_id,
        Feedback.date,
        Feedback.source,
        Feedback.text,
        Theme.name.label(guess),
        FeedbackAnalysis.confidence,
    )


def notes_to_code(
    engine: Engine,
    filters: Filters,
    *,
    limit: int = 25,
    offset: int = 0,
    low_confidence: float = LOW_CONFIDENCE,
) -> tuple[pd.DataFrame, int]:
    """Notes that need a human label, most uncertain first, and how many there are.

    Unassigned, not yet analysed, or placed with low confidence; never
    hand-coded already; and only ``program`` or ``shareable`` notes — a private
    note's text never leaves its pairing's own view.  Columns feedback_id, date,
    source, text, theme (the engine's current guess, or None), confidence.
    """
    needs_label = and_(
        scope(filters),
        Feedback.visibility.in_(CODABLE_VISIBILITIES),
        or_(Feedback.coded_theme.is_(None), Feedback.coded_theme == ""),
        or_(
            FeedbackAnalysis.theme_id.is_(None),
            FeedbackAnalysis.confidence.is_(None),
            FeedbackAnalysis.confidence < low_confidence,
        ),
    )

    with engine.connect() as connection:
        total = int(
            connection.execute(notes_with_guess(func.count()).where(needs_label)).scalar_one()
        )
    statement = (
        notes_with_guess(*guessed_note_columns("theme"))
        .where(needs_label)
        .order_by(
            case((FeedbackAnalysis.theme_id.is_(None), 0), else_=1),
            func.coalesce(FeedbackAnalysis.confidence, 0.0),
            desc(Feedback.date),
            Feedback.feedback_id,
        )
        .limit(max(0, limit))
        .offset(max(0, offset))
    )
    return read_frame(engine, statement), total


@dataclass(frozen=True)
class ThemeQuote:
    """A shareable, redacted note of a theme, within the filters."""

    feedback_id: str
    text: str
    date: dt.date
    author_role: str
    confidence: float | None


def filtered_quotes(
    engine: Engine, filters: Filters, theme_ids: Sequence[int], *, limit: int = 3
) -> dict[int, list[ThemeQuote]]:
    """Up to ``limit`` most confident ``shareable`` notes per theme, names redacted.

    The same selection as ``tandem.themes.quotes.representative_quotes`` (shareable
    only, most confident first, redacted by ``tandem.access.redaction``), restricted to the
    shared filters — which that function's single cohort/pairing cannot express —
    and fetched for all themes in one query.
    """
    if not theme_ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=FeedbackAnalysis.theme_id,
            order_by=[FeedbackAnalysis.confidence.desc().nulls_last(), Feedback.feedback_id.asc()],
        )
        .label("rank")
    )
    ranked = (
        select(
            FeedbackAnalysis.theme_id,
            Feedback.feedback_id,
            Feedback.text,
            Feedback.date,
            Feedback.author_role,
            FeedbackAnalysis.confidence,
            rank,
        )
        .join(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
        .where(
            FeedbackAnalysis.theme_id.in_(list(theme_ids)),
            Feedback.visibility == "shareable",
            scope(filters),
        )
        .subquery("ranked")
    )
    statement = (
        select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.theme_id, ranked.c.rank)
    )
    with transaction(engine) as session:
        rows = session.execute(statement).all()
        if not rows:
            return {}
        index = people_index(session)
    quotes: dict[int, list[ThemeQuote]] = {}
    for row in rows:
        quotes.setdefault(row.theme_id, []).append(
            ThemeQuote(
                feedback_id=row.feedback_id,
                text=redact(row.text or "", index),
                date=row.date,
                author_role=row.author_role,
                confidence=row.confidence,
            )
        )
    return quotes

"""Quotes that may be shown: shareable notes, with people's names removed.

Only notes whose author marked them ``shareable`` are ever quoted (``private``
and ``program`` notes feed the counts, never the quotes), and every quote is
redacted by ``tandem.access.redaction`` (names of people in the program become
"[name]" and e-mail addresses "[email]"; ordinary words that are also
somebody's name stay).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from tandem.access.redaction import people_index, redact
from tandem.program.db import transaction
from tandem.program.models import Feedback
from tandem.program.theme_tables import FeedbackAnalysis


@dataclass(frozen=True)
class Quote:
    """A shareable, redacted note representative of a theme."""

    feedback_id: str
    text: str
    confidence: float | None
    date: dt.date
    author_role: str


def representative_quotes(
    engine: Engine,
    theme_id: int,
    limit: int = 3,
    *,
    cohort_id: str | None = None,
    pairing_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Quote]:
    """The ``limit`` most confident shareable notes of a theme, redacted."""
    query = (
        select(
            Feedback.feedback_id,
            Feedback.text,
            FeedbackAnalysis.confidence,
            Feedback.date,
            Feedback.author_role,
        )
        .join(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
        .where(FeedbackAnalysis.theme_id == theme_id, Feedback.visibility == "shareable")
        .order_by(FeedbackAnalysis.confidence.desc(), Feedback.feedback_id)
        .limit(max(0, limit))
    )
    if cohort_id is not None:
        query = query.where(Feedback.cohort_id == cohort_id)
    if pairing_id is not None:
        query = query.where(Feedback.pairing_id == pairing_id)
    if since is not None:
        query = query.where(Feedback.date >= since)
    if until is not None:
        query = query.where(Feedback.date <= until)
    with transaction(engine) as session:
        rows = session.execute(query).all()
        if not rows:
            return []
        index = people_index(session)
    return [
        Quote(
            feedback_id=fid,
            text=redact(text or "", index),
            confidence=conf,
            date=date,
            author_role=role,
        )
        for fid, text, conf, date, role in rows
    ]

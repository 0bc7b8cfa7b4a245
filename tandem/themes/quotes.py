"""Confidentiality helpers: quotes that may be shown, with people's names removed.

Only notes whose author marked them ``shareable`` are ever quoted (``private``
and ``program`` notes feed the counts, never the quotes), and every quote is
redacted: names of people in the program (full name, first name or surname, as
whole words, any case) become "[name]" and e-mail addresses "[email]".
Over-redaction (a colleague called "Will") is the safe side of this trade-off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, select

from tandem.db import transaction
from tandem.models import Feedback, FeedbackAnalysis, Person

NAME_TOKEN = "[name]"
EMAIL_TOKEN = "[email]"
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PIECES = re.compile(r"['’-]")
_RUNS = re.compile(r"\[name\](?:[\s.]+\[name\])+")
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class Quote:
    """A shareable, redacted note representative of a theme."""

    feedback_id: str
    text: str
    confidence: float | None
    date: dt.date
    author_role: str


def name_words(names: Iterable[str]) -> set[str]:
    """The lower-cased words to redact: each part of each full name (and the parts'
    hyphenated/apostrophe pieces too)."""
    # One regex pass over all names joined by newlines (which no word spans):
    # at 70,000 people, a call per name cost seconds on the Quotes view.
    found = {word.lower() for word in _WORD.findall("\n".join(name for name in names if name))}
    pieces = {piece for word in found if not word.isalpha() for piece in _PIECES.split(word)}
    return {word for word in found | pieces if len(word) >= MIN_NAME_LENGTH}


def _is_name(word: str, words: set[str]) -> bool:
    lowered = word.lower()
    # "Priya's" is Priya: check the part before a possessive apostrophe too.
    return lowered in words or re.split(r"['’]", lowered)[0] in words


def redact(text: str, names: Iterable[str]) -> str:
    """``text`` with e-mail addresses and any word of any of ``names`` replaced.

    Pure function: ``names`` are full names as in the people table.
    """
    words = names if isinstance(names, set) else name_words(names)
    out = _EMAIL.sub(EMAIL_TOKEN, text)
    out = _WORD.sub(lambda m: NAME_TOKEN if _is_name(m.group(0), words) else m.group(0), out)
    return _RUNS.sub(NAME_TOKEN, out)


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
        words = name_words(session.scalars(select(Person.name)))
    return [
        Quote(
            feedback_id=fid,
            text=redact(text or "", words),
            confidence=conf,
            date=date,
            author_role=role,
        )
        for fid, text, conf, date, role in rows
    ]

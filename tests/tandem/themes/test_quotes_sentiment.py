"""Quotes never leak private text and redact names; sentiment reads workplace complaints.

The redaction rules themselves are tested in tests/tandem/access/test_redaction.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from tandem.program.db import transaction
from tandem.program.models import Person
from tandem.program.theme_tables import Theme
from tandem.themes.quotes import representative_quotes
from tandem.themes.refresh import refresh_themes
from tandem.themes.sentiment import plain_vader, polarity, score
from tests.tandem.themes.conftest import AddNotes


def test_quotes_only_shareable_and_redacted(engine: Engine, add_notes: AddNotes) -> None:
    with transaction(engine) as session:
        session.add(
            Person(
                person_id="p1",
                name="Priya Raman",
                level=5,
                division="Ops",
                geography="UK",
                max_mentees=2,
            )
        )
    add_notes(
        [("s1", "Priya and I keep cancelling; we haven't met since March.")], visibility="shareable"
    )
    add_notes(
        [("p1", "We keep cancelling, haven't met since May, secret detail.")], visibility="private"
    )
    add_notes([("g1", "We keep cancelling and haven't met in ages.")], visibility="program")
    refresh_themes(engine)
    with transaction(engine) as session:
        theme_id = session.scalar(
            select(Theme.theme_id).where(Theme.name == "Scheduling and engagement")
        )
    assert theme_id is not None
    quotes = representative_quotes(engine, theme_id, limit=5)
    assert [q.feedback_id for q in quotes] == ["s1"]
    assert quotes[0].text.startswith("[name] and I")
    assert all("secret" not in q.text for q in quotes)


@pytest.mark.parametrize(
    "text",
    [
        "We keep cancelling.",
        "Honestly, not a fit.",
        "I'm out of my depth here.",
        "Felt like a tech support desk rather than a mentoring relationship.",
        "Our session keeps getting pushed.",
        "We haven't met since the kickoff.",
        "He ghosted me after two sessions.",
        "It's box-ticking.",
        "We're going through the motions.",
        "No time for it this quarter.",
    ],
)
def test_workplace_complaints_read_negative(text: str) -> None:
    assert polarity(score(text)) == "negative"


def test_workplace_wins_read_positive_where_vader_does_not() -> None:
    for text in ("Got the green light from the board.", "It finally clicked."):
        assert polarity(score(text)) == "positive"
    # Why VADER is extended: it reads these complaints as positive.
    for text in ("Everything else keeps winning.", "Felt like a tech support desk, not mentoring."):
        assert polarity(plain_vader(text)) == "positive"
        assert polarity(score(text)) == "negative"
    assert -1.0 <= score("terrible awful horrible disaster " * 5) <= 1.0

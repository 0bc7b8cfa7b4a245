"""Quotes (``tandem.themes.quotes``) never leak private text and redact names.

The redaction rules themselves are tested in tests/tandem/access/test_redaction.py.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from tandem.program.db import transaction
from tandem.program.models import Person
from tandem.program.theme_tables import Theme
from tandem.themes.quotes import representative_quotes
from tandem.themes.refresh import refresh_themes
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

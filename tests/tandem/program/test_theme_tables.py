"""The theme engine's tables: a note's reading goes with the note, not with its theme."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, insert, select

from tandem.program.models import Feedback
from tandem.program.theme_tables import FeedbackAnalysis, Theme
from tests.factories import small_program


def test_a_readings_theme_may_go_and_the_reading_goes_with_its_note(engine: Engine) -> None:
    small_program(engine)
    with engine.begin() as connection:
        note = connection.scalar(select(Feedback.feedback_id).limit(1))
        connection.execute(insert(Theme).values(name="Delegation"))
        theme = connection.scalar(select(Theme.theme_id).where(Theme.name == "Delegation"))
        connection.execute(
            insert(FeedbackAnalysis).values(feedback_id=note, theme_id=theme, confidence=0.9)
        )
    with engine.begin() as connection:
        assert connection.scalar(select(Theme.active).where(Theme.theme_id == theme)) is True
        connection.execute(delete(Theme).where(Theme.theme_id == theme))
        assert connection.scalar(select(FeedbackAnalysis.theme_id)) is None
        connection.execute(delete(Feedback).where(Feedback.feedback_id == note))
        assert connection.scalar(select(func.count()).select_from(FeedbackAnalysis)) == 0

"""Helpers for the theme tests: feedback rows without the rest of a bundle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from tandem.program.db import transaction
from tandem.program.models import Feedback

AddNotes = Callable[..., None]

#: Notes about a theme the codebook does not have (parking), one like them, one far off.
PARKING = [
    "The car park barrier was broken again so I was late for our session.",
    "Could not find a parking space near the office before our meeting.",
    "Parking permits for visitors ran out, my mentor had to park across town.",
]
LIKE_PARKING = "The car park barrier was broken, so no parking space for my mentor."
UNRELATED = "We keep cancelling and haven't met since March."


@pytest.fixture
def add_notes(engine: Engine) -> AddNotes:
    """Insert feedback notes: ``add_notes([(id, text), ...], visibility=..., coded=...)``."""

    def add(
        notes: list[tuple[str, str]],
        *,
        visibility: str = "program",
        coded: dict[str, str] | None = None,
    ) -> None:
        with transaction(engine) as session:
            for feedback_id, text in notes:
                session.add(
                    Feedback(
                        feedback_id=feedback_id,
                        date=dt.date(2026, 3, 1),
                        source="checkin_note",
                        author_role="mentee",
                        visibility=visibility,
                        text=text,
                        coded_theme=(coded or {}).get(feedback_id),
                    )
                )

    return add

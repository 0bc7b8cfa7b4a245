"""Presenter mode's notes grid on the pairing page: names taken, ordinary words kept."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, update

from tandem.program.bundle import import_bundle
from tandem.program.db import get_engine
from tandem.program.models import Feedback
from tests.app.conftest import open_as

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
NOTE = (
    "Tomás now asks the questions I would ask. Zoë’s idea: we will do the review with grace, "
    "and I can tell Tomás is squeezing it in."
)


def sample(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    with engine.begin() as connection:
        connection.execute(
            update(Feedback).where(Feedback.feedback_id == "fb-002").values(text=NOTE)
        )


def test_presenter_notes_are_redacted_by_the_prepared_index(app_database) -> None:  # type: ignore[no-untyped-def]
    get_engine(app_database(sample))
    at = open_as("pages/pairing.py", "lead", present=True, query={"pairing": "pr-001"})
    notes = [frame.value for frame in at.dataframe if "Note" in frame.value.columns]
    assert notes, "the notes grid is shown"
    texts = list(notes[0]["Note"])
    assert texts == [
        "[name] now asks the questions I would ask. [name]’s idea: we will do the review "
        "with grace, and I can tell [name] is squeezing it in."
    ]


def test_health_not_yet_computed_says_where_it_is_computed(app_database) -> None:  # type: ignore[no-untyped-def]
    """A sponsor cannot run a command: the page names the refresh and its button."""
    app_database(lambda engine: import_bundle(engine, SAMPLE_BUNDLE))  # no refresh
    at = open_as("pages/pairing.py", "sponsor", query={"pairing": "pr-001"})
    (health,) = [c.value for c in at.caption if c.value.startswith("Health: not yet computed")]
    assert "“Recompute health now” on the Stalled pairings page" in health
    assert "python -m" not in health

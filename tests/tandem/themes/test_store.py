"""The codebook's themes as stored (``tandem.themes.store``): edited with optimistic
concurrency, deactivated, listed, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from tandem.program.models import AuditEntry
from tandem.themes.codebook import seed_default_codebook
from tandem.themes.store import (
    StaleThemeError,
    deactivate_theme,
    list_themes,
    split_examples,
    upsert_theme,
)


def test_theme_editing_with_optimistic_concurrency(engine: Engine) -> None:
    seed_default_codebook(engine)
    delegation = next(t for t in list_themes(engine) if t.name == "Delegation")
    upsert_theme(
        engine,
        "Delegation",
        "Letting go.",
        ["I hand off more."],
        "a",
        expected_version=delegation.version,
    )
    with pytest.raises(StaleThemeError):
        upsert_theme(
            engine, "Delegation", "Stale edit.", [], "b", expected_version=delegation.version
        )
    edited = next(t for t in list_themes(engine) if t.name == "Delegation")
    assert edited.description == "Letting go." and edited.examples == ("I hand off more.",)
    assert seed_default_codebook(engine) == 0  # seeding never overwrites the edit
    deactivate_theme(engine, edited.theme_id, "a")
    assert "Delegation" not in {t.name for t in list_themes(engine)}


def test_a_new_theme_is_created_listed_and_audited(engine: Engine) -> None:
    upsert_theme(engine, "Parking", "Getting to the office.", ["No space again."], "lead@x")
    (theme,) = list_themes(engine)
    assert (theme.name, theme.examples, theme.active, theme.feedback_count) == (
        "Parking",
        ("No space again.",),
        True,
        0,
    )
    deactivate_theme(engine, theme.theme_id, "lead@x")
    assert list_themes(engine) == []
    assert [t.name for t in list_themes(engine, include_inactive=True)] == ["Parking"]
    with engine.connect() as connection:
        actions = connection.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        assert list(actions) == ["create_theme", "deactivate_theme"]


def test_examples_are_one_a_line_without_blanks() -> None:
    assert split_examples("  First one. \n\n Second one.\n   ") == ("First one.", "Second one.")
    assert split_examples("") == ()

"""Privacy: small groups suppressed, the threshold as a setting, presenter pseudonyms."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from tandem.access.privacy import (
    SETTINGS_KEY,
    hidden_cells_note,
    mostly_suppressed,
    presenter_key,
    privacy_threshold,
    pseudonym,
    suppress_small,
    threshold_for,
)
from tandem.access.roles import Viewer
from tandem.program.settings import SettingsError, put_setting


def test_small_cells_lose_their_values_not_their_rows() -> None:
    frame = pd.DataFrame({"cohort": ["a", "b", "c"], "n": [2, 5, 9], "mean": [4.5, 3.0, 2.0]})
    result = suppress_small(frame, "n", 5, ["mean"])
    assert result["suppressed"].tolist() == [True, False, False]
    assert result["cohort"].tolist() == ["a", "b", "c"]
    assert pd.isna(result.loc[0, "mean"]) and pd.isna(result.loc[0, "n"])
    assert result.loc[1, "mean"] == 3.0 and result.loc[2, "n"] == 9
    assert frame.loc[0, "mean"] == 4.5  # the caller's frame is untouched
    assert not mostly_suppressed(result)
    assert hidden_cells_note(result, 5) == (
        "1 of 3 cells covers fewer than 5 pairings and is hidden to protect confidentiality."
    )


def test_notes_for_no_some_and_all_cells_hidden() -> None:
    none = pd.DataFrame({"suppressed": [False, False]})
    assert hidden_cells_note(none, 5) == "" and not mostly_suppressed(none)
    most = pd.DataFrame({"suppressed": [True, True, False]})
    assert mostly_suppressed(most)
    assert hidden_cells_note(most, 5, "bar").startswith("2 of 3 bars cover fewer than 5")
    every = pd.DataFrame({"suppressed": [True]})
    assert hidden_cells_note(every, 3) == "Every cell covers fewer than 3 pairings: all are hidden."
    assert not mostly_suppressed(pd.DataFrame({"suppressed": []}))


def test_the_threshold_is_a_checked_setting_and_leads_see_small_groups(engine: Engine) -> None:
    assert privacy_threshold(engine) == 5
    put_setting(engine, SETTINGS_KEY, {"threshold": 8}, actor="admin")
    assert privacy_threshold(engine) == 8
    assert threshold_for(engine, Viewer("sponsor")) == 8
    assert threshold_for(engine, Viewer("lead")) == 0
    assert threshold_for(engine, Viewer("admin")) == 0
    # A room never sees a small group, whoever presents.
    assert threshold_for(engine, Viewer("lead", presenting=True)) == 8
    for bad in (1, 101, True, "5"):
        with pytest.raises(SettingsError):
            put_setting(engine, SETTINGS_KEY, {"threshold": bad}, actor="admin")
    assert privacy_threshold(engine) == 8


def test_pseudonyms_are_stable_per_key_and_the_key_is_made_once(engine: Engine) -> None:
    key = presenter_key(engine)
    assert len(key) == 32 and presenter_key(engine) == key
    name = pseudonym("P-0001", key)
    assert name == pseudonym("P-0001", key)
    assert name != pseudonym("P-0001", bytes(32))
    adjective, animal, number = name.split(" ")
    assert adjective.isalpha() and animal.isalpha() and len(number) == 2
    names = {pseudonym(f"P-{i:04d}", key) for i in range(500)}
    assert len(names) > 490  # collisions are rare


def test_the_audit_log_says_the_key_was_made_but_never_holds_it(engine: Engine) -> None:
    """Whoever reads the audit log must not be able to undo the pseudonyms."""
    from sqlalchemy import select

    from tandem.program.models import AuditEntry
    from tandem.program.settings import NOT_RECORDED

    key = presenter_key(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntry.actor, AuditEntry.before, AuditEntry.after).where(
                AuditEntry.entity == "setting", AuditEntry.entity_id == "presenter"
            )
        ).all()
    assert rows == [("system", None, {"key": NOT_RECORDED})]
    assert key.hex() not in str(rows)

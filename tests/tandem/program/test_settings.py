"""Settings: defaults merged under stored values, audited writes, validation."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import tandem.access.privacy  # noqa: F401  (registers the real "privacy" validator, as in the app)
from tandem.health import (
    DEFAULT_HEALTH_SETTINGS,
    SETTINGS_KEY,
    health_settings,
    save_health_settings,
)
from tandem.program.models import AuditEntry, Setting
from tandem.program.settings import SettingsError, get_setting, merge, put_setting, reset_setting

DEFAULT = {"threshold": 5, "nested": {"a": 1, "b": 2}, "names": ["x"]}


def test_missing_setting_gives_defaults(engine: Engine) -> None:
    assert get_setting(engine, "test_only", DEFAULT) == DEFAULT


def test_round_trip_with_audit(engine: Engine) -> None:
    put_setting(engine, "test_only", {"threshold": 7, "nested": {"b": 3}}, "lead@x")
    assert get_setting(engine, "test_only", DEFAULT) == {
        "threshold": 7,
        "nested": {"a": 1, "b": 3},
        "names": ["x"],
    }
    put_setting(engine, "test_only", {"threshold": 9}, "other@x")
    assert get_setting(engine, "test_only", DEFAULT)["threshold"] == 9
    with Session(engine) as session:
        audits = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.entity == "setting").order_by(AuditEntry.id)
            )
        )
        row = session.get_one(Setting, "test_only")
    assert [a.actor for a in audits] == ["lead@x", "other@x"]
    assert audits[0].before is None
    assert audits[1].before == {"threshold": 7, "nested": {"b": 3}}
    assert audits[1].after == {"threshold": 9}
    assert row.updated_by == "other@x"


def test_reset_restores_defaults(engine: Engine) -> None:
    put_setting(engine, "test_only", {"threshold": 7}, "lead")
    reset_setting(engine, "test_only", "lead")
    assert get_setting(engine, "test_only", DEFAULT) == DEFAULT


def test_merge_drops_unknown_keys_and_replaces_lists() -> None:
    merged = merge(DEFAULT, {"gone": 1, "names": ["y", "z"], "nested": {"c": 3}})
    assert merged == {"threshold": 5, "nested": {"a": 1, "b": 2}, "names": ["y", "z"]}


def test_put_refuses_non_dict_and_blank_actor(engine: Engine) -> None:
    with pytest.raises(SettingsError, match="JSON object"):
        put_setting(engine, "k", [1, 2], "lead")  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="actor"):
        put_setting(engine, "k", {"a": 1}, " ")


def test_health_settings_partial_save_and_read(engine: Engine) -> None:
    saved = save_health_settings(engine, {"at_risk_below": 40, "stall": {"rating_drop": 1.5}}, "l")
    assert saved["at_risk_below"] == 40.0
    assert saved["stall"]["rating_drop"] == 1.5
    assert saved["stall"]["no_contact_min_days"] == 45
    assert health_settings(engine) == saved
    assert DEFAULT_HEALTH_SETTINGS["at_risk_below"] == 50.0  # defaults untouched


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"at_risk_below": 150}, "at_risk_below must be between 0 and 100"),
        ({"weights": {"recency": -1}}, "weights.recency must be between"),
        ({"weights": {"recency": "high"}}, "weights.recency must be a number"),
        ({"stall": {"one_sided_streak": 2.5}}, "whole number"),
        ({"stall": {"overdue_milestones": True}}, "must be a number"),
        ({"stall_statuses": ["completed"]}, "stall_statuses must be a list"),
        ({"colour": "red"}, "unknown setting 'colour'"),
        ({"weights": {name: 0 for name in DEFAULT_HEALTH_SETTINGS["weights"]}}, "at least one"),
    ],
)
def test_health_settings_validation_refuses_and_writes_nothing(
    engine: Engine, value: dict, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        save_health_settings(engine, value, "lead")
    with engine.connect() as connection:
        assert (
            connection.execute(select(Setting).where(Setting.key == SETTINGS_KEY)).first() is None
        )
        assert connection.execute(select(AuditEntry)).first() is None


def test_validator_also_guards_plain_put_setting(engine: Engine) -> None:
    bad = {**DEFAULT_HEALTH_SETTINGS, "at_risk_below": -5}
    with pytest.raises(SettingsError, match="at_risk_below"):
        put_setting(engine, SETTINGS_KEY, bad, "lead")

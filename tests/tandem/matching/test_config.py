"""The tunable part of matching (``tandem.matching.config``): validated, stored, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from tandem.matching.config import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    MatchConfig,
    load_match_config,
    save_match_config,
)
from tandem.program.models import AuditEntry
from tandem.program.settings import SettingsError


def test_weights_are_stored_validated_and_audited(engine: Engine) -> None:
    assert load_match_config(engine) == MatchConfig()
    save_match_config(
        engine, {"weights": {"skills": 1.0}, "move_margin": 0.2}, actor="lead@example.com"
    )
    config = load_match_config(engine)
    assert config.weights["skills"] == 1.0
    assert config.weights["level"] == DEFAULT_WEIGHTS["level"]
    assert config.move_margin == 0.2
    with pytest.raises(SettingsError):
        save_match_config(engine, {"weights": {"skills": -1}}, actor="lead@example.com")
    with pytest.raises(SettingsError):
        save_match_config(
            engine, {"weights": dict.fromkeys(COMPONENTS, 0)}, actor="lead@example.com"
        )
    assert load_match_config(engine).weights["skills"] == 1.0


def test_a_change_is_audited_with_who_and_what(engine: Engine) -> None:
    save_match_config(engine, MatchConfig(move_margin=0.1), actor="lead@example.com")
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntry.actor, AuditEntry.entity_id, AuditEntry.before, AuditEntry.after)
        ).all()
    ((actor, key, before, after),) = rows
    assert (actor, key, before) == ("lead@example.com", "matching", None)
    assert after["move_margin"] == 0.1 and after["weights"] == DEFAULT_WEIGHTS


def test_from_dict_fills_defaults_and_round_trips() -> None:
    config = MatchConfig.from_dict({"weights": {"skills": 2}, "level_sigma": 1})
    assert config.weights["skills"] == 2.0
    assert {k: v for k, v in config.weights.items() if k != "skills"} == {
        k: v for k, v in DEFAULT_WEIGHTS.items() if k != "skills"
    }
    assert config.level_sigma == 1.0 and config.move_margin == MatchConfig().move_margin
    assert MatchConfig.from_dict(config.to_dict()) == config
    assert list(config.to_dict()["weights"]) == list(COMPONENTS)


@pytest.mark.parametrize(
    "value",
    [
        {"weights": {"skills": "high"}},
        {"weights": {"skills": True}},
        {"weights": {"level": float("nan")}},
        {"poor_fit_threshold": 1.5},
        {"move_margin": -0.1},
        {"tenure_scale_years": 0},
    ],
)
def test_nonsense_is_refused(value: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(SettingsError):
        MatchConfig.from_dict(value)

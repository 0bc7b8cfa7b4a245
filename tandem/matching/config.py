"""The tunable part of matching: component weights and scales, stored in settings.

The weights (and the few scales the components use, see
:mod:`tandem.matching.scoring`) are tunable by a program lead and kept in the
``settings`` table under the key ``"matching"``; the defaults below apply until
someone changes them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from tandem.program.settings import SettingsError, get_setting, put_setting, register_validator

SETTING_KEY = "matching"

COMPONENTS: tuple[str, ...] = ("skills", "diversity", "breadth", "level", "availability")
COMPONENT_LABELS: dict[str, str] = {
    "skills": "skill complementarity",
    "diversity": "perspective diversity",
    "breadth": "experiential breadth",
    "level": "level gap",
    "availability": "availability",
}
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 0.35,
    "diversity": 0.20,
    "breadth": 0.10,
    "level": 0.25,
    "availability": 0.10,
}

DEFAULT_SETTING: dict[str, Any] = {
    "weights": dict(DEFAULT_WEIGHTS),
    # Rebalancing: a pairing whose current score is below this may be moved.
    "poor_fit_threshold": 0.45,
    # Rebalancing: a move must beat staying by this much (the stay bonus).
    "move_margin": 0.05,
    "availability_scale_hours": 4.0,
    "tenure_scale_years": 10.0,
    "level_sigma": 0.75,
}


@dataclass(frozen=True)
class MatchConfig:
    """The tunable part of matching, as stored under ``settings["matching"]``."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    poor_fit_threshold: float = DEFAULT_SETTING["poor_fit_threshold"]
    move_margin: float = DEFAULT_SETTING["move_margin"]
    availability_scale_hours: float = DEFAULT_SETTING["availability_scale_hours"]
    tenure_scale_years: float = DEFAULT_SETTING["tenure_scale_years"]
    level_sigma: float = DEFAULT_SETTING["level_sigma"]

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> MatchConfig:
        """Build from a (merged) settings value, refusing nonsense with ``SettingsError``."""
        merged = {**DEFAULT_SETTING, **dict(value)}
        raw_weights = {**DEFAULT_WEIGHTS, **dict(merged.get("weights") or {})}
        weights: dict[str, float] = {}
        for name in COMPONENTS:
            weight = _number(raw_weights[name], f"weight {name!r}")
            if weight < 0:
                raise SettingsError(f"weight {name!r} must be ≥ 0, got {weight}")
            weights[name] = weight
        if sum(weights.values()) <= 0:
            raise SettingsError("at least one matching weight must be above 0")
        threshold = _number(merged["poor_fit_threshold"], "poor_fit_threshold")
        if not 0 <= threshold <= 1:
            raise SettingsError("poor_fit_threshold must be between 0 and 1")
        margin = _number(merged["move_margin"], "move_margin")
        if not 0 <= margin <= 1:
            raise SettingsError("move_margin must be between 0 and 1")
        scales = {}
        for name in ("availability_scale_hours", "tenure_scale_years", "level_sigma"):
            scales[name] = _number(merged[name], name)
            if scales[name] <= 0:
                raise SettingsError(f"{name} must be above 0")
        return cls(
            weights=weights,
            poor_fit_threshold=threshold,
            move_margin=margin,
            availability_scale_hours=scales["availability_scale_hours"],
            tenure_scale_years=scales["tenure_scale_years"],
            level_sigma=scales["level_sigma"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON value stored in the settings table."""
        value = dataclasses.asdict(self)
        value["weights"] = {name: float(self.weights[name]) for name in COMPONENTS}
        return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise SettingsError(f"{what} must be a number, got {value!r}")
    return float(value)


def _validate_setting(value: dict[str, Any]) -> dict[str, Any]:
    return MatchConfig.from_dict(value).to_dict()


register_validator(SETTING_KEY, _validate_setting)


def load_match_config(bind: Engine | Connection | Session) -> MatchConfig:
    """The effective matching configuration (stored overrides over the defaults)."""
    return MatchConfig.from_dict(get_setting(bind, SETTING_KEY, DEFAULT_SETTING))


def save_match_config(engine: Engine, config: MatchConfig | Mapping[str, Any], actor: str) -> None:
    """Store the matching configuration (validated, audited, one transaction)."""
    value = config.to_dict() if isinstance(config, MatchConfig) else dict(config)
    put_setting(engine, SETTING_KEY, value, actor, default=DEFAULT_SETTING)

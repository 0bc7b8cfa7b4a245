"""The matching configuration as an editor sees it: a changed copy, its identity, its shares.

The rules themselves (components, defaults, validation, load and save) live in
:mod:`tandem.matching.config`; these helpers let a screen try other weights
before saving them, and tell two configurations apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from tandem.matching.config import COMPONENT_LABELS, COMPONENTS, MatchConfig

#: The tunable numbers of a configuration other than the weights, in the order an
#: editor shows them, with their labels and what each one does.
SETTING_LABELS: dict[str, tuple[str, str]] = {
    "poor_fit_threshold": (
        "Poor-fit line",
        "Rebalancing may move a pairing whose match score is below this.",
    ),
    "move_margin": (
        "Stay bonus",
        "Rebalancing suggests a move only when it beats staying by more than this.",
    ),
    "availability_scale_hours": (
        "Availability scale (hours a month)",
        "Availability is 1 − e^(−hours ÷ this): with 4, a mentor offering 4 h a month "
        "scores 0.63 and 8 h scores 0.86.",
    ),
    "tenure_scale_years": (
        "Tenure scale (years)",
        "A tenure difference of this many years counts as full experiential breadth.",
    ),
    "level_sigma": (
        "Level-gap tolerance (levels)",
        "Outside the kind's band, the level-gap component falls as e^(−d² ÷ 2σ²) "
        "with σ this many levels.",
    ),
}


def config_with(
    base: MatchConfig,
    weights: Mapping[str, float],
    *,
    poor_fit_threshold: float | None = None,
    move_margin: float | None = None,
    **others: float,
) -> MatchConfig:
    """``base`` with new weights (and optionally any other tunable number), validated.

    Raises ``tandem.program.settings.SettingsError`` for values the rules refuse (all
    weights zero, a negative weight …), the same check a save would run.
    """
    value = base.to_dict()
    value["weights"] = {name: float(weights.get(name, base.weights[name])) for name in COMPONENTS}
    if poor_fit_threshold is not None:
        value["poor_fit_threshold"] = float(poor_fit_threshold)
    if move_margin is not None:
        value["move_margin"] = float(move_margin)
    for name, number in others.items():
        if name not in SETTING_LABELS:
            raise TypeError(f"unknown matching setting {name!r}")
        value[name] = float(number)
    return MatchConfig.from_dict(value)


def config_key(config: MatchConfig) -> tuple[tuple[str, float], ...]:
    """A hashable, order-stable identity of a configuration (a cache key)."""
    value = config.to_dict()
    weights = value.pop("weights")
    return tuple(
        [(f"w.{name}", round(float(weights[name]), 6)) for name in COMPONENTS]
        + [(name, round(float(value[name]), 6)) for name in sorted(value)]
    )


def weight_shares(config: MatchConfig) -> pd.DataFrame:
    """Each component's weight and its share of the score (the weights are normalised)."""
    total = sum(config.weights[name] for name in COMPONENTS)
    return pd.DataFrame(
        {
            "component": [COMPONENT_LABELS[name] for name in COMPONENTS],
            "weight": [float(config.weights[name]) for name in COMPONENTS],
            "share": [float(config.weights[name]) / total for name in COMPONENTS],
        }
    )

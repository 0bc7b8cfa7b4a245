"""The matching configuration as an editor sees it: a changed copy, its identity, its shares."""

from __future__ import annotations

import pytest

from tandem.matching.config import COMPONENTS, DEFAULT_SETTING, MatchConfig
from tandem.matching.weights import SETTING_LABELS, config_key, config_with, weight_shares
from tandem.program.settings import SettingsError


def test_config_with_validates_and_keys_identify_configurations() -> None:
    base = MatchConfig()
    changed = config_with(base, {"skills": 0.0}, move_margin=0.1)
    assert changed.weights["skills"] == 0.0 and changed.move_margin == 0.1
    assert changed.weights["level"] == base.weights["level"]
    assert changed.poor_fit_threshold == base.poor_fit_threshold
    assert config_key(changed) != config_key(base)
    assert config_key(config_with(base, dict(base.weights))) == config_key(base)
    with pytest.raises(SettingsError):
        config_with(base, {name: 0.0 for name in COMPONENTS})
    shares = weight_shares(changed)
    assert shares["share"].sum() == pytest.approx(1.0)
    assert shares.set_index("component").loc["skill complementarity", "share"] == 0.0


def test_config_with_changes_any_tunable_number_and_refuses_unknown_ones() -> None:
    base = MatchConfig()
    changed = config_with(base, {}, level_sigma=1.5, tenure_scale_years=5.0)
    assert changed.level_sigma == 1.5 and changed.tenure_scale_years == 5.0
    assert dict(changed.weights) == dict(base.weights)
    with pytest.raises(TypeError):
        config_with(base, {}, nonsense=1.0)
    with pytest.raises(SettingsError):
        config_with(base, {}, level_sigma=0.0)


def test_every_tunable_number_has_a_label() -> None:
    assert set(SETTING_LABELS) == set(DEFAULT_SETTING) - {"weights"}
    assert all(label and not label.count("_") for label, _ in SETTING_LABELS.values())

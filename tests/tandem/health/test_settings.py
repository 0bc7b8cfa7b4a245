"""The health setting's policy: the at-risk line, the cap of a stall, the watched statuses."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tandem.health import (
    COMPONENTS,
    DEFAULT_HEALTH_SETTINGS,
    at_risk_line,
    health_settings,
    save_health_settings,
    setting_label,
    stalled_health_cap,
    watched_statuses,
)
from tandem.program.settings import SettingsError


def test_defaults(engine: Engine) -> None:
    settings = health_settings(engine)
    assert at_risk_line(settings) == 50.0
    assert stalled_health_cap(settings) == 49.0
    assert watched_statuses(settings) == ("active",)


@pytest.mark.parametrize(
    ("line", "cap"), [(50.0, 49.0), (50.5, 50.0), (62.5, 62.0), (1.0, 0.0), (0.5, 0.0), (0.0, 0.0)]
)
def test_the_cap_is_the_last_whole_point_under_the_line(line: float, cap: float) -> None:
    settings = {**DEFAULT_HEALTH_SETTINGS, "at_risk_below": line}
    assert stalled_health_cap(settings) == cap
    # Under the line (shown rounded to a whole number, too) whenever there is a band.
    if line >= 1:
        assert cap < line and round(cap) < line


def test_saved_settings_move_the_policy(engine: Engine) -> None:
    save_health_settings(engine, {"at_risk_below": 65, "stall_statuses": ["paused", "active"]}, "l")
    settings = health_settings(engine)
    assert at_risk_line(settings) == 65.0
    assert watched_statuses(settings) == ("active", "paused")  # in the vocabulary's order
    with pytest.raises(SettingsError, match="stall_statuses"):
        save_health_settings(engine, {"stall_statuses": ["completed"]}, "l")


def test_every_tunable_number_has_a_label_in_words() -> None:
    for name in COMPONENTS:
        assert setting_label("weights", name)[0].isupper()
    assert setting_label("", "at_risk_below") == "At risk below (health)"
    for section in ("stall", "scoring", "reasons"):
        for key in DEFAULT_HEALTH_SETTINGS[section]:
            label = setting_label(section, key)
            assert "_" not in label and label[0].isupper()

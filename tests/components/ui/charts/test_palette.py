"""The house styling (``components.ui.charts.palette``): presenter mode draws every text
at 16 px or more and larger than on screen, legend titles never cut, a raw spec sized
like a styled chart, one colour per status on every chart."""

from __future__ import annotations

from typing import Any

from components.ui.charts import (
    AMBER,
    CATEGORICAL,
    MILESTONE_COLOURS,
    RED,
    STATUS_COLOURS,
    VERDICT_COLOURS,
    outcome_bars,
    styled,
)
from components.ui.charts.palette import vega_config
from tests.components.ui.charts.specs import groups, spec


def test_presenter_mode_draws_every_text_at_16_px_or_more() -> None:
    chart = outcome_bars(groups(), "kind", "completion_rate", "Completion", "Kind")
    config = spec(styled(chart, presenting=True))["config"]
    assert config["axis"]["labelFontSize"] >= 16
    assert config["legend"]["labelFontSize"] >= 16
    assert config["legend"]["titleLimit"] == 0  # legend titles never cut
    assert config["text"]["fontSize"] >= 16
    assert spec(styled(chart, presenting=False))["config"]["axis"]["labelFontSize"] < 16


def _font_sizes(config: dict[str, Any], path: str = "") -> dict[str, float]:
    """Every ``...FontSize`` setting in a chart's config, by where it sits."""
    found: dict[str, float] = {}
    for key, value in config.items():
        if isinstance(value, dict):
            found |= _font_sizes(value, f"{path}{key}.")
        elif key.endswith("FontSize") or key == "fontSize":
            found[f"{path}{key}"] = value
    return found


def test_presenter_mode_enlarges_every_text_the_screen_draws() -> None:
    chart = outcome_bars(groups(), "kind", "completion_rate", "Completion", "Kind")
    screen = spec(styled(chart, presenting=False))["config"]
    presenting = spec(styled(chart, presenting=True))["config"]
    on_screen, projected = _font_sizes(screen), _font_sizes(presenting)
    assert (
        set(on_screen)
        == set(projected)
        >= {
            "axis.labelFontSize",
            "axis.titleFontSize",
            "legend.labelFontSize",
            "legend.titleFontSize",
            "header.labelFontSize",
            "header.titleFontSize",
            "text.fontSize",
        }
    )
    assert all(projected[key] > on_screen[key] for key in on_screen), (on_screen, projected)
    # Larger labels get more room before they are cut.
    assert presenting["axis"]["labelLimit"] > screen["axis"]["labelLimit"]


def test_a_raw_spec_gets_the_same_text_sizes_as_a_styled_chart() -> None:
    chart = outcome_bars(groups(), "kind", "completion_rate", "Completion", "Kind")
    for presenting in (False, True):
        styled_config = spec(styled(chart, presenting=presenting))["config"]
        for part, settings in vega_config(presenting=presenting).items():
            assert settings.items() <= styled_config[part].items(), (presenting, part)


def test_a_status_has_one_colour_on_every_chart() -> None:
    assert STATUS_COLOURS["Stalled"] == STATUS_COLOURS["Overdue"] == RED
    assert VERDICT_COLOURS["Stalled"] == MILESTONE_COLOURS["Overdue"] == RED
    assert STATUS_COLOURS["At risk"] == VERDICT_COLOURS["At risk"] == AMBER
    assert MILESTONE_COLOURS["Due soon"] == AMBER
    assert RED != AMBER
    # Six series told apart, no colour used twice.
    assert len(CATEGORICAL) == len(set(CATEGORICAL)) == 6

"""The house styling (``components.ui.charts.palette``): presenter mode draws every text
at 16 px or more, legend titles never cut."""

from __future__ import annotations

from components.ui.charts import outcome_bars, styled
from tests.components.ui.charts.specs import groups, spec


def test_presenter_mode_draws_every_text_at_16_px_or_more() -> None:
    chart = outcome_bars(groups(), "kind", "completion_rate", "Completion", "Kind")
    config = spec(styled(chart, presenting=True))["config"]
    assert config["axis"]["labelFontSize"] >= 16
    assert config["legend"]["labelFontSize"] >= 16
    assert config["legend"]["titleLimit"] == 0  # legend titles never cut
    assert config["text"]["fontSize"] >= 16
    assert spec(styled(chart, presenting=False))["config"]["axis"]["labelFontSize"] < 16

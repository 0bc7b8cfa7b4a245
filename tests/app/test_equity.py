"""The Equity page draws each group against everyone: the line at the core's figure."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.access.privacy import privacy_threshold
from tandem.portfolio.equity import equity_report
from tandem.program.bundle import import_bundle
from tandem.program.db import get_engine
from tests.app.conftest import open_as, shown_text

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"


def sample(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)


def _reference_titles(at) -> list[str]:  # type: ignore[no-untyped-def]
    """The axis title of every chart that draws one dashed line (it carries the line's value)."""
    titles = []
    for chart in at.get("vega_lite_chart"):
        layers = json.loads(chart.proto.spec).get("layer", [])
        rules = [layer for layer in layers if layer.get("mark", {}).get("type") == "rule"]
        if len(rules) == 1 and rules[0]["mark"].get("strokeDash"):
            titles.append(layers[0]["encoding"]["x"]["title"])
    return titles


@pytest.mark.parametrize("present", [False, True])
def test_every_measure_has_the_everyone_line_of_the_core(app_database, present: bool) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_as("pages/equity.py", "sponsor", present=present)
    expected = equity_report(
        engine,
        Filters(scope=EVERYTHING),
        threshold=privacy_threshold(engine),
        today=dt.date.today(),
    ).everyone
    drawn = {measure: value for measure, value in expected.items() if value is not None}
    assert drawn, "the sample should have at least one figure for everyone"
    # The line's value is the core's, said where it is never clipped: under the axis.
    assert sorted(_reference_titles(at)) == sorted(
        f"dashed line: everyone {format(value, '+.2f' if measure == 'rating_gain' else '.0%')}"
        for measure, value in drawn.items()
    )
    assert "dashed line, everyone under these filters" in shown_text(at)

"""Altair's class lookup built once: the same charts, without rebuilding it per encoding."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import altair as alt
import jsonschema
import pandas as pd
import pytest
from altair.utils import schemapi

from components.ui.charts import (
    altair_speed,
    burn_up_chart,
    learning_flow_bars,
    outcome_bars,
    pairing_timeline,
    styled,
)
from tests.components.ui.charts.specs import groups, no_milestones, one_flow, two_checkins


def _charts() -> list[Callable[[], alt.TopLevelMixin]]:
    burn_up = pd.DataFrame(
        {
            "cohort": ["A", "A"],
            "month": ["2025-12", "2026-01"],
            "planned_total": [2, 5],
            "completed_total": [1, 4],
        }
    )
    return [
        lambda: outcome_bars(
            groups(), "kind", "completion_rate", "Completion", "Kind", reference=0.77, threshold=5
        ),
        lambda: pairing_timeline(two_checkins(), no_milestones()),
        lambda: burn_up_chart(burn_up),
        lambda: learning_flow_bars(one_flow()),
    ]


@pytest.fixture
def altair_as_shipped() -> Iterator[None]:
    altair_speed.uninstall()
    try:
        yield
    finally:
        assert altair_speed.install()


def _specs() -> list[str]:
    return [styled(build(), presenting=False).to_json() for build in _charts()]


def test_the_pinned_altair_takes_the_shared_lookup() -> None:
    # A later Altair without these internals would draw the same charts, slowly:
    # this says so, rather than the benchmark a month later.
    assert altair_speed.installable()
    assert altair_speed.install()
    assert schemapi.SchemaBase.from_dict.__func__ is altair_speed._from_dict  # type: ignore[attr-defined]


def test_every_chart_is_the_same_with_and_without_it(altair_as_shipped: None) -> None:
    shipped = _specs()
    altair_speed._converters.clear()
    assert altair_speed.install()
    assert _specs() == shipped
    # Encodings given as shorthand, value and datum went through the shared table.
    assert altair_speed._converters


def test_an_invalid_encoding_is_still_refused() -> None:
    assert altair_speed.install()
    with pytest.raises(jsonschema.ValidationError):
        alt.X.from_dict({"field": "a", "type": "not-a-type"}, validate=True)


def test_a_drawn_chart_skips_the_schema_check_only_outside_the_tests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def invalid() -> alt.Chart:
        # A mark type Vega-Lite does not have: the schema check refuses it.
        return alt.Chart(pd.DataFrame({"a": [1]}), mark="not-a-mark").encode(x="a:Q")

    with pytest.raises(jsonschema.ValidationError):
        invalid().to_dict()
    assert altair_speed.CHECK_CHARTS in os.environ  # the suite checks every chart it draws
    with pytest.raises(jsonschema.ValidationError):
        altair_speed.unchecked(invalid()).to_dict()
    monkeypatch.delenv(altair_speed.CHECK_CHARTS)
    served = altair_speed.unchecked(invalid())
    assert served.to_dict()["mark"] == {"type": "not-a-mark"}  # as a server draws it: unchecked
    assert "to_dict" not in served.to_dict()  # the override is not part of the spec
    good = outcome_bars(
        groups(), "kind", "completion_rate", "Completion", "Kind", reference=0.77, threshold=5
    )
    assert altair_speed.unchecked(good).to_json() == good.to_json()

"""Large charts are drawn on a canvas, small ones stay SVG; the burn-up labels only
each line's end."""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.ui.charts import burn_up_chart, sized_renderer, styled
from components.ui.charts.renderer import CANVAS_ABOVE_MARKS, estimated_marks


def _burn_up_rows(cohorts: int, months: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "cohort": f"Cohort {c}",
                "month": f"{2024 + m // 12}-{m % 12 + 1:02d}",
                "planned_total": 10 * (m + 1),
                "completed_total": 7 * (m + 1),
            }
            for c in range(cohorts)
            for m in range(months)
        ]
    )


def _renderer(chart: alt.TopLevelMixin) -> str:
    meta = chart.to_dict().get("usermeta") or {}
    return str(meta.get("embedOptions", {}).get("renderer", "svg"))


def test_marks_are_counted_per_layer_through_facets_and_layers() -> None:
    frame = _burn_up_rows(cohorts=2, months=12)  # 2 × 12 months × 2 series = 48 rows
    assert estimated_marks(burn_up_chart(frame)) == 48 * 2  # a line and a label layer
    bars = alt.Chart(pd.DataFrame({"x": range(30)})).mark_bar().encode(x="x:Q")
    assert estimated_marks(bars) == 30
    assert estimated_marks(alt.hconcat(bars, bars)) == 60


def test_a_program_sized_burn_up_is_drawn_on_a_canvas_and_a_small_one_as_svg() -> None:
    small = burn_up_chart(_burn_up_rows(cohorts=4, months=24))
    large = burn_up_chart(_burn_up_rows(cohorts=26, months=30))
    assert estimated_marks(small) <= CANVAS_ABOVE_MARKS < estimated_marks(large)
    assert _renderer(sized_renderer(styled(small, presenting=False))) == "svg"
    drawn = sized_renderer(styled(large, presenting=True))
    assert _renderer(drawn) == "canvas"
    # The house styling survives the renderer's setting.
    assert drawn.to_dict()["config"]["text"]["fontSize"] > 0


def test_the_burn_up_labels_only_the_last_month_of_each_line() -> None:
    spec = burn_up_chart(_burn_up_rows(cohorts=1, months=6)).to_dict()
    text_layer = next(layer for layer in spec["spec"]["layer"] if layer["mark"]["type"] == "text")
    assert text_layer["transform"] == [{"filter": "datum.end"}]

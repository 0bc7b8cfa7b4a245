"""Bar charts (``components.ui.charts.bars``): the value at each bar's end, the program's
dashed line under the labels, one shared scale, whole-number ticks on a rating axis."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from components.ui.charts import equity_bars, learning_flow_bars, outcome_bars, rate_bars
from components.ui.charts.bars import HALO
from tests.components.ui.charts.specs import groups, layers, one_flow, spec, values


def test_bars_carry_their_value_and_the_program_line() -> None:
    chart = outcome_bars(
        groups(), "kind", "completion_rate", "Completion", "Kind", reference=0.77, threshold=5
    )
    labels = {row["kind"]: row["label"] for row in values(chart) if "kind" in row}
    assert labels == {
        "peer": "64% · n=25",
        "reverse": "hidden: fewer than 5",
        "traditional": "80% · n=97",
    }
    marks = [layer["mark"]["type"] for layer in layers(chart)]
    assert marks.count("text") >= 2 and "rule" in marks
    # The line's words go on a line of their own under the axis title: a narrow
    # chart would clip one long title at its right edge.
    assert layers(chart)[0]["encoding"]["x"]["title"] == [
        "Completion",
        "(dashed line: program 77%)",
    ]


def test_the_program_line_never_strikes_through_a_bar_end_label() -> None:
    """#15: the dashed line is drawn under the value labels, and every label sits on a
    halo of the background, so where the line crosses a label the label stays legible."""
    for chart in (
        outcome_bars(groups(), "kind", "completion_rate", "Completion", "Kind", reference=0.77),
        equity_bars(
            groups().rename(columns={"kind": "group", "n": "people"}),
            "completion_rate",
            "Completion",
            reference=0.7,
            threshold=5,
        ),
    ):
        drawn = layers(chart)
        kinds = [layer["mark"]["type"] for layer in drawn]
        rule = kinds.index("rule")
        texts = [i for i, kind in enumerate(kinds) if kind == "text"]
        assert texts and min(texts) > rule, kinds
        halos = [i for i in texts if drawn[i]["mark"].get("stroke") == HALO]
        plain = [i for i in texts if "stroke" not in drawn[i]["mark"]]
        assert len(halos) == len(plain) and max(halos) < min(plain)


def test_side_by_side_rate_charts_share_one_scale() -> None:
    first = rate_bars(
        pd.DataFrame({"group": ["A"], "n": [9.0], "rate": [0.2], "suppressed": [False]}), "Done"
    )
    second = rate_bars(
        pd.DataFrame({"group": ["B"], "n": [9.0], "rate": [0.9], "suppressed": [False]}), "Done"
    )

    def domain(chart: alt.TopLevelMixin) -> list[float]:
        found: list[float] = layers(chart)[0]["encoding"]["x"]["scale"]["domain"]
        return found

    assert domain(first) == domain(second)


def test_the_learning_flow_rating_axis_runs_one_to_five_in_whole_numbers() -> None:
    assert '"values": [1, 2, 3, 4, 5]' in json.dumps(spec(learning_flow_bars(one_flow())))

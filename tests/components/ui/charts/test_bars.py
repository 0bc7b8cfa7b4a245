"""Bar charts (``components.ui.charts.bars``): the value at each bar's end, the program's
dashed line under the labels, one shared scale, whole-number ticks on a rating axis."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from components.ui.charts import (
    change_bars,
    equity_bars,
    learning_flow_bars,
    outcome_bars,
    padded_domain,
    rate_bars,
    sentiment_bars,
)
from components.ui.charts.bars import HALO
from components.ui.charts.palette import ACCENT, MUTED, RED
from tests.components.ui.charts.specs import groups, layer_rows, layers, one_flow, spec, values


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


def _themes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["Delegation", "Career", "Steady", "Tiny"],
            "change": [4.24, -2.0, 0.04, None],
            "share_current": [0.3, 0.1, 0.2, None],
            "share_previous": [0.26, 0.12, 0.2, None],
            "suppressed": [False, False, False, True],
        }
    )


def test_change_bars_print_the_points_at_each_end_and_colour_the_direction() -> None:
    chart = change_bars(_themes())
    bars = layer_rows(chart, 0)
    assert {row["theme"]: row["label"] for row in bars} == {
        "Delegation": "+4.2 pts",
        "Career": "-2.0 pts",
        "Steady": "no change",  # under 0.05 points rounds to nothing
    }  # the suppressed theme is not drawn at all
    assert {row["theme"]: row["direction"] for row in bars} == {
        "Delegation": "Emerging",
        "Career": "Fading",
        "Steady": "Emerging",
    }
    encoding = layers(chart)[0]["encoding"]
    assert encoding["color"]["scale"] == {
        "domain": ["Emerging", "Fading"],
        "range": [ACCENT, MUTED],
    }
    assert encoding["y"]["sort"] == {"field": "change", "order": "descending"}
    # Whole signed points on the axis, the title alone (no words for the zero line).
    assert encoding["x"]["axis"]["format"] == "+d"
    assert encoding["x"]["axis"]["tickMinStep"] == 1
    assert encoding["x"]["title"] == "Change in share of notes (percentage points)"
    # Room on both sides: 35 % of the −2.0…+4.24 span beyond each end.
    assert encoding["x"]["scale"]["domain"] == pytest.approx([-4.184, 6.424])
    assert layer_rows(chart, 1) == [{"reference": 0.0, "label": ""}]  # the zero line


def test_sentiment_bars_run_minus_one_to_one_with_negative_themes_in_red() -> None:
    frame = pd.DataFrame(
        {
            "theme": ["Workload", "Growth", "Hidden"],
            "mean_sentiment": [-0.4, 0.35, None],
            "share_negative": [0.6, 0.1, None],
            "suppressed": [False, False, True],
        }
    )
    chart = sentiment_bars(frame)
    assert {row["theme"]: row["label"] for row in layer_rows(chart, 0)} == {
        "Workload": "-0.40",
        "Growth": "+0.35",
    }
    encoding = layers(chart)[0]["encoding"]
    assert encoding["color"] == {
        "condition": {"test": "datum.mean_sentiment < 0", "value": RED},
        "value": ACCENT,
    }
    assert encoding["x"]["scale"]["domain"] == [-1.0, 1.0]
    assert encoding["x"]["axis"]["values"] == [-1, -0.5, 0, 0.5, 1]
    # A negative bar's value sits beyond its left end, right-aligned; a positive one's
    # beyond its right end.
    sides = {
        layer["transform"][0]["filter"]: (layer["mark"]["align"], layer["mark"]["dx"])
        for layer in layers(chart)
        if layer["mark"]["type"] == "text"
        and "stroke" not in layer["mark"]  # not the halo under it
        and "fontStyle" not in layer["mark"]  # not a hidden row's words
    }
    assert sides == {
        "isValid(datum['mean_sentiment']) && datum['mean_sentiment'] >= 0.0": ("left", 4),
        "isValid(datum['mean_sentiment']) && datum['mean_sentiment'] < 0.0": ("right", -4),
    }


def test_padded_domain_starts_at_zero_and_leaves_room_for_the_labels() -> None:
    assert padded_domain([0.5, None]) == pytest.approx((0.0, 0.65))
    assert padded_domain([-2.0, 4.0]) == pytest.approx((-3.8, 5.8))
    assert padded_domain([2.0, 4.0], room=0.5) == pytest.approx((0.0, 6.0))
    assert padded_domain([None, float("nan")]) == pytest.approx((0.0, 0.3))


def test_rating_gain_bars_are_signed_and_keep_the_program_line_on_the_scale() -> None:
    frame = pd.DataFrame(
        {
            "kind": ["peer", "reverse"],
            "n": [25, 12],
            "rating_gain": [0.35, -0.1],
            "suppressed": [False, False],
        }
    )
    chart = outcome_bars(frame, "kind", "rating_gain", "Gain", "Kind", reference=0.5)
    assert {row["kind"]: row["label"] for row in layer_rows(chart, 0)} == {
        "peer": "+0.35 · n=25",
        "reverse": "-0.10 · n=12",
    }
    x = layers(chart)[0]["encoding"]["x"]
    assert x["title"] == ["Gain", "(dashed line: program +0.50)"]
    assert x["axis"]["format"] == "+.2f"
    assert "values" not in x["axis"]  # no 0–100 % ticks on a rating gain
    # From below the lowest bar to beyond the program's +0.50 (clamped, it would sit
    # at the edge otherwise).
    assert x["scale"]["domain"] == pytest.approx([-0.28, 0.68])


def test_equity_bars_print_the_value_alone_and_name_the_line_in_the_axis_title() -> None:
    chart = equity_bars(
        groups().rename(columns={"kind": "group", "n": "people"}),
        "completion_rate",
        "Completion",
        reference=0.7,
        threshold=5,
    )
    assert {row["group"]: row["text"] for row in layer_rows(chart, 0)} == {
        "peer": "64%",
        "reverse": "hidden: fewer than 5",
        "traditional": "80%",
    }
    x = layers(chart)[0]["encoding"]["x"]
    assert x["title"] == "dashed line: everyone 70%"
    assert x["scale"]["domain"] == [0.0, 1.25]
    assert x["axis"]["values"] == [0, 0.25, 0.5, 0.75, 1]


def test_rate_bars_say_a_hidden_group_in_words_at_the_baseline() -> None:
    frame = pd.DataFrame(
        {"group": ["A", "B"], "n": [9.0, None], "rate": [0.2, None], "suppressed": [False, True]}
    )
    chart = rate_bars(frame, "Done", reference=0.5)
    assert {row["group"]: row["label"] for row in layer_rows(chart, 0)} == {
        "A": "20% · n=9",
        "B": "hidden (too few)",  # no threshold given: no number in the words
    }
    hidden = [layer for layer in layers(chart) if layer["mark"].get("fontStyle") == "italic"]
    assert hidden and all(layer["encoding"]["x"] == {"datum": 0.0} for layer in hidden)
    assert layer_rows(chart, 1) == [{"reference": 0.5, "label": "program 50%"}]


def test_a_bar_label_counts_with_thousands_separators() -> None:
    from components.ui.charts.bars import counted

    assert counted("70%", 5_333) == "70% · n=5,333"
    assert counted("+0.35", 25.0) == "+0.35 · n=25"

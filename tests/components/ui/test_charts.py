"""The chart builders: values on the marks, reference lines, shared scales, whole-number
rating ticks, years on time axes, a few series in colour, presenter text sizes."""

from __future__ import annotations

import json

import pandas as pd

from components.ui.charts import (
    burn_up_chart,
    equity_bars,
    highlighted_themes,
    learning_flow_bars,
    outcome_bars,
    outcome_heatmap,
    pairing_timeline,
    rate_bars,
    styled,
    theme_lines,
)
from components.ui.charts.bars import HALO
from tandem.access.privacy import hidden_cells_note, mostly_suppressed


def spec(chart) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(chart.to_json())


def layers(chart) -> list[dict]:  # type: ignore[no-untyped-def]
    found = spec(chart)
    return found.get("layer") or found["spec"]["layer"]


def values(chart) -> list[dict]:  # type: ignore[no-untyped-def]
    datasets = spec(chart)["datasets"]
    return [row for rows in datasets.values() for row in rows]


def groups() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": ["peer", "reverse", "traditional"],
            "n": [25.0, None, 97.0],
            "completion_rate": [0.64, None, 0.8],
            "suppressed": [False, True, False],
        }
    )


def two_checkins() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": ["2026-01-05", "2026-02-05"],
            "clarity": [3, 4],
            "confidence": [2, 3],
            "influence": [3, 3],
            "safety": [4, 4],
            "mentor_learning": [2, 3],
        }
    )


def no_milestones() -> pd.DataFrame:
    return pd.DataFrame(columns=["completed_date", "due_date", "title", "status_label"])


def one_flow() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": ["reverse"],
            "n": [12],
            "mentor_learning": [3.8],
            "mentee_rating": [3.5],
            "suppressed": [False],
        }
    )


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

    def domain(chart) -> list[float]:  # type: ignore[no-untyped-def]
        return layers(chart)[0]["encoding"]["x"]["scale"]["domain"]

    assert domain(first) == domain(second)


def test_heatmap_prints_each_value_and_leaves_suppressed_cells_blank() -> None:
    frame = pd.DataFrame(
        {
            "mentor_division": ["A", "A", "B"],
            "mentee_division": ["A", "B", "A"],
            "n": [8.0, None, 12.0],
            "completion_rate": [0.75, None, 0.5],
            "suppressed": [False, True, False],
        }
    )
    chart = outcome_heatmap(
        frame, "mentor_division", "mentee_division", "completion_rate", "Done", "Mentor", "Mentee"
    )
    assert [row["label"] for row in values(chart)] == ["75%", "", "50%"]
    assert not mostly_suppressed(frame)
    assert mostly_suppressed(frame.assign(suppressed=[True, True, False]))
    assert hidden_cells_note(frame, 5, "combination") == (
        "1 of 3 combinations covers fewer than 5 pairings and is hidden to protect confidentiality."
    )


def test_rating_axes_run_one_to_five_in_whole_numbers() -> None:
    text = json.dumps(spec(pairing_timeline(two_checkins(), no_milestones())))
    assert '"values": [1, 2, 3, 4, 5]' in text
    assert "%b %Y" in text  # the year on the time axis
    assert '"values": [1, 2, 3, 4, 5]' in json.dumps(spec(learning_flow_bars(one_flow())))


def test_burn_up_shows_years_shares_its_scale_and_labels_line_ends() -> None:
    frame = pd.DataFrame(
        {
            "cohort": ["A", "A", "B", "B"],
            "month": ["2025-12", "2026-01", "2025-12", "2026-01"],
            "planned_total": [2, 5, 1, 3],
            "completed_total": [1, 4, 1, 2],
        }
    )
    chart = spec(burn_up_chart(frame))
    assert "%b %Y" in json.dumps(chart)
    assert "resolve" not in chart  # one y scale for every cohort
    rows = [row for data in chart["datasets"].values() for row in data]
    # Each line's latest figure at its end: planned 5 and 3, completed 4 and 2.
    assert sorted(row["end"] for row in rows if row["end"]) == ["2", "3", "4", "5"]


def test_theme_lines_colour_the_few_that_moved_and_drop_flat_ones() -> None:
    months = ["2026-01", "2026-02"]
    frame = pd.DataFrame(
        [
            {"month": m, "theme": t, "share": s, "n": 20, "suppressed": False}
            for t, shares in {
                "Delegation": [0.1, 0.2],
                "Career": [0.2, 0.1],
                "Never": [0.0, 0.0],
                "Steady": [0.3, 0.3],
            }.items()
            for m, s in zip(months, shares, strict=True)
        ]
    )
    change = pd.DataFrame(
        {
            "theme": ["Delegation", "Career", "Steady", "Never"],
            "change": [10.0, -10.0, 0.0, 0.0],
            "suppressed": [False] * 4,
        }
    )
    highlight = highlighted_themes(change, limit=2)
    assert highlight == ["Delegation", "Career"]
    chart = spec(theme_lines(frame, highlight))
    shown = {row["theme"] for rows in chart["datasets"].values() for row in rows}
    assert "Never" not in shown  # no line flat at 0 %
    assert '"domain": ["Delegation", "Career"]' in json.dumps(chart)  # the legend


def test_presenter_mode_draws_every_text_at_16_px_or_more() -> None:
    chart = outcome_bars(groups(), "kind", "completion_rate", "Completion", "Kind")
    config = spec(styled(chart, presenting=True))["config"]
    assert config["axis"]["labelFontSize"] >= 16
    assert config["legend"]["labelFontSize"] >= 16
    assert config["legend"]["titleLimit"] == 0  # legend titles never cut
    assert config["text"]["fontSize"] >= 16
    assert spec(styled(chart, presenting=False))["config"]["axis"]["labelFontSize"] < 16

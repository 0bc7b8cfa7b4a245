"""Charts over time (``components.ui.charts.time``): a year on every time axis, ratings
1–5 in whole numbers, one scale for the burn-up's panels, at most six series in colour
and the rest grey, milestones at their dates in their status's colour."""

from __future__ import annotations

import json

import pandas as pd

from components.ui.charts import (
    CATEGORICAL,
    MILESTONE_COLOURS,
    MUTED,
    burn_up_chart,
    highlighted_themes,
    milestone_gantt,
    pairing_timeline,
    theme_lines,
)
from tests.components.ui.charts.specs import layer_rows, layers, no_milestones, spec, two_checkins


def test_the_pairing_timeline_rates_one_to_five_in_whole_numbers_and_shows_years() -> None:
    chart = pairing_timeline(two_checkins(), no_milestones())
    assert chart is not None
    text = json.dumps(spec(chart))
    assert '"values": [1, 2, 3, 4, 5]' in text
    assert "%b %Y" in text  # the year on the time axis


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


def test_burn_up_draws_each_cohort_as_shares_of_its_own_milestones() -> None:
    # A cohort 100 times the size of another: on counts the small one is a flat line.
    frame = pd.DataFrame(
        {
            "cohort": ["Large", "Large", "Small", "Small"],
            "month": ["2025-12", "2026-01", "2025-12", "2026-01"],
            "planned_total": [200, 400, 2, 4],
            "completed_total": [100, 300, 1, 3],
        }
    )
    chart = spec(burn_up_chart(frame))
    rows = [row for data in chart["datasets"].values() for row in data]
    shares = {(r["cohort"], r["series"], r["month"][:7]): r["share"] for r in rows}
    assert shares[("Small", "Completed", "2026-01")] == shares[("Large", "Completed", "2026-01")]
    assert shares[("Small", "Due (plan)", "2026-01")] == 1.0
    assert shares[("Large", "Completed", "2025-12")] == 0.25
    text = json.dumps(chart)
    assert '"domain": [0, 1]' in text and '"format": "%"' in text  # one 0-100 % scale
    # One legend of line samples, dashed plan and solid completions.
    assert '"symbolType": "stroke"' in text


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


def _milestones() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pairing_id": ["p2", "p2", "p1"],
            "pair": ["Bo → Al", "Bo → Al", "Cy → Di"],
            "start_date": ["2025-11-03", "2025-11-03", "2026-01-10"],
            "due_date": ["2026-01-15", "2026-03-01", "2026-02-20"],
            "completed_date": ["2026-01-10", None, None],
            "title": ["Plan", "Talk", "Read"],
            "status_label": ["Done on time", "Planned", "Overdue"],
        }
    )


def test_the_gantt_spans_each_pairing_and_colours_milestones_by_status() -> None:
    chart = milestone_gantt(_milestones())
    span, points = layers(chart)
    # One row per pairing, from its start to its last milestone's due date.
    rows = {row["pair"]: (row["start"], row["last"]) for row in layer_rows(chart, 0)}
    assert rows == {
        "Bo → Al": ("2025-11-03T00:00:00", "2026-03-01T00:00:00"),
        "Cy → Di": ("2026-01-10T00:00:00", "2026-02-20T00:00:00"),
    }
    assert sorted(span["encoding"]["y"]["sort"]) == ["Bo → Al", "Cy → Di"]
    assert span["encoding"]["x"]["axis"]["format"] == "%b %Y"  # the year on the axis
    # Each milestone at its due date, filled in its status's colour.
    assert points["encoding"]["x"]["field"] == "due"
    assert points["encoding"]["fill"]["scale"] == {
        "domain": list(MILESTONE_COLOURS),
        "range": list(MILESTONE_COLOURS.values()),
    }
    assert [row["status_label"] for row in layer_rows(chart, 1)] == [
        "Done on time",
        "Planned",
        "Overdue",
    ]


def test_the_gantt_without_titles_names_no_milestone_in_its_tooltip() -> None:
    def tooltip_titles(show_titles: bool) -> list[str]:
        points = layers(milestone_gantt(_milestones(), show_titles=show_titles))[1]
        return [row["title"] for row in points["encoding"]["tooltip"]]

    assert tooltip_titles(True) == ["Pairing", "Milestone", "Due", "Completed", "Status"]
    assert tooltip_titles(False) == ["Pairing", "Due", "Completed", "Status"]


def test_the_pairing_timeline_puts_a_milestone_at_its_completion_else_its_due_date() -> None:
    no_checkins = two_checkins().iloc[0:0]
    milestones = pd.DataFrame(
        {
            "completed_date": ["2026-01-10", None],
            "due_date": ["2026-01-15", "2026-03-01"],
            "title": ["Plan", "Talk"],
            "status_label": ["Done on time", "Planned"],
        }
    )
    chart = pairing_timeline(no_checkins, milestones)
    assert chart is not None
    assert [row["when"] for row in layer_rows(chart, 0)] == [
        "2026-01-10T00:00:00",
        "2026-03-01T00:00:00",
    ]
    assert layers(chart)[0]["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert pairing_timeline(no_checkins, no_milestones()) is None  # nothing to draw


def test_at_most_six_themes_are_highlighted_and_never_a_suppressed_one() -> None:
    change = pd.DataFrame(
        {
            "theme": [f"Theme {i}" for i in range(9)],
            "change": [-9.0, 8.0, 7.0, -6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
            "suppressed": [True, *[False] * 8],
        }
    )
    # Ranked by how far they moved, either way; the suppressed biggest mover left out.
    assert highlighted_themes(change, limit=10) == [f"Theme {i}" for i in range(1, 7)]
    assert highlighted_themes(change, limit=2) == ["Theme 1", "Theme 2"]
    assert highlighted_themes(change.iloc[0:0]) == []


def test_theme_lines_label_the_last_month_of_coloured_lines_only_and_grey_the_rest() -> None:
    months = ["2026-01", "2026-02", "2026-03"]
    frame = pd.DataFrame(
        [
            {"month": m, "theme": t, "share": s, "n": 20, "suppressed": False}
            for t, shares in {"Delegation": [0.1, 0.15, 0.2], "Steady": [0.3, 0.3, 0.3]}.items()
            for m, s in zip(months, shares, strict=True)
        ]
    )
    chart = theme_lines(frame, ["Delegation", "Not in the data"])
    ends = {(row["theme"], row["month"]): row["end"] for row in layer_rows(chart, 2) if row["end"]}
    assert ends == {("Delegation", "2026-03"): "20%"}
    others, lines, labels = layers(chart)
    assert others["mark"]["color"] == MUTED
    assert others["transform"] == [{"filter": {"not": {"field": "theme", "oneOf": ["Delegation"]}}}]
    # The legend lists only highlighted themes the chart draws, in the first colour.
    assert lines["encoding"]["color"]["scale"] == {
        "domain": ["Delegation"],
        "range": [CATEGORICAL[0]],
    }
    assert labels["encoding"]["text"]["field"] == "end"

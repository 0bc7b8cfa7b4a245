"""The Impact page's charts (``components.ui.charts.impact``): Mentees then Mentors side
by side on shared scales, those who took part in the program's colour and solid,
comparable colleagues grey and dashed; differences with their intervals, a zero line,
suppressed rows said in words."""

from __future__ import annotations

import pandas as pd
import pytest

from components.ui.charts import difference_intervals, retention_curves
from components.ui.charts.palette import COMPARISON_COLOUR, PARTICIPANT_COLOUR
from tests.components.ui.charts.specs import layers, spec, values

COLLEAGUES = "Comparable colleagues"


def _survival(lowest: float) -> pd.DataFrame:
    """Both groups' curves; the mentees' colleagues fall to ``lowest``."""
    return pd.DataFrame(
        {
            "group": ["Mentees", "Mentees", "Mentees", "Mentees", "Mentors", "Mentors"],
            "series": [
                "Mentees who took part",
                "Mentees who took part",
                COLLEAGUES,
                COLLEAGUES,
                "Mentors who took part",
                COLLEAGUES,
            ],
            "month": [0, 6, 0, 6, 0, 6],
            "survival": [1.0, 0.95, 1.0, lowest, 1.0, 0.9],
            "at_risk": [10, 9, 20, 14, 8, 7],
        }
    )


def test_retention_curves_set_participants_against_colleagues_in_two_panels() -> None:
    chart = retention_curves(_survival(0.9), "Took part", COLLEAGUES, 12)
    found = spec(chart)
    assert found["facet"]["column"]["field"] == "group"
    assert found["facet"]["column"]["sort"] == ["Mentees", "Mentors"]
    assert "resolve" not in found  # the panels share their scales
    encoding = found["spec"]["encoding"]
    assert encoding["color"]["scale"] == {
        "domain": ["Took part", COLLEAGUES],
        "range": [PARTICIPANT_COLOUR, COMPARISON_COLOUR],
    }
    assert encoding["strokeDash"]["scale"]["range"] == [[1, 0], [6, 4]]  # colleagues dashed
    # Each group's own participants are one side, whatever their series is called.
    sides = {(row["group"], row["series"]): row["side"] for row in values(chart)}
    assert sides == {
        ("Mentees", "Mentees who took part"): "Took part",
        ("Mentees", COLLEAGUES): COLLEAGUES,
        ("Mentors", "Mentors who took part"): "Took part",
        ("Mentors", COLLEAGUES): COLLEAGUES,
    }
    assert encoding["x"]["scale"]["domain"] == [0, 12]  # the months asked for
    assert encoding["y"]["axis"]["format"] == ".0%"


def test_the_retention_axis_starts_at_80_percent_unless_a_curve_falls_below() -> None:
    def y_domain(lowest: float) -> list[float]:
        found = spec(retention_curves(_survival(lowest), "Took part", COLLEAGUES, 12))
        domain: list[float] = found["spec"]["encoding"]["y"]["scale"]["domain"]
        return domain

    assert y_domain(0.9) == [0.8, 1.0]
    assert y_domain(0.7) == pytest.approx([0.65, 1.0])  # 5 points of room under the lowest
    assert y_domain(0.02) == [0.0, 1.0]  # never below zero


def _differences(subgroups: list[str]) -> pd.DataFrame:
    """One shown row with an effect, one suppressed, one without an effect, then the rest
    shown without an effect, in the order ``subgroups`` gives."""
    rows = [
        ("Mentees", subgroups[0], 3.0, 1.0, 5.0, "+3.0", "1.0 to 5.0", "longer", True),
        ("Mentees", subgroups[1], None, None, None, "", "", "suppressed", False),
        ("Mentors", subgroups[0], -1.0, -4.0, 2.0, "−1.0", "−4.0 to 2.0", "no clear", False),
        *[
            ("Mentors", name, 0.5, -1.0, 2.0, "+0.5", "−1.0 to 2.0", "no clear", False)
            for name in subgroups[2:]
        ],
    ]
    columns = ["who", "subgroup", "adjusted", "low", "high", "value", "interval", "status"]
    return pd.DataFrame(rows, columns=[*columns, "effect"])


def test_difference_intervals_mark_zero_and_colour_intervals_that_exclude_it() -> None:
    chart = difference_intervals(_differences(["Women", "Men"]), "Gender")
    found = spec(chart)
    assert found["facet"]["column"]["field"] == "who"
    assert found["facet"]["column"]["sort"] == ["Mentees", "Mentors"]
    zero, interval, point, value, _words = layers(chart)  # the words: next test
    assert zero["mark"]["type"] == "rule" and zero["encoding"]["x"] == {"datum": 0}
    assert zero["mark"]["strokeDash"] == [4, 3]
    assert (interval["encoding"]["x"]["field"], interval["encoding"]["x2"]["field"]) == (
        "low",
        "high",
    )
    effect = {"domain": [True, False], "range": [PARTICIPANT_COLOUR, COMPARISON_COLOUR]}
    assert interval["encoding"]["color"]["scale"] == effect
    assert point["encoding"]["color"]["scale"] == effect
    assert point["encoding"]["x"]["field"] == "adjusted"
    # The difference printed just past the interval's upper end.
    assert value["mark"]["type"] == "text"
    assert value["encoding"]["text"]["field"] == "value"
    assert value["encoding"]["x"]["field"] == "high"
    # The subgroups in the order given, not alphabetical.
    assert interval["encoding"]["y"]["sort"] == ["Women", "Men"]


def test_a_suppressed_difference_is_drawn_as_its_word_at_zero() -> None:
    chart = difference_intervals(_differences(["Women", "Men"]), "Gender")
    drawn = layers(chart)
    shown = drawn[1:4]
    assert all(layer["transform"] == [{"filter": "isValid(datum.adjusted)"}] for layer in shown)
    hidden = drawn[4]
    assert hidden["transform"] == [{"filter": "!isValid(datum.adjusted)"}]
    assert hidden["encoding"]["text"]["field"] == "status"
    assert hidden["encoding"]["x"] == {"datum": 0}
    assert hidden["mark"]["fontStyle"] == "italic"
    words = [row["status"] for row in values(chart) if row["adjusted"] is None]
    assert words == ["suppressed"]


def test_each_subgroup_gets_a_row_of_its_own_height() -> None:
    def height(subgroups: list[str]) -> int:
        found = spec(difference_intervals(_differences(subgroups), "Age"))
        drawn: int = found["spec"]["height"]
        return drawn

    assert height(["Under 30", "30–44"]) == 90  # never shorter than 90 px
    assert height(["Under 30", "30–44", "45–59", "60 and over"]) == 4 * 36

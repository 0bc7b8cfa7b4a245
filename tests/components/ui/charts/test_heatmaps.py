"""Heatmaps (``components.ui.charts.heatmaps``): the value printed in every cell in the
builder's format, suppressed cells grey and blank (and the caption's count of them),
white text on dark cells, every column labelled, a click selecting a cell."""

from __future__ import annotations

import pandas as pd

from components.ui.charts import SUPPRESSED_COLOUR, level_heatmap, outcome_heatmap, share_heatmap
from tandem.access.privacy import hidden_cells_note, mostly_suppressed
from tests.components.ui.charts.specs import layers, spec, values


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


def test_level_heatmap_prints_counts_with_separators_and_seniors_on_top() -> None:
    frame = pd.DataFrame(
        {
            "mentor_level": [3, 3, 4],
            "mentee_level": [1, 2, 1],
            "n": [1234.0, None, 8.0],
            "suppressed": [False, True, False],
        }
    )
    chart = level_heatmap(frame)
    labels = {(row["mentor_level"], row["mentee_level"]): row["label"] for row in values(chart)}
    assert labels == {(3, 1): "1,234", (3, 2): "", (4, 1): "8"}
    cells = layers(chart)[0]["encoding"]
    assert cells["y"]["sort"] == "descending"  # the most senior mentors at the top
    assert cells["color"]["legend"]["format"] == "d"


def test_share_heatmap_prints_each_share_as_a_percentage() -> None:
    frame = pd.DataFrame(
        {
            "theme": ["Career", "Career", "Workload"],
            "group": ["Peer", "Reverse", "Peer"],
            "share": [0.4, None, 0.125],
            "n": [20, None, 16],
            "suppressed": [False, True, False],
        }
    )
    chart = share_heatmap(frame, "Kind")
    assert [row["label"] for row in values(chart)] == ["40%", "", "12%"]
    cells = layers(chart)[0]["encoding"]
    assert cells["x"]["title"] == "Kind"
    assert cells["color"]["legend"]["format"] == ".0%"
    # Every column label drawn, angled so that none touches the next.
    assert cells["x"]["axis"] == {"labelAngle": -35, "labelOverlap": False, "labelLimit": 160}


def test_suppressed_cells_are_drawn_grey_and_dark_cells_carry_white_text() -> None:
    frame = pd.DataFrame(
        {
            "mentor_level": [1, 1, 2],
            "mentee_level": [1, 2, 1],
            "n": [10.0, None, 60.0],
            "suppressed": [False, True, False],
        }
    )
    cells, text = layers(level_heatmap(frame))
    assert cells["mark"]["type"] == "rect"
    assert cells["mark"]["invalid"] is None  # a cell without a value is still drawn
    assert cells["encoding"]["color"]["condition"] == {
        "test": "datum.suppressed",
        "value": SUPPRESSED_COLOUR,
    }
    # White from 60 % of the way between the lightest (10) and darkest (60) cell.
    assert text["encoding"]["color"] == {
        "condition": {"test": "datum['n'] > 40.0", "value": "white"},
        "value": "#1B1F23",
    }


def test_a_click_on_an_outcome_cell_selects_its_combination() -> None:
    frame = pd.DataFrame(
        {
            "mentor_division": ["A"],
            "mentee_division": ["B"],
            "n": [8.0],
            "rating_gain": [0.352],
            "suppressed": [False],
        }
    )
    chart = outcome_heatmap(
        frame, "mentor_division", "mentee_division", "rating_gain", "Gain", "Mentor", "Mentee"
    )
    assert [row["label"] for row in values(chart)] == ["+0.35"]  # a gain, signed
    (selection,) = spec(chart)["params"]
    assert selection["name"] == "cell"
    assert selection["select"] == {
        "type": "point",
        "fields": ["mentor_division", "mentee_division"],
        "on": "click",
    }

"""Heatmaps (``components.ui.charts.heatmaps``): the value printed in every cell,
suppressed cells blank, and the caption's count of hidden cells."""

from __future__ import annotations

import pandas as pd

from components.ui.charts import outcome_heatmap
from tandem.access.privacy import hidden_cells_note, mostly_suppressed
from tests.components.ui.charts.specs import values


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

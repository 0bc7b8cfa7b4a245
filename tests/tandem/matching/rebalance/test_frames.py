"""The frames a plan is summarised in (``tandem.matching.rebalance.frames``)."""

from __future__ import annotations

from tandem.matching.rebalance.frames import SUGGESTION_COLUMNS, suggestion_frame
from tests.tandem.matching.rebalance.programs import suggestion


def test_one_row_per_suggestion_in_the_declared_columns() -> None:
    first = suggestion()
    frame = suggestion_frame([first])
    assert list(frame.columns) == SUGGESTION_COLUMNS
    assert frame.iloc[0].tolist() == ["p1", None, 0.3, "m1", "m2"]
    assert frame["gain"].dtype == "float64"


def test_no_suggestions_still_gives_the_columns() -> None:
    frame = suggestion_frame([])
    assert frame.empty and list(frame.columns) == SUGGESTION_COLUMNS
    assert frame["gain"].dtype == "float64"  # sums and sorts the same as a full frame

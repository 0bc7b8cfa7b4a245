"""The one table formatter: human headers, codes as words, "—" for every gap."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from components.ui.formatting import plural
from components.ui.tables import MISSING, Column, code_words, header, table_frame
from tandem.program.models import FLAG_STATUS_LABELS


def test_headers_read_as_words() -> None:
    assert header("days_overdue") == "Days overdue"
    assert header("raised_at") == "Raised at"
    assert header("Share now") == "Share now"


def test_codes_read_as_words_from_the_label_maps() -> None:
    assert code_words("after_action_review", {"after_action_review": "After-action review"}) == (
        "After-action review"
    )
    assert code_words("no_contact") == "No contact"
    assert code_words(None) == MISSING


def test_missing_values_read_as_a_dash_never_none_nan_or_nat() -> None:
    frame = pd.DataFrame(
        {
            "owner": ["Ana", None, ""],
            "rate": [0.5, np.nan, 0.25],
            "raised_at": pd.to_datetime(["2026-01-02", None, "2026-03-04"]),
            "source": ["after_action_review", "checkin_note", None],
            "status": ["in_progress", "open", "resolved"],
        }
    )
    shown, config, _ = table_frame(
        frame,
        {
            "owner": "Owner",
            "rate": Column("Rate", kind="percent"),
            "raised_at": Column("Raised", kind="date"),
            "source": "Source",
            "status": Column("Status", kind="code", codes=FLAG_STATUS_LABELS),
        },
    )
    assert list(shown.columns) == ["Owner", "Rate", "Raised", "Source", "Status"]
    assert list(shown["Owner"]) == ["Ana", MISSING, MISSING]
    assert list(shown["Rate"]) == ["50%", MISSING, "25%"]
    assert list(shown["Raised"]) == [
        "2 Jan 2026",
        MISSING,
        "4 Mar 2026",
    ]  # as the grids show them (D MMM YYYY)
    assert list(shown["Source"]) == ["After-action review", "Check-in note", MISSING]
    assert list(shown["Status"]) == ["In progress", "Open", "Resolved"]
    text = shown.astype(str).to_numpy().ravel().tolist()
    assert not {"None", "nan", "NaT"} & set(text)
    assert set(config) == set(shown.columns)


def test_complete_numbers_and_dates_stay_typed_so_the_grid_sorts_them() -> None:
    frame = pd.DataFrame({"meetings": [3, 12], "due": [dt.date(2026, 1, 2), dt.date(2026, 2, 1)]})
    shown, _, _ = table_frame(frame, {"meetings": "Meetings", "due": Column("Due", kind="date")})
    assert pd.api.types.is_integer_dtype(shown["Meetings"])
    assert list(shown["Due"]) == [dt.date(2026, 1, 2), dt.date(2026, 2, 1)]


def test_plurals() -> None:
    assert plural(1, "pairing") == "1 pairing"
    assert plural(58, "pairing") == "58 pairings"
    assert plural(2, "person", "people") == "2 people"
    assert plural(1200, "note") == "1,200 notes"

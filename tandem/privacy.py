"""Privacy rules in one place: the small-group threshold and suppression.

Any aggregate covering fewer distinct pairings (or, for the ``group`` column,
fewer distinct people) than the threshold is suppressed: its value is removed
before it reaches a chart, a table or a download, never merely hidden.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from tandem.settings import SettingsError, get_setting, register_validator

SETTINGS_KEY = "privacy"
DEFAULT_PRIVACY_SETTINGS: dict[str, Any] = {"threshold": 5}
SUPPRESSED_NOTE = (
    "Cells covering fewer than {threshold} pairings are suppressed to protect "
    "confidentiality; they are left out, not rounded."
)


def _validate(value: dict[str, Any]) -> dict[str, Any]:
    threshold = value.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise SettingsError("privacy threshold must be a whole number")
    if not 2 <= threshold <= 100:
        raise SettingsError("privacy threshold must be between 2 and 100")
    return {"threshold": threshold}


register_validator(SETTINGS_KEY, _validate)


def privacy_threshold(bind: Engine | Connection | Session) -> int:
    """The smallest number of pairings (or people) an aggregate may describe."""
    return int(get_setting(bind, SETTINGS_KEY, DEFAULT_PRIVACY_SETTINGS)["threshold"])


def suppress_small(
    frame: pd.DataFrame, count_column: str, threshold: int, value_columns: list[str]
) -> pd.DataFrame:
    """Blank ``value_columns`` (and the count) of rows whose count is below ``threshold``.

    Returns a copy with a boolean ``suppressed`` column, so a chart can draw
    the cell as "suppressed" without ever holding its value.
    """
    result = frame.copy()
    small = result[count_column] < threshold
    result["suppressed"] = small
    for column in [*value_columns, count_column]:
        result[column] = result[column].astype("float64").where(~small)
    return result


def drop_small(frame: pd.DataFrame, count_column: str, threshold: int) -> pd.DataFrame:
    """Only the rows at or above the threshold (for downloads and plain tables)."""
    return frame[frame[count_column] >= threshold].reset_index(drop=True)

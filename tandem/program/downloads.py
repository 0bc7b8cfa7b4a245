"""Downloads a viewer takes away: CSV that no spreadsheet runs as a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

from tandem.program.bundle.formulas import neutralise_formula


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are formula-neutralised (numbers stay numbers)."""
    result = frame.copy()
    for column in result.columns:
        if result[column].dtype == object or pd.api.types.is_string_dtype(result[column]):
            result[column] = result[column].map(
                lambda value: neutralise_formula(value) if isinstance(value, str) else value
            )
    result.columns = [neutralise_formula(str(column)) for column in result.columns]
    return result


def csv_bytes(frames: pd.DataFrame | Iterable[pd.DataFrame]) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads Unicode names right) of one or more frames."""
    buffer = io.StringIO()
    parts = [frames] if isinstance(frames, pd.DataFrame) else frames
    header = True
    for part in parts:
        safe_frame(part).to_csv(buffer, index=False, header=header)
        header = False
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

"""The one table formatter: human headers, formatted values, codes as words, "—" for
anything missing (never None, nan or NaT), long text wrapped, key columns first.

A section names the columns it shows, in order, each with a ``Column`` (or just
its header); ``show_table`` does the rest.  ``table_frame`` is the same without
Streamlit's grid, for tests and downloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import streamlit as st

from components.ui.formatting import date_text
from tandem.program.models import (
    AUTHOR_ROLE_LABELS,
    FLAG_REASON_LABELS,
    KIND_LABELS,
    PROGRAM_TYPE_LABELS,
    SOURCE_LABELS,
    VISIBILITY_LABELS,
)

MISSING = "—"
Kind = Literal["text", "code", "count", "decimal", "percent", "points", "date", "progress"]
# Columns whose codes read the same in every table (a "status" differs: pass its map).
DEFAULT_CODES: dict[str, Mapping[str, str]] = {
    "kind": KIND_LABELS,
    "source": SOURCE_LABELS,
    "author_role": AUTHOR_ROLE_LABELS,
    "visibility": VISIBILITY_LABELS,
    "reason": FLAG_REASON_LABELS,
    "program_type": PROGRAM_TYPE_LABELS,
}
# px: Streamlit wraps a cell's text only in rows taller than 4 rem (64 px, 80 px in
# presenter mode); at 60 a "wrapped" column was cut off instead.  Three lines.
WRAPPED_ROW_HEIGHT = 88
WRAPPED_ROWS_IN_VIEW = 10  # a wrapped table this short is drawn whole
HEADER_HEIGHT = 35  # px, the grid's header row


@dataclass(frozen=True)
class Column:
    """How one column reads: its header, its kind of value, its width and help."""

    label: str | None = None
    kind: Kind | None = None  # None: guessed from the values
    codes: Mapping[str, str] | None = None  # code → words (kind "code")
    width: Literal["small", "medium", "large"] | int | None = None
    help: str | None = None
    pinned: bool = False
    wrap: bool = False  # long text: a wide column and taller rows
    digits: int = 1  # for "decimal"


def header(name: str) -> str:
    """``days_overdue`` → "Days overdue"; a header already in words stays as it is."""
    if "_" not in name and not name.islower():
        return name
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def code_words(code: object, codes: Mapping[str, str] | None = None) -> str:
    """A code as words: from ``codes``, else ``in_progress`` → "In progress"."""
    if _missing(code):
        return MISSING
    text = str(code)
    if codes and text in codes:
        return codes[text]
    return header(text) if text.islower() else text


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip() or value.strip().lower() in {"none", "nan", "nat"}
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _guess(series: pd.Series) -> Kind:
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        return "count" if len(whole) and (whole == whole.round()).all() else "decimal"
    if pd.api.types.is_datetime64_any_dtype(series) or any(
        isinstance(v, dt.date) for v in series.dropna().head(5)
    ):
        return "date"
    return "text"


def _text(value: Any, kind: Kind, spec: Column) -> str:
    if _missing(value):
        return MISSING
    if kind == "code":
        return code_words(value, spec.codes)
    if kind == "count":
        return f"{int(value):,}"
    if kind == "decimal":
        return f"{float(value):,.{spec.digits}f}"
    if kind in ("percent", "progress"):
        return f"{float(value):.0%}"
    if kind == "points":
        return f"{float(value):+.{spec.digits}f}"
    if kind == "date":
        return date_text(pd.Timestamp(value))
    if isinstance(value, bool | np.bool_):
        return "Yes" if value else "No"
    return " ".join(str(value).split())


def _config(label: str, kind: Kind, spec: Column, typed: bool) -> Any:
    common: dict[str, Any] = {"help": spec.help, "pinned": spec.pinned or None}
    width = spec.width or ("large" if spec.wrap else 110 if kind == "date" else None)
    common["width"] = width
    if typed and kind == "progress":  # shares scaled to 0–100 by table_frame
        return st.column_config.ProgressColumn(
            label, min_value=0, max_value=100, format="%.0f%%", **common
        )
    if typed and kind == "count":
        return st.column_config.NumberColumn(label, format="localized", **common)
    if typed and kind == "decimal":
        return st.column_config.NumberColumn(label, format=f"%.{spec.digits}f", **common)
    if typed and kind == "date":
        return st.column_config.DateColumn(label, format="D MMM YYYY", **common)
    numeric = kind in ("count", "decimal", "percent", "points", "progress")
    return st.column_config.TextColumn(label, alignment="right" if numeric else None, **common)


def table_frame(
    frame: pd.DataFrame, columns: Mapping[str, Column | str]
) -> tuple[pd.DataFrame, dict[str, Any], bool]:
    """The frame as shown: ``columns`` only, in their order, under human headers.

    Returns the display frame, its ``column_config`` and whether any column wraps.
    A column with no missing value keeps its numbers or dates (so the grid sorts
    them); one with a gap becomes text, with "—" in the gap.
    """
    shown: dict[str, Any] = {}
    config: dict[str, Any] = {}
    wraps = False
    for name, given in columns.items():
        spec = given if isinstance(given, Column) else Column(label=given)
        if name in DEFAULT_CODES and spec.codes is None and spec.kind in (None, "code"):
            spec = Column(**{**spec.__dict__, "kind": "code", "codes": DEFAULT_CODES[name]})
        series = frame[name]
        kind: Kind = spec.kind or _guess(series)
        label = spec.label or header(name)
        typed = kind in ("count", "decimal", "date", "progress") and not any(
            _missing(v) for v in series
        )
        if typed and kind == "date":
            shown[label] = pd.to_datetime(series).dt.date
        elif typed and kind == "progress":
            shown[label] = series.astype(float) * 100
        elif typed:
            shown[label] = series
        else:
            shown[label] = [_text(value, kind, spec) for value in series]
        config[label] = _config(label, kind, spec, typed)
        wraps = wraps or spec.wrap
    return pd.DataFrame(shown, index=frame.index), config, wraps


def show_table(
    frame: pd.DataFrame,
    columns: Mapping[str, Column | str],
    **kwargs: Any,
) -> Any:
    """``st.dataframe`` of ``frame`` formatted by ``table_frame``; returns its event.

    ``kwargs`` go to ``st.dataframe`` (``key``, ``on_select``, ``selection_mode``…).
    """
    display, config, wraps = table_frame(frame, columns)
    if wraps:
        kwargs.setdefault("row_height", WRAPPED_ROW_HEIGHT)
        if len(display) <= WRAPPED_ROWS_IN_VIEW:  # every row in view, none behind a scroll
            kwargs.setdefault("height", HEADER_HEIGHT + len(display) * WRAPPED_ROW_HEIGHT + 3)
    return st.dataframe(display, hide_index=True, column_config=config, **kwargs)


def csv_download(label: str, data: bytes | Callable[[], bytes], file_name: str) -> None:
    """The download button of a table as CSV; ``data`` is the file, or the function
    that makes it when the button is clicked (a large table is read only then)."""
    st.download_button(
        label, data=data, file_name=file_name, mime="text/csv", icon=":material/download:"
    )

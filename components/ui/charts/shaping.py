"""Reshaping a query's frame into what a chart draws."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd


def long_form(
    frame: pd.DataFrame, keys: Sequence[str], series: Mapping[str, str], name: str, value: str
) -> pd.DataFrame:
    """One row per key and series: the wide columns ``series`` (column → the words the
    chart shows for it) stacked into a ``name`` column of those words and a ``value``
    column, ``keys`` kept on every row."""
    long = frame.melt(id_vars=list(keys), value_vars=list(series), var_name=name, value_name=value)
    long[name] = long[name].map(series)
    return long

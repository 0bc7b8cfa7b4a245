"""Themes emerging and fading: the current period against the one before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, case, func, literal, select, union_all

from tandem.access.filters import Filters
from tandem.access.privacy import suppress_small
from tandem.themes.queries.selection import DEFAULT_PERIOD_DAYS, scoped_facts, theme_names
from tandem.themes.queries.stored import COUNT_COLUMNS, stored_counts


@dataclass(frozen=True)
class Periods:
    """The current period and the one of equal length just before it (inclusive dates)."""

    current_start: dt.date
    current_end: dt.date
    previous_start: dt.date
    previous_end: dt.date

    def describe(self) -> str:
        return (
            f"{self.current_start.isoformat()} to {self.current_end.isoformat()} against "
            f"{self.previous_start.isoformat()} to {self.previous_end.isoformat()}"
        )


_PERIODS = ("current", "previous")


def periods(filters: Filters, today: dt.date | None = None) -> Periods:
    """The filters' date range (or the last 90 days to today) and the period before it."""
    end = filters.date_to or today or dt.date.today()
    start = filters.date_from or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    length = (end - start).days + 1
    previous_end = start - dt.timedelta(days=1)
    return Periods(start, end, previous_end - dt.timedelta(days=length - 1), previous_end)


def period_statement(notes: Any, span: Periods, keys: Sequence[str] = ()) -> Any:
    """One pass over the span's notes (``scoped_facts`` within it): per (period, theme)
    the notes (``is_units`` 0), and per period the distinct pairings (1).

    Columns ``COUNT_COLUMNS`` (grouping "period", the period in ``grp``), after
    the ``keys`` columns of ``notes`` when given (``tandem.themes.slices``).
    """
    key_columns = [notes.c[k] for k in keys]
    period = case(
        (notes.c.date >= span.current_start, literal("current")), else_=literal("previous")
    )
    return union_all(
        select(
            *key_columns,
            literal("period").label("grouping"),
            period.label("grp"),
            notes.c.theme_id,
            func.count().label("value"),
            literal(0).label("is_units"),
        ).group_by(*key_columns, period, notes.c.theme_id),
        select(
            *key_columns,
            literal("period"),
            period,
            literal(None),
            func.count(func.distinct(notes.c.unit)),
            literal(1),
        ).group_by(*key_columns, period),
    )


def emerging_fading(
    engine: Engine, filters: Filters, *, threshold: int, today: dt.date | None = None
) -> tuple[pd.DataFrame, Periods]:
    """Each theme's share of notes in the current period against the previous one.

    Columns theme, share_current, share_previous, change (percentage points),
    n_current, n_previous (the pairings behind each period's notes), suppressed
    (either period below the threshold), sorted by change, biggest rise first.
    """
    span = periods(filters, today)
    with engine.connect() as connection:
        counts = stored_counts(connection, filters, ("period",), as_of=today or dt.date.today())
        if counts is None:
            notes = scoped_facts(
                engine, filters, dates=False, within=(span.previous_start, span.current_end)
            )
            counts = pd.DataFrame(
                connection.execute(period_statement(notes, span)).all(),
                columns=list(COUNT_COLUMNS),
            )
        names = theme_names(connection)
    counts = counts.rename(columns={"grp": "period"})
    cells = counts[counts["is_units"] == 0]
    units = counts[counts["is_units"] == 1].set_index("period")["value"]
    notes_per_period = cells.groupby("period")["value"].sum()
    # Notes and distinct pairings of each period.
    current_notes, previous_notes = (int(notes_per_period.get(p, 0)) for p in _PERIODS)
    n_current, n_previous = (int(units.get(p, 0)) for p in _PERIODS)
    named = cells.dropna(subset=["theme_id"])
    named = named[named["theme_id"].astype(int).isin(list(names))]
    columns = ["theme", "share_current", "share_previous", "change", "n_current", "n_previous"]
    if named.empty:
        return pd.DataFrame(columns=[*columns, "suppressed"]), span
    hits = named.assign(theme=[names[int(t)] for t in named["theme_id"]])
    wide = hits.pivot_table(index="theme", columns="period", values="value", fill_value=0)
    rows = []
    for theme, counts in wide.iterrows():
        share_current = counts.get("current", 0) / current_notes if current_notes else 0.0
        share_previous = counts.get("previous", 0) / previous_notes if previous_notes else 0.0
        rows.append(
            {
                "theme": theme,
                "share_current": float(share_current),
                "share_previous": float(share_previous),
                "change": float(100 * (share_current - share_previous)),
                "n_current": n_current,
                "n_previous": n_previous,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    frame["n_min"] = frame[["n_current", "n_previous"]].min(axis=1)
    frame = suppress_small(
        frame, "n_min", threshold, ["share_current", "share_previous", "change", "n_current"]
    )
    frame["n_previous"] = frame["n_previous"].astype("float64").where(~frame["suppressed"])
    frame = frame.drop(columns=["n_min"])
    order = frame["change"].fillna(float("-inf"))
    return frame.iloc[order.sort_values(ascending=False, kind="stable").index].reset_index(
        drop=True
    ), span

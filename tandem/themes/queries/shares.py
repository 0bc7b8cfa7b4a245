"""Each theme's share of notes per month, source, role, cohort and kind; sentiment per theme."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, select, union_all

from tandem.access.filters import Filters
from tandem.access.privacy import suppress_small
from tandem.program.sql import read_frame
from tandem.program.theme_tables import Theme
from tandem.themes.queries.selection import DIMENSIONS, GROUPINGS, scoped_facts, theme_names
from tandem.themes.queries.stored import COUNT_COLUMNS, stored_counts
from tandem.themes.sentiment import NEUTRAL_BAND

_EMPTY_SHARES = {
    "theme": "object",
    "group": "object",
    "share": "float64",
    "n": "float64",
    "suppressed": bool,
}


def _empty_shares() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in _EMPTY_SHARES.items()})


def _share_by_group(engine: Engine, filters: Filters, group: str, threshold: int) -> pd.DataFrame:
    """Share of each theme among all notes of each group; n = the group's pairings."""
    return theme_shares(engine, filters, threshold=threshold, groupings=(group,))[group]


# Groupings whose distinct-pairing counts are taken from one shared distinct set
# (one sort of the notes serves both members of a pair).
_UNIT_SETS = (("month",), ("source", "author_role"), ("cohort", "kind"))


def theme_shares(
    engine: Engine,
    filters: Filters,
    *,
    threshold: int,
    groupings: Sequence[str] = GROUPINGS,
) -> dict[str, pd.DataFrame]:
    """Each theme's share of each group's notes, for several groupings in one statement.

    Returns, per grouping of ``GROUPINGS`` asked for, a frame with columns
    theme, group, share, n (the group's distinct pairings; a program-level
    note is its own unit), suppressed — sorted by group, then theme.  Themes
    that occur anywhere in scope get a row in every group (share 0 where
    absent), so a line or a heatmap has no misleading gaps.

    Why one statement: the notes in scope are read once; their counts per
    combination of the groupings asked for and theme — a few thousand cells —
    give every grouping's shares, and one distinct (pairing, group) set per
    pair of groupings gives the privacy counts.  For a view of whole cohorts
    the same counts are summed from the refresh's stored slices instead
    (``stored_counts``), without reading the notes at all.
    """
    unknown = [g for g in groupings if g not in GROUPINGS]
    if unknown:
        raise ValueError(f"unknown grouping {unknown[0]!r}; expected one of {list(GROUPINGS)}")
    groupings = [g for g in GROUPINGS if g in groupings]
    with engine.connect() as connection:
        counts = stored_counts(connection, filters, groupings)
        if counts is None:
            notes = scoped_facts(engine, filters, groupings)
            counts = pd.DataFrame(
                connection.execute(counts_statement(notes, groupings)).all(),
                columns=list(COUNT_COLUMNS),
            )
        names = theme_names(connection)
    present = sorted(
        {int(t) for t in counts["theme_id"].dropna() if int(t) in names}, key=lambda t: names[t]
    )
    return {
        name: _grouping_shares(counts[counts["grouping"] == name], names, present, threshold)
        for name in groupings
    }


def counts_statement(notes: Any, groupings: Sequence[str], keys: Sequence[str] = ()) -> Any:
    """One UNION over the notes in scope (``scoped_facts``): notes per (group, theme) for
    each grouping (``is_units`` 0), and distinct pairings per group (``is_units`` 1).

    Columns ``COUNT_COLUMNS``, after the ``keys`` columns of ``notes`` when given
    (the stored slices are these counts per slice: ``tandem.themes.slices``).
    """
    key_columns = [notes.c[k] for k in keys]
    cube = (
        select(
            *key_columns,
            *(notes.c[g] for g in groupings),
            notes.c.theme_id,
            func.count().label("notes"),
        )
        .group_by(*key_columns, *(notes.c[g] for g in groupings), notes.c.theme_id)
        .cte("theme_cube")
    )
    cube_keys = [cube.c[k] for k in keys]
    parts: list[Any] = []
    for name in groupings:
        parts.append(
            select(
                *cube_keys,
                literal(name).label("grouping"),
                cube.c[name].label("grp"),
                cube.c.theme_id.label("theme_id"),
                func.sum(cube.c.notes).label("value"),
                literal(0).label("is_units"),
            ).group_by(*cube_keys, cube.c[name], cube.c.theme_id)
        )
    for members in _UNIT_SETS:
        wanted = [m for m in members if m in groupings]
        if not wanted:
            continue
        pairs = (
            select(*key_columns, notes.c.unit, *(notes.c[m] for m in wanted))
            .distinct()
            .cte(f"units_{'_'.join(wanted)}")
        )
        pair_keys = [pairs.c[k] for k in keys]
        for name in wanted:
            # Distinct again: a pairing appears once per value of the set's other member.
            parts.append(
                select(
                    *pair_keys,
                    literal(name),
                    pairs.c[name],
                    literal(None),
                    func.count(func.distinct(pairs.c.unit)),
                    literal(1),
                ).group_by(*pair_keys, pairs.c[name])
            )
    return union_all(*parts)


def _grouping_shares(
    mine: pd.DataFrame, names: dict[int, str], present: list[int], threshold: int
) -> pd.DataFrame:
    """One grouping's frame from its counts: every present theme in every group, suppressed."""
    hits = mine[mine["is_units"] == 0]
    if hits.empty or not present:
        return _empty_shares()
    units = mine[mine["is_units"] == 1].set_index("grp")["value"]
    totals = hits.groupby("grp")["value"].sum()
    placed = hits.dropna(subset=["theme_id"])
    by_cell = {
        (grp, int(theme)): int(value)
        for grp, theme, value in zip(
            placed["grp"], placed["theme_id"], placed["value"], strict=True
        )
    }
    records = [
        {
            "theme": names[theme],
            "group": grp,
            "share": by_cell.get((grp, theme), 0) / float(totals[grp]),
            "n": int(units[grp]),
        }
        for grp in sorted(totals.index)
        for theme in present
    ]
    frame = pd.DataFrame.from_records(records, columns=["theme", "group", "share", "n"])
    frame = frame.sort_values(["group", "theme"], kind="stable").reset_index(drop=True)
    return suppress_small(frame, "n", threshold, ["share"])


def prevalence_by_month(engine: Engine, filters: Filters, *, threshold: int) -> pd.DataFrame:
    """Columns theme, month (YYYY-MM), share, n, suppressed: share of the month's notes."""
    return _share_by_group(engine, filters, "month", threshold).rename(columns={"group": "month"})


def breakdown(engine: Engine, filters: Filters, dimension: str, *, threshold: int) -> pd.DataFrame:
    """Columns theme, group, share, n, suppressed: each theme's share within each group.

    ``dimension`` is one of ``DIMENSIONS`` (source, author_role, cohort, kind).
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {list(DIMENSIONS)}")
    return _share_by_group(engine, filters, dimension, threshold)


def sentiment_by_theme(engine: Engine, filters: Filters, *, threshold: int) -> pd.DataFrame:
    """Columns theme, mean_sentiment, share_negative, n, suppressed (n = the theme's pairings).

    A note reads negative below ``-NEUTRAL_BAND`` (the sentiment model's own band).
    """
    with engine.connect() as connection:
        counts = stored_counts(connection, filters, ("sentiment",))
        names = theme_names(connection) if counts is not None else {}
    if counts is not None:
        frame = _sentiment_from_counts(counts, names)
    else:
        frame = read_frame(engine, _sentiment_live(engine, filters))
    if frame.empty:
        return frame.assign(suppressed=pd.Series(dtype=bool))
    return suppress_small(frame, "n", threshold, ["mean_sentiment", "share_negative"])


def _sentiment_live(engine: Engine, filters: Filters) -> Any:
    notes = scoped_facts(engine, filters)
    negative = case((notes.c.sentiment < -NEUTRAL_BAND, 1.0), else_=0.0)
    return (
        select(
            Theme.name.label("theme"),
            func.avg(notes.c.sentiment).label("mean_sentiment"),
            func.avg(negative).label("share_negative"),
            func.count(func.distinct(notes.c.unit)).label("n"),
        )
        .select_from(notes)
        .join(Theme, Theme.theme_id == notes.c.theme_id)
        .where(notes.c.sentiment.is_not(None))
        .group_by(Theme.name)
        .order_by(Theme.name)
    )


def sentiment_statement(notes: Any, keys: Sequence[str] = ()) -> Any:
    """Per theme (and ``keys``): the notes with a sentiment, their sum and the negative
    ones (``is_units`` 0), and their distinct units (1) — the stored form of
    ``sentiment_by_theme``'s inputs, columns ``SENTIMENT_COLUMNS`` after the keys."""
    key_columns = [notes.c[k] for k in keys]
    negative = case((notes.c.sentiment < -NEUTRAL_BAND, 1), else_=0)
    rated = and_(notes.c.sentiment.is_not(None), notes.c.theme_id.is_not(None))
    grouped = [*key_columns, notes.c.theme_id]
    return union_all(
        select(
            *key_columns,
            literal("sentiment").label("grouping"),
            literal(None).label("grp"),
            notes.c.theme_id,
            func.count().label("value"),
            literal(0).label("is_units"),
            func.sum(notes.c.sentiment).label("sentiment_sum"),
            func.sum(negative).label("negative"),
        )
        .where(rated)
        .group_by(*grouped),
        select(
            *key_columns,
            literal("sentiment"),
            literal(None),
            notes.c.theme_id,
            func.count(func.distinct(notes.c.unit)),
            literal(1),
            literal(None),
            literal(None),
        )
        .where(rated)
        .group_by(*grouped),
    )


def _sentiment_from_counts(counts: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    """``sentiment_by_theme``'s frame from summed stored counts."""
    counts = counts.dropna(subset=["theme_id"])
    counts = counts[counts["theme_id"].astype(int).isin(list(names))]
    notes = counts[counts["is_units"] == 0].set_index("theme_id")
    units = counts[counts["is_units"] == 1].set_index("theme_id")["value"]
    columns = ["theme", "mean_sentiment", "share_negative", "n"]
    rows = [
        {
            "theme": names[int(theme)],
            "mean_sentiment": float(row.sentiment_sum) / float(row.value),
            "share_negative": float(row.negative) / float(row.value),
            "n": int(units[theme]),
        }
        for theme, row in notes.iterrows()
        if row.value
    ]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    return frame.sort_values("theme", kind="stable").reset_index(drop=True)

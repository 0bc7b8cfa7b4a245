"""The theme aggregates' counts read from the slices the theme refresh stores.

``theme_slice_counts`` (written by ``tandem.themes.slices``) holds, per cohort
slice, the very rows the live statements return: notes per theme and group,
distinct units per group, sentiment sums, period counts.  A unit lies in one
slice only, so for filters that select whole cohorts (``Filters.cohort_clause``:
the scope, cohort and programme-type choices, nothing else) every count is the
sum of the selected slices' rows.  Any other filter reads the notes live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import ColumnElement, Connection, func, select

from tandem.access.filters import Filters
from tandem.program import rollups
from tandem.program.theme_tables import ThemeSliceCounts
from tandem.themes.queries.selection import program_notes_count

# What a count row holds, live or stored.
COUNT_COLUMNS = ("grouping", "grp", "theme_id", "value", "is_units")
# Stored sentiment rows add the sum of the notes' sentiment and the negative notes.
SENTIMENT_COLUMNS = (*COUNT_COLUMNS, "sentiment_sum", "negative")


def slice_condition(filters: Filters) -> ColumnElement[bool] | None:
    """The stored slices these filters select, or None when they select within cohorts.

    Program-level notes count only when the filters say nothing about pairings
    beyond their cohorts (``program_notes_count``), as in the live reads.
    """
    table = ThemeSliceCounts
    cohorts = filters.cohort_clause(table.slice_cohort_id)
    if cohorts is None:
        return None
    if program_notes_count(filters):
        return cohorts
    return (table.program_level == 0) & cohorts


def stored_counts(
    connection: Connection,
    filters: Filters,
    groupings: Sequence[str],
    *,
    as_of: dt.date | None = None,
) -> pd.DataFrame | None:
    """The stored count rows of ``groupings`` summed over the slices the filters select.

    Columns ``SENTIMENT_COLUMNS``.  None when the stored slices cannot answer: not
    current (for ``"period"`` rows, not current for ``as_of``), or filters that
    select within cohorts.
    """
    periods = "period" in groupings
    if periods != (as_of is not None):
        # The period rows hold for one day only: they are read for a day, the rest never.
        raise ValueError("as_of is given for the period rows and only for them")
    condition = slice_condition(filters)
    if condition is None:
        return None
    name = rollups.THEME_PERIODS if periods else rollups.THEME_SLICES
    if not rollups.is_current(connection, name, as_of):
        return None
    table = ThemeSliceCounts
    rows = connection.execute(
        select(
            table.grouping,
            table.grp,
            table.theme_id,
            func.sum(table.value),
            table.is_units,
            func.sum(table.sentiment_sum),
            func.sum(table.negative),
        )
        .where(table.grouping.in_(list(groupings)), condition)
        .group_by(table.grouping, table.grp, table.theme_id, table.is_units)
    ).all()
    return pd.DataFrame(rows, columns=list(SENTIMENT_COLUMNS))

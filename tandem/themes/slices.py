"""Store the theme aggregates' counts per cohort slice, for views of whole cohorts.

At 50,000 pairings the Feedback themes page grouped 463,000 note facts on every
cold view (2-3 s of SQL), and the Overview 200,000 of them for its theme moves.
The theme refresh therefore stores, per *slice* — one cohort's pairings' notes,
or the program-level notes filed under one cohort — the rows the live statements
return (``tandem.themes.queries``: ``counts_statement``, ``sentiment_statement``,
``period_statement``, run once over every note with the slice as extra keys).
Views that select whole cohorts sum the slices they select
(``tandem.themes.queries.stored``); any other view reads the notes live, as before.

When the stored counts are current:

* ``THEME_SLICES`` — from the refresh that wrote them until the data changes: an
  import clears them (``rollups.invalidate``), a theme refresh rewrites them
  whenever it recomputed a note, and a live update after a coding
  (``tandem.themes.live``) forgets them, so the views read live until the next
  refresh rather than show counts the coding changed;
* ``THEME_PERIODS`` — the "current" and "previous" periods' rows, only on the
  day they were computed for (the periods end today): a refresh on a later day
  rewrites them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, insert

from tandem.access.filters import Filters
from tandem.access.scope import Scope
from tandem.program import rollups
from tandem.program.derived_tables import RollupState
from tandem.program.theme_tables import ThemeSliceCounts
from tandem.themes.queries.change import period_statement, periods
from tandem.themes.queries.selection import GROUPINGS, SLICE_KEYS, scoped_facts
from tandem.themes.queries.shares import counts_statement, sentiment_statement
from tandem.themes.queries.stored import COUNT_COLUMNS, SENTIMENT_COLUMNS

_NAMES = (rollups.THEME_SLICES, rollups.THEME_PERIODS)


def store_theme_slices(connection: Connection, *, today: dt.date, changed: bool) -> bool:
    """Bring the stored slices up to date after a theme refresh; True when rewritten.

    ``changed``: the refresh recomputed some note (its theme or sentiment may
    differ).  Runs inside the refresh's transaction, after the note facts.
    """
    current = rollups.is_current(connection, rollups.THEME_SLICES) and rollups.is_current(
        connection, rollups.THEME_PERIODS, today
    )
    if current and not changed:
        return False
    rewrite_theme_slices(connection, today)
    return True


def rewrite_theme_slices(connection: Connection, today: dt.date) -> None:
    """Store every slice's counts afresh (the periods ending ``today``) and mark them current."""
    everything = Filters(scope=Scope())
    span = periods(everything, today)
    connection.execute(delete(ThemeSliceCounts))
    statements: list[tuple[Any, tuple[str, ...]]] = [
        (
            counts_statement(
                scoped_facts(connection, everything, GROUPINGS, slices=True),
                GROUPINGS,
                SLICE_KEYS,
            ),
            COUNT_COLUMNS,
        ),
        (
            sentiment_statement(scoped_facts(connection, everything, slices=True), SLICE_KEYS),
            SENTIMENT_COLUMNS,
        ),
        (
            period_statement(
                scoped_facts(
                    connection,
                    everything,
                    dates=False,
                    within=(span.previous_start, span.current_end),
                    slices=True,
                ),
                span,
                SLICE_KEYS,
            ),
            COUNT_COLUMNS,
        ),
    ]
    for statement, columns in statements:
        connection.execute(insert(ThemeSliceCounts).from_select([*SLICE_KEYS, *columns], statement))
    rollups.mark_current(connection, rollups.THEME_SLICES)
    rollups.mark_current(connection, rollups.THEME_PERIODS, today)


def forget_theme_slices(connection: Connection) -> None:
    """Mark the stored slices not current, inside the transaction that changed the
    notes' themes: views read the notes live until the next refresh."""
    connection.execute(delete(RollupState).where(RollupState.name.in_(_NAMES)))

"""Which notes a view counts: the shared filters on notes, and the notes in scope as facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from tandem.access.filters import Filters
from tandem.program.models import Cohort, Feedback, Pairing
from tandem.program.theme_tables import Theme
from tandem.themes.facts import note_facts

# Notes the engine placed with less confidence than this are offered for hand-coding.
LOW_CONFIDENCE = 0.35
# Without a date range, "emerging" compares the last 90 days with the 90 before.
DEFAULT_PERIOD_DAYS = 90
# Visibilities whose text may be shown to a lead for coding; never "private".
CODABLE_VISIBILITIES = ("program", "shareable")

NO_COHORT = "(no cohort)"
WITHHELD = "(taken from notes: withheld)"
PROGRAM_LEVEL = "(program-level)"
DIMENSIONS = {
    "source": "Source",
    "author_role": "Author role",
    "cohort": "Cohort",
    "kind": "Pairing kind",
}


def program_notes_count(filters: Filters) -> bool:
    """Whether program-level notes (no pairing) belong in this view (see module doc)."""
    rest = replace(filters, cohorts=(), date_from=None, date_to=None, ignored=())
    return rest.nothing_chosen


def _scope(
    filters: Filters,
    pairing_id: Any,
    cohort_id: Any,
    date: Any,
    *,
    dates: bool = True,
) -> ColumnElement[bool]:
    """The notes the filters select, given a note's pairing, cohort and date columns.

    The pairing condition is an EXISTS on ``pairings`` itself (``Filters.clause``
    is written on it), so a query that also joins pairings for a column must
    join an alias.  With no filter at all it is left out: every note's pairing
    exists (a foreign key), and the lookup per note costs more than the rest.
    """
    pairing_matches: ColumnElement[bool] = pairing_id.is_not(None)
    if not filters.is_empty:
        pairing_matches = and_(
            pairing_matches,
            exists(
                select(Pairing.pairing_id).where(Pairing.pairing_id == pairing_id, filters.clause())
            ),
        )
    conditions: list[ColumnElement[bool]] = []
    if program_notes_count(filters):
        program: ColumnElement[bool] = and_(
            pairing_id.is_(None), filters.scope.cohort_condition(cohort_id)
        )
        if filters.cohorts:
            program = and_(program, cohort_id.in_(filters.cohorts))
        conditions.append(or_(pairing_matches, program))
    else:
        conditions.append(pairing_matches)
    if dates and filters.date_from is not None:
        conditions.append(date >= filters.date_from)
    if dates and filters.date_to is not None:
        conditions.append(date <= filters.date_to)
    return and_(true(), *conditions)


def scope(filters: Filters, *, dates: bool = True) -> ColumnElement[bool]:
    """The notes the filters select (a condition on ``feedback``)."""
    return _scope(filters, Feedback.pairing_id, Feedback.cohort_id, Feedback.date, dates=dates)


GROUPINGS = ("month", *DIMENSIONS)
# The columns that say which stored slice a note lies in (``tandem.themes.slices``).
SLICE_KEYS = ("slice_cohort_id", "program_level")


def scoped_facts(
    engine: Engine | Connection,
    filters: Filters,
    groupings: Sequence[str] = (),
    *,
    dates: bool = True,
    within: tuple[dt.date, dt.date] | None = None,
    slices: bool = False,
) -> Any:
    """The notes in scope as facts (``tandem.themes.facts``), as a common table
    expression: unit, theme_id, sentiment, date, and a column per grouping asked for.

    ``dates=False`` ignores the filters' date range for the notes (not for the
    pairings: the range still selects pairings running in it); ``within`` keeps
    only notes dated inside the given inclusive range.  ``slices=True`` adds
    the ``SLICE_KEYS`` columns: the cohort that selects the note (its pairing's,
    or for a program-level note its own) and whether it is program-level.
    """
    facts = note_facts(engine)
    cohort = aliased(Cohort, name="note_cohort")
    grouping_columns: dict[str, Any] = {
        "month": facts.c.month,
        "source": facts.c.source,
        "author_role": facts.c.author_role,
        "cohort": func.coalesce(cohort.name, literal(NO_COHORT)),
        "kind": func.coalesce(facts.c.kind, literal(PROGRAM_LEVEL)),
    }
    statement = select(
        facts.c.unit,
        facts.c.theme_id,
        facts.c.sentiment,
        facts.c.date,
        *(grouping_columns[name].label(name) for name in groupings),
    ).select_from(facts)
    if "cohort" in groupings:
        statement = statement.outerjoin(cohort, cohort.cohort_id == facts.c.cohort_id)
    if slices:
        pairing = aliased(Pairing, name="slice_pairing")
        program_level = facts.c.pairing_id.is_(None)
        statement = statement.outerjoin(
            pairing, pairing.pairing_id == facts.c.pairing_id
        ).add_columns(
            case((program_level, facts.c.cohort_id), else_=pairing.cohort_id).label(
                "slice_cohort_id"
            ),
            case((program_level, literal(1)), else_=literal(0)).label("program_level"),
        )
    where = _scope(filters, facts.c.pairing_id, facts.c.cohort_id, facts.c.date, dates=dates)
    if within is not None:
        where = and_(where, facts.c.date.between(*within))
    return statement.where(where).cte("scoped_notes")


def theme_names(connection: Connection) -> dict[int, str]:
    return {int(i): str(n) for i, n in connection.execute(select(Theme.theme_id, Theme.name))}

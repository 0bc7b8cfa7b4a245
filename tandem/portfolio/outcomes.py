"""What works: outcomes by mentor/mentee combination, aggregated and suppressed in one place.

Outcomes per group of pairings:

- ``completion_rate``: milestones done ÷ milestones due by today (or done),
  pooled over the group's pairings (empty when fewer than the threshold of
  them have a milestone due);
- ``rating_gain``: mean over pairings of (latest − first mean rating), for
  pairings with at least two rated check-ins (empty when fewer than the
  threshold of them have);
- ``active_share``: share of the group's pairings whose status is active.

Every group reports ``n``, its number of distinct pairings.  Groups with
``n`` below the privacy threshold come back with ``suppressed`` true and every
value (``n`` included) removed: the numbers never leave this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Float,
    Integer,
    String,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from tandem.access.filters import Filters
from tandem.access.privacy import mostly_suppressed, suppress_small
from tandem.access.scope import Scope
from tandem.portfolio.pairing_stats import milestone_stats, rating_endpoints
from tandem.program import rollups
from tandem.program.derived_tables import OutcomeCells
from tandem.program.models import Cohort, Pairing, Person
from tandem.program.sql import read_frame

#: The key of ``breakdowns`` whose one row is every pairing (the reference line).
PROGRAM = "program"

OUTCOMES = {
    "completion_rate": "Milestone completion rate",
    "rating_gain": "Average rating gain",
    "active_share": "Share still active",
}


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    columns: tuple[str, ...]  # one column for bars, two for a heatmap
    hidden: tuple[str, ...] = ()  # grouped by too, to drill down (e.g. the cohort's id)
    #: The one row the suppressed groups become when most groups are too small
    #: (``outcomes_by``); empty: never pooled (a heatmap, or two groups at most).
    pooled: str = ""


DIMENSIONS: dict[str, Dimension] = {
    dimension.key: dimension
    for dimension in (
        Dimension(
            "division_pair",
            "Mentor division × mentee division",
            ("mentor_division", "mentee_division"),
        ),
        Dimension("level_gap", "Level gap (mentor − mentee)", ("level_gap",), pooled="Other gaps"),
        Dimension("geography", "Same or different geography", ("geography_match",)),
        Dimension("kind", "Pairing kind", ("kind",), pooled="Other kinds"),
        Dimension("cohort", "Cohort", ("cohort",), hidden=("cohort_id",), pooled="Other cohorts"),
        # The coarser view of the division heatmap when most of its cells are suppressed.
        Dimension(
            "mentor_division", "Mentor division", ("mentor_division",), pooled="Other divisions"
        ),
        Dimension(
            "mentee_division", "Mentee division", ("mentee_division",), pooled="Other divisions"
        ),
    )
}


def per_pairing_outcomes(engine: Engine, filters: Filters, today: dt.date):
    """One row per pairing under ``filters`` with every column a breakdown groups by."""
    return _per_pairing_select(engine, filters, today).subquery("per_pairing")


def _per_pairing_select(engine: Engine | Connection, filters: Filters, today: dt.date):
    mentor = aliased(Person, name="mentor")
    mentee = aliased(Person, name="mentee")
    milestones = milestone_stats(today, engine)
    ratings = rating_endpoints(engine)
    return (
        select(
            Pairing.pairing_id,
            mentor.division.label("mentor_division"),
            mentee.division.label("mentee_division"),
            (mentor.level - mentee.level).label("level_gap"),
            mentor.level.label("mentor_level"),
            mentee.level.label("mentee_level"),
            case((mentor.geography == mentee.geography, literal("same")), else_="different").label(
                "geography_match"
            ),
            Pairing.kind,
            func.coalesce(Cohort.name, literal("(no cohort)")).label("cohort"),
            Pairing.cohort_id,
            func.coalesce(milestones.c.milestones_done, 0).label("done"),
            func.coalesce(milestones.c.milestones_due, 0).label("due"),
            func.coalesce(milestones.c.milestones_overdue, 0).label("overdue"),
            ratings.c.rating_gain,
            case((Pairing.status == "active", 1), else_=0).label("active"),
        )
        .select_from(Pairing)
        .join(mentor, mentor.person_id == Pairing.mentor_id)
        .join(mentee, mentee.person_id == Pairing.mentee_id)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .outerjoin(milestones, milestones.c.pairing_id == Pairing.pairing_id)
        .outerjoin(ratings, ratings.c.pairing_id == Pairing.pairing_id)
        .where(filters.clause())
    )


def outcomes_by(
    engine: Engine,
    filters: Filters,
    dimension: str,
    *,
    threshold: int,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One breakdown of ``breakdowns``."""
    return breakdowns(engine, filters, threshold=threshold, today=today)[dimension]


def breakdowns(
    engine: Engine, filters: Filters, *, threshold: int, today: dt.date | None = None
) -> dict[str, pd.DataFrame]:
    """Every dimension's breakdown, one row per group: its columns, n, the outcomes,
    ``suppressed``, ``pooled`` and ``groups`` (how many groups the row stands for);
    under ``PROGRAM``, the one row of every pairing.

    Aggregated in the database in one statement: the pairings under the filters are
    gathered once and grouped by each dimension in turn (seven statements gathering
    them each took 2.3 s at 50,000 pairings on SQLite; one takes 1 s).  For whole
    cohorts the refresh's ``outcome_cells`` (each outcome's sums per cohort and
    combination, ``refresh_outcome_cells``) are grouped instead: the same numbers
    from a few thousand rows.

    A breakdown whose groups are mostly suppressed (more than half, at least two)
    says little but "too small": its suppressed groups are pooled into one row named
    ``Dimension.pooled`` ("Other kinds"), aggregated over their pairings together,
    last.  The pool is suppressed in turn when it is under the threshold.  No single
    suppressed group can be worked out from it: only pools of two or more are made,
    and none of their members is shown on its own.
    """
    today = today or dt.date.today()
    groupings = {key: (*spec.columns, *spec.hidden) for key, spec in DIMENSIONS.items()}
    frames = _aggregate_each(engine, filters, today, {**groupings, PROGRAM: ()}, threshold)
    return {
        PROGRAM: frames.pop(PROGRAM),
        **{
            key: _pooled(engine, filters, today, key, frame, threshold)
            for key, frame in frames.items()
        },
    }


def _pooled(
    engine: Engine,
    filters: Filters,
    today: dt.date,
    dimension: str,
    frame: pd.DataFrame,
    threshold: int,
) -> pd.DataFrame:
    """``frame`` with its suppressed groups pooled into one row where that says more
    (``breakdowns``)."""
    spec = DIMENSIONS[dimension]
    small = frame[frame["suppressed"]] if len(frame) else frame
    # Every group too small: a pool of them all would be the program itself, no breakdown.
    worth_pooling = 2 <= len(small) < len(frame) and mostly_suppressed(frame)
    if not spec.pooled or len(spec.columns) != 1 or not worth_pooling:
        return frame.assign(pooled=False, groups=1)
    keys = (*spec.columns, *spec.hidden)
    column = spec.columns[0]
    members = tuple(small[column].dropna().tolist())
    pooled = _aggregate(
        engine, filters, keys, threshold, today, pool=(column, members, spec.pooled)
    )
    # The groups on show keep their values (a level gap stays a number) and order.
    shown = {str(value): value for value in frame[column]}
    is_pool = pooled[column] == spec.pooled
    pooled = pooled.assign(
        **{
            column: [
                spec.pooled if p else shown[str(v)]
                for p, v in zip(is_pool, pooled[column], strict=True)
            ]
        },
        pooled=is_pool,
        groups=[len(members) if p else 1 for p in is_pool],
        _order=[
            len(shown) if p else list(shown).index(str(v))
            for p, v in zip(is_pool, pooled[column], strict=True)
        ],
    )
    return pooled.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def program_outcomes(
    engine: Engine, filters: Filters, *, threshold: int, today: dt.date | None = None
) -> dict[str, float | None]:
    """Each outcome over every pairing under ``filters`` (the reference line of the
    charts), or None where fewer pairings than the threshold carry it."""
    return program_line(breakdowns(engine, filters, threshold=threshold, today=today))


def program_line(breakdown: dict[str, pd.DataFrame]) -> dict[str, float | None]:
    """Each outcome over every pairing, from ``breakdowns``; None where it is hidden."""
    frame = breakdown[PROGRAM]
    if frame.empty:
        return dict.fromkeys(OUTCOMES)
    row = frame.iloc[0]
    return {key: None if pd.isna(row[key]) else float(row[key]) for key in OUTCOMES}


def _measures(per: Any) -> list[Any]:
    """The outcome columns of a group of ``per``'s rows (a per-pairing subquery or CTE)."""
    return [
        func.count().label("n"),
        (cast(func.sum(per.c.done), Float) / func.nullif(func.sum(per.c.due), 0)).label(
            "completion_rate"
        ),
        func.avg(per.c.rating_gain).label("rating_gain"),
        func.avg(cast(per.c.active, Float)).label("active_share"),
        cast(func.count(per.c.rating_gain), Integer).label("n_rated"),
        cast(func.sum(case((per.c.due > 0, 1), else_=0)), Integer).label("n_due"),
    ]


def _summed_measures(cells: Any) -> list[Any]:
    """``_measures`` from stored ``outcome_cells`` rows: every outcome is a ratio of sums."""
    return [
        func.sum(cells.c.pairings).label("n"),
        (cast(func.sum(cells.c.done), Float) / func.nullif(func.sum(cells.c.due), 0)).label(
            "completion_rate"
        ),
        (func.sum(cells.c.rating_gain_sum) / func.nullif(func.sum(cells.c.rated), 0)).label(
            "rating_gain"
        ),
        (cast(func.sum(cells.c.active), Float) / func.sum(cells.c.pairings)).label("active_share"),
        cast(func.sum(cells.c.rated), Integer).label("n_rated"),
        cast(func.sum(cells.c.with_due), Integer).label("n_due"),
    ]


def stored_cells(engine: Engine, filters: Filters, today: dt.date) -> Any | None:
    """The stored ``outcome_cells`` of the cohorts the filters select, as a subquery
    (None when the filters select within cohorts or the cells are not of ``today``)."""
    cohorts = filters.cohort_clause(OutcomeCells.cohort_id)
    if cohorts is None or not rollups.is_current(engine, rollups.OUTCOME_CELLS, as_of=today):
        return None
    level_gap = (OutcomeCells.mentor_level - OutcomeCells.mentee_level).label("level_gap")
    return select(OutcomeCells, level_gap).where(cohorts).subquery("outcome_cells")


def _groupable(
    engine: Engine, filters: Filters, today: dt.date, *, shared: bool
) -> tuple[Any, Callable[[Any], list[Any]]]:
    """What a breakdown groups, with the outcome columns of a group of it: the stored
    cells for whole cohorts, else the pairings (a materialised CTE when ``shared``
    by several groupings)."""
    cells = stored_cells(engine, filters, today)
    if cells is not None:
        return cells, _summed_measures
    if shared:
        per = _per_pairing_select(engine, filters, today).cte("per_pairing")
        return per.prefix_with("MATERIALIZED"), _measures  # gathered once, not per grouping
    return per_pairing_outcomes(engine, filters, today), _measures


def refresh_outcome_cells(connection: Connection, today: dt.date) -> int:
    """Store every combination's outcome sums in ``outcome_cells`` for ``today`` (after
    ``pairing_stats``, inside the caller's transaction); returns the rows written."""
    per = _per_pairing_select(connection, Filters(scope=Scope()), today).subquery()
    keys = [per.c[name] for name in _CELL_KEYS]
    statement = select(
        *keys,
        func.count(),
        func.sum(per.c.done),
        func.sum(per.c.due),
        func.sum(per.c.overdue),
        func.sum(case((per.c.due > 0, 1), else_=0)),
        func.sum(per.c.rating_gain),
        func.count(per.c.rating_gain),
        func.sum(per.c.active),
    ).group_by(*keys)
    columns = [*_CELL_KEYS, "pairings", "done", "due", "overdue", "with_due"]
    columns += ["rating_gain_sum", "rated", "active"]
    connection.execute(delete(OutcomeCells))
    connection.execute(insert(OutcomeCells).from_select(columns, statement))
    rollups.mark_current(connection, rollups.OUTCOME_CELLS, as_of=today)
    return int(connection.execute(select(func.count()).select_from(OutcomeCells)).scalar_one())


_CELL_KEYS = (
    "cohort_id",
    "cohort",
    "mentor_division",
    "mentee_division",
    "mentor_level",
    "mentee_level",
    "geography_match",
    "kind",
)


def _suppressed(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """``frame``'s groups with the privacy threshold applied (``suppress_small``)."""
    frame["n"] = frame["n"].astype("int64")
    # An outcome averaged over fewer pairings than the threshold is as telling
    # as a small cell, even when the cell itself is large enough.
    frame["rating_gain"] = frame["rating_gain"].where(frame["n_rated"] >= threshold)
    frame["completion_rate"] = frame["completion_rate"].where(frame["n_due"] >= threshold)
    suppressed = suppress_small(frame, "n", threshold, [*OUTCOMES, "n_rated", "n_due"])
    return suppressed.reset_index(drop=True)


_KEY_COUNT = max(len(columns) for columns in ((*d.columns, *d.hidden) for d in DIMENSIONS.values()))


def _aggregate_each(
    engine: Engine,
    filters: Filters,
    today: dt.date,
    groupings: dict[str, tuple[str, ...]],
    threshold: int,
) -> dict[str, pd.DataFrame]:
    """Outcomes per group of each grouping's columns, in one statement: the per-pairing
    rows are gathered once (a materialised common table expression, on either
    backend) and each grouping is a GROUP BY over them.  Keys travel as text in
    the one result and come back with their column's type; groups are in order of
    their values, an empty value last."""
    per, measures = _groupable(engine, filters, today, shared=True)
    parts: list[Any] = []
    for name, columns in groupings.items():
        keys = [cast(per.c[column], String) for column in columns]
        padding = [null()] * (_KEY_COUNT - len(keys))
        parts.append(
            select(
                literal(name).label("grouping"),
                *(key.label(f"key_{i}") for i, key in enumerate([*keys, *padding])),
                *measures(per),
            ).group_by(*keys)
        )
    with engine.connect() as connection:
        rows = read_frame(connection, union_all(*parts))
    frames = {}
    for name, columns in groupings.items():
        part = rows[rows["grouping"] == name].drop(columns="grouping")
        keyed = part.rename(columns={f"key_{i}": column for i, column in enumerate(columns)})
        keyed = keyed.drop(columns=[f"key_{i}" for i in range(len(columns), _KEY_COUNT)])
        for column in columns:
            if isinstance(per.c[column].type, Integer):  # a level gap is a number
                numbers = pd.to_numeric(keyed[column])
                keyed[column] = numbers.astype("int64") if numbers.notna().all() else numbers
        if columns:
            keyed = keyed.sort_values(list(columns), na_position="last", kind="stable")
        frames[name] = _suppressed(keyed.reset_index(drop=True), threshold)
    return frames


def _aggregate(
    engine: Engine,
    filters: Filters,
    columns: tuple[str, ...],
    threshold: int,
    today: dt.date,
    *,
    pool: tuple[str, tuple[object, ...], str],
) -> pd.DataFrame:
    """Outcomes per group of ``columns``, the groups whose ``pool`` column (column,
    values, name) is one of its values counting as one, named ``name`` (the other
    columns empty for it)."""
    per, measures = _groupable(engine, filters, today, shared=False)
    pooled_column, values, name = pool
    inside = per.c[pooled_column].in_(values)
    keys = [
        case(
            (inside, literal(name) if column == pooled_column else null()),
            else_=cast(per.c[column], String),
        ).label(column)
        for column in columns
    ]
    statement = select(*keys, *measures(per)).group_by(*keys).order_by(*keys)
    with engine.connect() as connection:
        frame = read_frame(connection, statement)
    return _suppressed(frame, threshold)


def drill_down(filters: Filters, dimension: str, point: dict[str, object]) -> Filters:
    """The filters narrowed to the group a viewer clicked (one chart cell or bar)."""
    value = {key: str(item) for key, item in point.items() if item is not None}
    pooled = DIMENSIONS[dimension].pooled if dimension in DIMENSIONS else ""
    if pooled and pooled in value.values():  # "Other kinds" is no one filter value
        return filters
    if dimension == "division_pair":
        return replace(
            filters,
            mentor_divisions=(value["mentor_division"],) if "mentor_division" in value else (),
            mentee_divisions=(value["mentee_division"],) if "mentee_division" in value else (),
        )
    if dimension == "mentor_division" and "mentor_division" in value:
        return replace(filters, mentor_divisions=(value["mentor_division"],))
    if dimension == "mentee_division" and "mentee_division" in value:
        return replace(filters, mentee_divisions=(value["mentee_division"],))
    if dimension == "level_gap" and "level_gap" in value:
        return replace(filters, level_gaps=(str(int(float(value["level_gap"]))),))
    if dimension == "geography" and "geography_match" in value:
        return replace(filters, geography_match=(value["geography_match"],))
    if dimension == "kind" and "kind" in value:
        return replace(filters, kinds=(value["kind"],))
    if dimension == "cohort" and value.get("cohort_id"):
        return replace(filters, cohorts=(value["cohort_id"],))
    return filters

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
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Engine, Float, Integer, String, case, cast, func, literal, null, select
from sqlalchemy.orm import aliased

from tandem.access.filters import Filters
from tandem.access.privacy import mostly_suppressed, suppress_small
from tandem.portfolio.pairing_stats import milestone_stats, rating_endpoints
from tandem.program.models import Cohort, Pairing, Person
from tandem.program.sql import read_frame

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
            case((mentor.geography == mentee.geography, literal("same")), else_="different").label(
                "geography_match"
            ),
            Pairing.kind,
            func.coalesce(Cohort.name, literal("(no cohort)")).label("cohort"),
            Pairing.cohort_id,
            func.coalesce(milestones.c.milestones_done, 0).label("done"),
            func.coalesce(milestones.c.milestones_due, 0).label("due"),
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
        .subquery("per_pairing")
    )


def outcomes_by(
    engine: Engine,
    filters: Filters,
    dimension: str,
    *,
    threshold: int,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One row per group of ``dimension``: its columns, n, the outcomes, ``suppressed``,
    ``pooled`` and ``groups`` (how many groups the row stands for).

    A breakdown whose groups are mostly suppressed (more than half, at least two)
    says little but "too small": its suppressed groups are pooled into one row named
    ``Dimension.pooled`` ("Other kinds"), aggregated over their pairings together,
    last.  The pool is suppressed in turn when it is under the threshold.  No single
    suppressed group can be worked out from it: only pools of two or more are made,
    and none of their members is shown on its own.
    """
    spec = DIMENSIONS[dimension]
    keys = (*spec.columns, *spec.hidden)
    frame = _aggregate(engine, filters, keys, threshold, today)
    small = frame[frame["suppressed"]] if len(frame) else frame
    # Every group too small: a pool of them all would be the program itself, no breakdown.
    worth_pooling = 2 <= len(small) < len(frame) and mostly_suppressed(frame)
    if not spec.pooled or len(spec.columns) != 1 or not worth_pooling:
        return frame.assign(pooled=False, groups=1)
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
    frame = _aggregate(engine, filters, (), threshold, today)
    if frame.empty:
        return dict.fromkeys(OUTCOMES)
    row = frame.iloc[0]
    return {key: None if pd.isna(row[key]) else float(row[key]) for key in OUTCOMES}


def _aggregate(
    engine: Engine,
    filters: Filters,
    columns: tuple[str, ...],
    threshold: int,
    today: dt.date | None,
    *,
    pool: tuple[str, tuple[object, ...], str] | None = None,
) -> pd.DataFrame:
    """Outcomes per group of ``columns``; with ``pool`` (column, values, name) the groups
    whose ``column`` is one of ``values`` count as one, named ``name`` (the other
    columns empty for it)."""
    today = today or dt.date.today()
    per = per_pairing_outcomes(engine, filters, today)
    keys = [per.c[column] for column in columns]
    if pool is not None:
        pooled_column, values, name = pool
        inside = per.c[pooled_column].in_(values)
        keys = [
            case(
                (inside, literal(name) if column == pooled_column else null()),
                else_=cast(per.c[column], String),
            ).label(column)
            for column in columns
        ]
    statement = (
        select(
            *keys,
            func.count().label("n"),
            (cast(func.sum(per.c.done), Float) / func.nullif(func.sum(per.c.due), 0)).label(
                "completion_rate"
            ),
            func.avg(per.c.rating_gain).label("rating_gain"),
            func.avg(cast(per.c.active, Float)).label("active_share"),
            cast(func.count(per.c.rating_gain), Integer).label("n_rated"),
            cast(func.sum(case((per.c.due > 0, 1), else_=0)), Integer).label("n_due"),
        )
        .group_by(*keys)
        .order_by(*keys)
    )
    with engine.connect() as connection:
        frame = read_frame(connection, statement)
    frame["n"] = frame["n"].astype("int64")
    # An outcome averaged over fewer pairings than the threshold is as telling
    # as a small cell, even when the cell itself is large enough.
    frame["rating_gain"] = frame["rating_gain"].where(frame["n_rated"] >= threshold)
    frame["completion_rate"] = frame["completion_rate"].where(frame["n_due"] >= threshold)
    suppressed = suppress_small(frame, "n", threshold, [*OUTCOMES, "n_rated", "n_due"])
    return suppressed.reset_index(drop=True)


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

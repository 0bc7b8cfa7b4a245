"""The pairing portfolio: one row per pairing, filtered, searched, sorted and paged in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Select, case, func, or_, select
from sqlalchemy.orm import aliased

from tandem.access.filters import Filters
from tandem.access.scope import Scope
from tandem.portfolio.pairing_stats import checkin_stats, milestone_stats, rating_endpoints
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import Cohort, Pairing, Person
from tandem.program.sql import read_frame

DAYS_PER_MONTH = 30.44
EXPORT_CHUNK_ROWS = 5_000

# Sort keys a viewer may choose, each an SQL expression built in _base_query.
SORT_KEYS = (
    "health",
    "mentor",
    "mentee",
    "cohort",
    "status",
    "start_date",
    "meetings",
    "milestone_progress",
    "latest_rating",
)


@dataclass(frozen=True)
class PortfolioPage:
    rows: pd.DataFrame
    total: int


def _people() -> tuple[type[Person], type[Person]]:
    return aliased(Person, name="mentor"), aliased(Person, name="mentee")


def _scoped(
    statement: Select,
    mentor: type[Person],
    mentee: type[Person],
    filters: Filters,
    search: str | None,
) -> Select:
    """``statement`` over pairings with both people and the cohort, filtered and searched.

    Shared by the page's rows and its count, so the two cannot disagree.
    """
    statement = (
        statement.select_from(Pairing)
        .join(mentor, mentor.person_id == Pairing.mentor_id)
        .join(mentee, mentee.person_id == Pairing.mentee_id)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .where(filters.clause())
    )
    if search and search.strip():
        needle = search.strip().lower()[:200]
        statement = statement.where(
            or_(
                func.lower(mentor.name).contains(needle, autoescape=True),
                func.lower(mentee.name).contains(needle, autoescape=True),
                func.lower(Pairing.pairing_id).contains(needle, autoescape=True),
                func.lower(func.coalesce(Pairing.objective, "")).contains(needle, autoescape=True),
                func.lower(func.coalesce(Cohort.name, "")).contains(needle, autoescape=True),
            )
        )
    return statement


def _count_query(filters: Filters, search: str | None) -> Select:
    """How many pairings match: without the per-pairing roll-ups, which are 1:1 outer
    joins that never change the count (and cost a scan of every check-in to build)."""
    mentor, mentee = _people()
    return _scoped(select(func.count()), mentor, mentee, filters, search)


def _base_query(
    engine: Engine, filters: Filters, today: dt.date, search: str | None
) -> tuple[Select, dict]:
    mentor, mentee = _people()
    meetings = checkin_stats(engine)
    ratings = rating_endpoints(engine)
    milestones = milestone_stats(today, engine)
    progress = case(
        (milestones.c.milestones > 0, milestones.c.milestones_done * 1.0 / milestones.c.milestones),
        else_=None,
    )
    columns = select(
        Pairing.pairing_id,
        mentor.name.label("mentor"),
        mentee.name.label("mentee"),
        Pairing.mentor_id,
        Pairing.mentee_id,
        Pairing.kind,
        Cohort.name.label("cohort"),
        Pairing.status,
        Pairing.start_date,
        Pairing.ended_date,
        Pairing.cadence_days,
        Pairing.objective,
        func.coalesce(meetings.c.meetings, 0).label("meetings"),
        meetings.c.last_meeting,
        func.coalesce(milestones.c.milestones, 0).label("milestones"),
        func.coalesce(milestones.c.milestones_done, 0).label("milestones_done"),
        progress.label("milestone_progress"),
        ratings.c.latest_rating,
        ratings.c.latest_clarity,
        ratings.c.latest_confidence,
        ratings.c.latest_influence,
        ratings.c.latest_safety,
        PairingHealth.health,
        PairingHealth.stalled,
        PairingHealth.reasons,
    )
    statement = (
        _scoped(columns, mentor, mentee, filters, search)
        .outerjoin(meetings, meetings.c.pairing_id == Pairing.pairing_id)
        .outerjoin(ratings, ratings.c.pairing_id == Pairing.pairing_id)
        .outerjoin(milestones, milestones.c.pairing_id == Pairing.pairing_id)
        .outerjoin(PairingHealth, PairingHealth.pairing_id == Pairing.pairing_id)
    )
    sort_columns = {
        "health": PairingHealth.health,
        "mentor": mentor.name,
        "mentee": mentee.name,
        "cohort": Cohort.name,
        "status": Pairing.status,
        "start_date": Pairing.start_date,
        "meetings": func.coalesce(meetings.c.meetings, 0),
        "milestone_progress": progress,
        "latest_rating": ratings.c.latest_rating,
    }
    return statement, sort_columns


def portfolio_page(
    engine: Engine,
    filters: Filters,
    *,
    today: dt.date | None = None,
    search: str | None = None,
    sort: str = "health",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> PortfolioPage:
    """One page of the portfolio plus the total row count for the pager."""
    today = today or dt.date.today()
    statement, sort_columns = _base_query(engine, filters, today, search)
    key = sort_columns.get(sort, sort_columns["health"])
    # NULLs (e.g. health not yet computed) sort last either way.
    ordered = statement.order_by(
        case((key.is_(None), 1), else_=0),
        key.desc() if descending else key.asc(),
        Pairing.pairing_id,
    )
    count = _count_query(filters, search)
    with engine.connect() as connection:
        total = int(connection.execute(count).scalar_one())
        frame = read_frame(connection, ordered.limit(max(1, limit)).offset(max(0, offset)))
    return PortfolioPage(rows=_derive(frame, today), total=total)


def portfolio_export(
    engine: Engine, filters: Filters, *, today: dt.date | None = None, search: str | None = None
) -> Iterator[pd.DataFrame]:
    """Every matching row, in chunks (for the CSV download), ordered by pairing id."""
    today = today or dt.date.today()
    statement, _ = _base_query(engine, filters, today, search)
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=EXPORT_CHUNK_ROWS).execute(
            statement.order_by(Pairing.pairing_id)
        )
        columns = list(result.keys())
        for partition in result.partitions():
            yield _derive(pd.DataFrame(partition, columns=columns), today)


def _derive(frame: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Per-row arithmetic on the rows of one page: months running, meetings expected."""
    if frame.empty:
        for column in ("months_running", "meetings_expected"):
            frame[column] = pd.Series(dtype="float64")
        return frame
    start = pd.to_datetime(frame["start_date"])
    end = pd.to_datetime(frame["ended_date"]).fillna(pd.Timestamp(today))
    end = end.where(end <= pd.Timestamp(today), pd.Timestamp(today))
    days = (end - start).dt.days.clip(lower=0)
    frame["months_running"] = (days / DAYS_PER_MONTH).round(1)
    frame["meetings_expected"] = np.floor(days / frame["cadence_days"].clip(lower=1)).astype(int)
    for column in ("milestone_progress", "latest_rating", "health"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def filter_options(engine: Engine, scope: Scope) -> dict[str, list[tuple[str, str]]]:
    """Choices for the filter bar: (value, label) per dimension, from the data.

    Cohorts outside ``scope`` are not offered (their names are not the viewer's to see).
    """
    with engine.connect() as connection:
        cohorts = connection.execute(
            select(Cohort.cohort_id, Cohort.name)
            .where(scope.cohort_condition(Cohort.cohort_id))
            .order_by(Cohort.start_date.desc(), Cohort.name)
        ).all()
        divisions = connection.execute(
            select(Person.division).distinct().order_by(Person.division)
        ).scalars()
        division_list = [str(value) for value in divisions]
        geographies = connection.execute(
            select(Person.geography).distinct().order_by(Person.geography)
        ).scalars()
        geography_list = [str(value) for value in geographies]
    return {
        "cohorts": [(str(cohort_id), str(name)) for cohort_id, name in cohorts],
        "divisions": [(value, value) for value in division_list],
        "geographies": [(value, value) for value in geography_list],
    }

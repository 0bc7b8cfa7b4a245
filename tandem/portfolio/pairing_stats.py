"""Per-pairing building blocks shared by the portfolio and the outcome queries.

Each function returns a SQL subquery keyed by ``pairing_id``, computed by the
database (GROUP BY and window functions that SQLite and PostgreSQL share), so
pages only ever receive the rows they draw.

The check-in and rating roll-ups are costly at scale (two window sorts over
every check-in: seconds at a million check-ins), so the refresh stores them in
``pairing_stats`` (:func:`refresh_pairing_stats`, by running the very same
live subqueries).  Given a ``bind``, :func:`checkin_stats` and
:func:`rating_endpoints` read the stored rows while ``tandem.program.rollups`` says
they are current, and compute live otherwise; both forms have the same
columns and the same rows.  ``milestone_stats`` depends on ``today`` (what is
due and overdue moves with the calendar), so its stored form is read only on
the day it was computed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Integer,
    Subquery,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
)

from tandem.program import rollups
from tandem.program.derived_tables import PairingStats
from tandem.program.milestones import DONE_STATUSES, OVERDUE, milestone_status_expr
from tandem.program.models import CheckIn, Milestone, Pairing

RATING_COLUMNS = ("clarity", "confidence", "influence", "safety")


def mean_rating_expr() -> object:
    """Mean of a check-in's four mentee ratings, ignoring missing ones (NULL if none)."""
    columns = [getattr(CheckIn, name) for name in RATING_COLUMNS]
    total = sum((func.coalesce(column, 0) for column in columns), literal(0))
    given = sum((case((column.is_not(None), 1), else_=0) for column in columns), literal(0))
    return cast(total, Float) / func.nullif(given, 0)


def _stored(bind: Any | None) -> bool:
    return bind is not None and rollups.is_current(bind, rollups.PAIRING_STATS)


def checkin_stats(bind: Any | None = None) -> Subquery:
    """Meetings held, first and last meeting date, per pairing with a check-in.

    Read from ``pairing_stats`` when ``bind`` is given and the roll-up is current.
    """
    if _stored(bind):
        return (
            select(
                PairingStats.pairing_id,
                PairingStats.meetings,
                PairingStats.first_meeting,
                PairingStats.last_meeting,
            )
            .where(PairingStats.meetings > 0)
            .subquery("checkin_stats")
        )
    return (
        select(
            CheckIn.pairing_id.label("pairing_id"),
            func.count().label("meetings"),
            func.min(CheckIn.date).label("first_meeting"),
            func.max(CheckIn.date).label("last_meeting"),
        )
        .group_by(CheckIn.pairing_id)
        .subquery("checkin_stats")
    )


RATING_ENDPOINT_COLUMNS = (
    "rated_meetings",
    "first_rating",
    "latest_rating",
    "rating_gain",
    "latest_clarity",
    "latest_confidence",
    "latest_influence",
    "latest_safety",
    "mean_mentor_learning",
)


def rating_endpoints(bind: Any | None = None) -> Subquery:
    """First and latest rated check-in per pairing with one: mean rating and each rating.

    ``rating_gain`` is latest − first mean rating; NULL with fewer than two
    rated check-ins (one meeting shows no trend).  Read from ``pairing_stats``
    when ``bind`` is given and the roll-up is current.
    """
    if _stored(bind):
        return (
            select(
                PairingStats.pairing_id,
                *(getattr(PairingStats, name) for name in RATING_ENDPOINT_COLUMNS),
            )
            .where(PairingStats.rated_meetings > 0)
            .subquery("rating_endpoints")
        )
    mean = mean_rating_expr()
    ranked = (
        select(
            CheckIn.pairing_id,
            CheckIn.clarity,
            CheckIn.confidence,
            CheckIn.influence,
            CheckIn.safety,
            CheckIn.mentor_learning,
            mean.label("mean_rating"),  # type: ignore[attr-defined]
            func.row_number()
            .over(
                partition_by=CheckIn.pairing_id,
                order_by=(CheckIn.date.asc(), CheckIn.checkin_id.asc()),
            )
            .label("first_rank"),
            func.row_number()
            .over(
                partition_by=CheckIn.pairing_id,
                order_by=(CheckIn.date.desc(), CheckIn.checkin_id.desc()),
            )
            .label("last_rank"),
            func.count().over(partition_by=CheckIn.pairing_id).label("rated"),
        )
        .where(mean.is_not(None))  # type: ignore[attr-defined]
        .subquery("ranked_ratings")
    )

    def pick(column: str, rank: str) -> object:
        return func.max(case((ranked.c[rank] == 1, ranked.c[column])))

    first_mean = pick("mean_rating", "first_rank")
    last_mean = pick("mean_rating", "last_rank")
    return (
        select(
            ranked.c.pairing_id.label("pairing_id"),
            func.max(ranked.c.rated).label("rated_meetings"),
            first_mean.label("first_rating"),  # type: ignore[attr-defined]
            last_mean.label("latest_rating"),  # type: ignore[attr-defined]
            case(
                (func.max(ranked.c.rated) >= 2, last_mean - first_mean),  # type: ignore[operator]
                else_=None,
            ).label("rating_gain"),
            pick("clarity", "last_rank").label("latest_clarity"),  # type: ignore[attr-defined]
            pick("confidence", "last_rank").label("latest_confidence"),  # type: ignore[attr-defined]
            pick("influence", "last_rank").label("latest_influence"),  # type: ignore[attr-defined]
            pick("safety", "last_rank").label("latest_safety"),  # type: ignore[attr-defined]
            func.avg(ranked.c.mentor_learning).label("mean_mentor_learning"),
        )
        .group_by(ranked.c.pairing_id)
        .subquery("rating_endpoints")
    )


MILESTONE_COLUMNS = ("milestones", "milestones_done", "milestones_due", "milestones_overdue")


def milestone_stats(today: dt.date, bind: Any | None = None) -> Subquery:
    """Milestones per pairing with any: total, done, due by today, overdue (derived statuses).

    Read from ``pairing_stats`` when ``bind`` is given and they were stored for ``today``.
    """
    if bind is not None and rollups.is_current(bind, rollups.PAIRING_MILESTONES, as_of=today):
        return (
            select(
                PairingStats.pairing_id,
                *(getattr(PairingStats, name) for name in MILESTONE_COLUMNS),
            )
            .where(PairingStats.milestones > 0)
            .subquery("milestone_stats")
        )
    status = milestone_status_expr(today)
    done = case((status.in_(DONE_STATUSES), 1), else_=0)
    due = case(((Milestone.due_date <= today) | status.in_(DONE_STATUSES), 1), else_=0)
    return (
        select(
            Milestone.pairing_id.label("pairing_id"),
            func.count().label("milestones"),
            cast(func.sum(done), Integer).label("milestones_done"),
            cast(func.sum(due), Integer).label("milestones_due"),
            cast(func.sum(case((status == OVERDUE, 1), else_=0)), Integer).label(
                "milestones_overdue"
            ),
        )
        .group_by(Milestone.pairing_id)
        .subquery("milestone_stats")
    )


def refresh_pairing_stats(connection: Connection, today: dt.date) -> int:
    """Store the live check-in, rating and (as of ``today``) milestone roll-ups of every
    pairing in ``pairing_stats``.

    Runs inside the caller's transaction and marks the roll-ups current; returns
    the number of pairings written.  One ``INSERT … SELECT``: the stored rows
    are the live subqueries' rows by construction.
    """
    meetings = checkin_stats()
    ratings = rating_endpoints()
    milestones = milestone_stats(today)
    connection.execute(delete(PairingStats))
    columns = [
        "pairing_id",
        "meetings",
        "first_meeting",
        "last_meeting",
        "rated_meetings",
        *RATING_ENDPOINT_COLUMNS[1:],
        *MILESTONE_COLUMNS,
    ]
    source = (
        select(
            Pairing.pairing_id,
            func.coalesce(meetings.c.meetings, 0),
            meetings.c.first_meeting,
            meetings.c.last_meeting,
            func.coalesce(ratings.c.rated_meetings, 0),
            *(ratings.c[name] for name in RATING_ENDPOINT_COLUMNS[1:]),
            *(func.coalesce(milestones.c[name], 0) for name in MILESTONE_COLUMNS),
        )
        .select_from(Pairing)
        .outerjoin(meetings, meetings.c.pairing_id == Pairing.pairing_id)
        .outerjoin(ratings, ratings.c.pairing_id == Pairing.pairing_id)
        .outerjoin(milestones, milestones.c.pairing_id == Pairing.pairing_id)
    )
    connection.execute(insert(PairingStats).from_select(columns, source))
    rollups.mark_current(connection, rollups.PAIRING_STATS)
    rollups.mark_current(connection, rollups.PAIRING_MILESTONES, as_of=today)
    # (``rowcount`` of INSERT … SELECT is -1 under psycopg, so count.)
    return int(connection.execute(select(func.count()).select_from(PairingStats)).scalar_one())

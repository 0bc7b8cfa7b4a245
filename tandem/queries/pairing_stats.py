"""Per-pairing building blocks shared by the portfolio and the outcome queries.

Each function returns a SQL subquery keyed by ``pairing_id``, computed by the
database (GROUP BY and window functions that SQLite and PostgreSQL share), so
pages only ever receive the rows they draw.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Integer, Subquery, case, cast, func, literal, select

from tandem.milestones import DONE_STATUSES, OVERDUE, milestone_status_expr
from tandem.models import CheckIn, Milestone

RATING_COLUMNS = ("clarity", "confidence", "influence", "safety")


def mean_rating_expr() -> object:
    """Mean of a check-in's four mentee ratings, ignoring missing ones (NULL if none)."""
    columns = [getattr(CheckIn, name) for name in RATING_COLUMNS]
    total = sum((func.coalesce(column, 0) for column in columns), literal(0))
    given = sum((case((column.is_not(None), 1), else_=0) for column in columns), literal(0))
    return cast(total, Float) / func.nullif(given, 0)


def checkin_stats() -> Subquery:
    """Meetings held, first and last meeting date, per pairing."""
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


def rating_endpoints() -> Subquery:
    """First and latest rated check-in per pairing: mean rating and each rating.

    ``rating_gain`` is latest − first mean rating; NULL with fewer than two
    rated check-ins (one meeting shows no trend).
    """
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


def milestone_stats(today: dt.date) -> Subquery:
    """Milestones per pairing: total, done, due by today, overdue (derived statuses)."""
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

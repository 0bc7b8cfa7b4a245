"""The health formula's inputs: grouped SQL over check-ins, milestones and feedback.

Never whole tables: two queries over check-ins (plain counts and the last
meeting; then, with window functions, the first and latest ratings and who
submitted the last few), one over milestones using
``tandem.program.milestones.milestone_status_expr`` (the one definition of
overdue / done), one over feedback sentiment (notes marked ``private`` left
out: their text never leaves the pair, and neither does a number read from
it), plus the pairings' own columns.  ``tandem.health.formula`` combines them
column-wise; the small converters at the end turn their columns into numpy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Float, and_, case, cast, func, literal, or_, select, true

from tandem.health.settings import RATING_COLUMNS
from tandem.program.milestones import (
    DONE_LATE,
    DONE_ON_TIME,
    MISSED,
    OVERDUE,
    milestone_status_expr,
)
from tandem.program.models import DEFAULT_CADENCE_DAYS, CheckIn, Feedback, Milestone, Pairing
from tandem.program.theme_tables import FeedbackAnalysis


def id_filter(column: Any, pairing_ids: Sequence[str] | None) -> Any:
    return column.in_(list(pairing_ids)) if pairing_ids is not None else true()


#: Check-in counts above this never occur in one pairing; it packs two running
#: counts into one window function (see ``checkin_ends``).
_PACK = 1_000_000

CHECKIN_END_COLUMNS = (
    "pairing_id",
    *(f"{end}{k}_{part}" for end in ("first", "latest") for k in (1, 2) for part in ("sum", "n")),
    "recent_both",
    "recent_mentor",
    "recent_mentee",
    "streak_mentor",
    "streak_mentee",
)


def checkin_counts(
    engine: Engine, today: dt.date, pairing_ids: Sequence[str] | None
) -> pd.DataFrame:
    """Plain grouped counts over check-ins: how many, the last one, how many rated."""
    c = CheckIn.__table__.c
    query = (
        select(
            c.pairing_id,
            func.count().label("checkins"),
            func.max(c.date).label("last_checkin"),
            func.count(func.coalesce(*(c[name] for name in RATING_COLUMNS))).label(
                "rated_checkins"
            ),
        )
        .where(c.date <= today, id_filter(c.pairing_id, pairing_ids))
        .group_by(c.pairing_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=["pairing_id", "checkins", "last_checkin", "rated_checkins"])


def _numbered_checkins(today: dt.date, pairing_ids: Sequence[str] | None) -> Any:
    """Check-ins up to ``today`` with the two running sums ``w1`` and ``rfs`` (see below)."""
    c = CheckIn.__table__.c
    any_rating = func.coalesce(*(c[name] for name in RATING_COLUMNS))
    base = (
        select(
            c.pairing_id,
            c.date,
            c.checkin_id,
            c.submitted_by.label("sub"),
            *(c[name] for name in RATING_COLUMNS),
            case((any_rating.is_not(None), 1), else_=0).label("rated"),
        )
        .where(c.date <= today, id_filter(c.pairing_id, pairing_ids))
        .subquery("cb")
    )
    newest_first = (base.c.date.desc(), base.c.checkin_id.desc())
    return select(
        base.c.pairing_id,
        base.c.sub,
        *(base.c[name] for name in RATING_COLUMNS),
        base.c.rated,
        func.sum(_PACK + base.c.rated)
        .over(partition_by=base.c.pairing_id, order_by=newest_first, rows=(None, 0))
        .label("w1"),
        func.sum(base.c.rated)
        .over(partition_by=base.c.pairing_id, order_by=newest_first, rows=(0, None))
        .label("rfs"),
    ).subquery("ci")


def checkin_ends(
    engine: Engine, today: dt.date, settings: dict[str, Any], pairing_ids: Sequence[str] | None
) -> pd.DataFrame:
    """The first and latest rated check-ins and the last few submitters of every pairing.

    One grouped query with window functions inside.  Ordering every window
    newest first (by date, then id) makes the database sort once; two
    running sums give everything:

    - ``w1 = Σ (_PACK + rated)`` from the newest row: ``w1 // _PACK`` is the
      row's position from the end and ``w1 % _PACK`` its rank among the rated
      check-ins from the end (one function instead of two, which is most of
      the cost on SQLite at a million rows);
    - ``rfs = Σ rated`` from the row to the oldest: its rank among the rated
      check-ins from the start.

    Only rows that matter (the last few, and the first and latest two rated)
    reach the aggregates.  Ratings travel as a sum and a count (integers) so
    the means, taken in pandas, do not depend on either database's integer
    division.  Sums for 1 and 2 check-ins are both returned; the formula
    uses 2 when there are at least 4 rated check-ins (so the ends never
    overlap).
    """
    inner = _numbered_checkins(today, pairing_ids)
    window = int(settings["scoring"]["engagement_window"])
    streak = int(settings["stall"]["one_sided_streak"])
    rated = inner.c.rated == 1
    rated_from_end = inner.c.w1 % _PACK

    def within_last(count: int) -> Any:
        return inner.c.w1 < (count + 1) * _PACK

    ratings = [inner.c[name] for name in RATING_COLUMNS]
    given = sum((case((col.is_not(None), 1), else_=0) for col in ratings), literal(0))
    total = sum((func.coalesce(col, 0) for col in ratings), literal(0))

    def count_if(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    ends = []
    for end, rank in (("first", inner.c.rfs), ("latest", rated_from_end)):
        for k in (1, 2):
            chosen = and_(rated, rank <= k)
            ends.append(func.sum(case((chosen, total), else_=0)).label(f"{end}{k}_sum"))
            ends.append(func.sum(case((chosen, given), else_=0)).label(f"{end}{k}_n"))
    query = (
        select(
            inner.c.pairing_id,
            *ends,
            *(
                count_if(and_(within_last(window), inner.c.sub == who)).label(f"recent_{who}")
                for who in ("both", "mentor", "mentee")
            ),
            *(
                count_if(and_(within_last(streak), inner.c.sub == who)).label(f"streak_{who}")
                for who in ("mentor", "mentee")
            ),
        )
        .where(
            or_(
                within_last(max(window, streak)),
                and_(rated, or_(inner.c.rfs <= 2, rated_from_end <= 2)),
            )
        )
        .group_by(inner.c.pairing_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=list(CHECKIN_END_COLUMNS))


def milestone_aggregates(
    engine: Engine, today: dt.date, pairing_ids: Sequence[str] | None
) -> pd.DataFrame:
    """One grouped query over milestones, counting by the one SQL status expression."""
    m = Milestone.__table__
    inner = (
        select(m.c.pairing_id, milestone_status_expr(today, m).label("st"))
        .where(id_filter(m.c.pairing_id, pairing_ids))
        .subquery("ms")
    )
    counts = {
        "on_time": DONE_ON_TIME,
        "late": DONE_LATE,
        "overdue": OVERDUE,
        "missed": MISSED,
    }
    query = select(
        inner.c.pairing_id,
        func.count().label("milestones"),
        *(
            func.sum(case((inner.c.st == status, 1), else_=0)).label(f"ms_{name}")
            for name, status in counts.items()
        ),
    ).group_by(inner.c.pairing_id)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(
        rows, columns=["pairing_id", "milestones", *(f"ms_{name}" for name in counts)]
    )


def sentiment_aggregates(
    engine: Engine, today: dt.date, pairing_ids: Sequence[str] | None
) -> pd.DataFrame:
    f = Feedback.__table__.c
    a = FeedbackAnalysis.__table__.c
    query = (
        select(
            f.pairing_id,
            cast(func.avg(a.sentiment), Float).label("sentiment"),
            func.count().label("sentiment_notes"),
        )
        .select_from(Feedback.__table__.join(FeedbackAnalysis.__table__))
        .where(
            f.pairing_id.is_not(None),
            a.sentiment.is_not(None),
            f.visibility != "private",
            f.date <= today,
            id_filter(f.pairing_id, pairing_ids),
        )
        .group_by(f.pairing_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=["pairing_id", "sentiment", "sentiment_notes"])


def pairing_rows(engine: Engine, pairing_ids: Sequence[str] | None) -> pd.DataFrame:
    p = Pairing.__table__.c
    query = select(p.pairing_id, p.status, p.start_date, p.ended_date, p.cadence_days).where(
        id_filter(p.pairing_id, pairing_ids)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(
        rows, columns=["pairing_id", "status", "start_date", "ended_date", "cadence_days"]
    )


# --- columns as numpy --------------------------------------------------------


def as_dates(values: pd.Series) -> list[dt.date | None]:
    """Dates with every missing marker (None, NaN, NaT after a left join) as None."""
    return [value if isinstance(value, dt.date) else None for value in values.tolist()]


def as_days(values: pd.Series) -> np.ndarray:
    """Dates (``datetime.date`` or None) as day numbers since the epoch (float, NaN for None)."""
    day_numbers = np.array(as_dates(values), dtype="datetime64[D]")
    out = day_numbers.astype("int64").astype(float)
    out[np.isnat(day_numbers)] = np.nan
    return out


def numbers(frame: pd.DataFrame, column: str, fill: float = np.nan) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").fillna(fill).to_numpy(dtype=float)


def cadences(values: pd.Series) -> np.ndarray:
    """Agreed cadence in days; missing or non-positive means the default."""
    cadence = pd.to_numeric(values, errors="coerce").fillna(DEFAULT_CADENCE_DAYS).to_numpy(float)
    return np.where(cadence > 0, cadence, DEFAULT_CADENCE_DAYS)

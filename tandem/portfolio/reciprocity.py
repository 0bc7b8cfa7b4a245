"""Reciprocity and cross-level learning: how learning flows in both directions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Float, case, cast, func, select
from sqlalchemy.orm import aliased

from tandem.access.filters import Filters
from tandem.access.privacy import suppress_small
from tandem.portfolio.outcomes import stored_cells
from tandem.portfolio.pairing_stats import rating_endpoints
from tandem.program.models import Pairing, Person
from tandem.program.sql import read_frame


def _is_reverse():
    # CASE rather than CAST(boolean AS float), which PostgreSQL refuses.
    return case((Pairing.kind == "reverse", 1.0), else_=0.0)


def learning_by_kind(engine: Engine, filters: Filters, *, threshold: int) -> pd.DataFrame:
    """Per pairing kind: mean mentor learning vs the mentee's latest mean rating.

    Only pairings with ratings count; kinds with fewer such pairings than the
    threshold are suppressed.
    """
    ratings = rating_endpoints(engine)
    statement = (
        select(
            Pairing.kind,
            func.count().label("n"),
            func.avg(ratings.c.mean_mentor_learning).label("mentor_learning"),
            func.avg(ratings.c.latest_rating).label("mentee_rating"),
            func.avg(ratings.c.rating_gain).label("mentee_gain"),
        )
        .select_from(Pairing)
        .join(ratings, ratings.c.pairing_id == Pairing.pairing_id)
        .where(filters.clause())
        .group_by(Pairing.kind)
        .order_by(Pairing.kind)
    )
    frame = read_frame(engine, statement)
    frame["n"] = frame["n"].astype("int64")
    return suppress_small(
        frame, "n", threshold, ["mentor_learning", "mentee_rating", "mentee_gain"]
    )


def level_matrix(
    engine: Engine, filters: Filters, *, threshold: int, today: dt.date | None = None
) -> pd.DataFrame:
    """Who mentors whom by level: pairings per (mentor level, mentee level).

    Views of whole cohorts sum What works' stored outcome cells of ``today``
    (``tandem.portfolio.outcomes.stored_cells``) instead of joining every pairing
    with both people."""
    cells = stored_cells(engine, filters, today or dt.date.today())
    statement = _level_statement(filters) if cells is None else _levels_from_cells(cells)
    frame = read_frame(engine, statement)
    frame["n"] = frame["n"].astype("int64")
    return suppress_small(frame, "n", threshold, ["reverse_share"])


def _levels_from_cells(cells: Any) -> Any:
    reverse = func.sum(case((cells.c.kind == "reverse", cells.c.pairings), else_=0))
    levels = (cells.c.mentor_level, cells.c.mentee_level)
    return (
        select(
            *levels,
            func.sum(cells.c.pairings).label("n"),
            (cast(reverse, Float) / func.sum(cells.c.pairings)).label("reverse_share"),
        )
        .group_by(*levels)
        .order_by(*levels)
    )


def _level_statement(filters: Filters) -> Any:
    mentor = aliased(Person, name="mentor")
    mentee = aliased(Person, name="mentee")
    return (
        select(
            mentor.level.label("mentor_level"),
            mentee.level.label("mentee_level"),
            func.count().label("n"),
            func.avg(_is_reverse()).label("reverse_share"),
        )
        .select_from(Pairing)
        .join(mentor, mentor.person_id == Pairing.mentor_id)
        .join(mentee, mentee.person_id == Pairing.mentee_id)
        .where(filters.clause())
        .group_by(mentor.level, mentee.level)
        .order_by(mentor.level, mentee.level)
    )


def hidden_experts(engine: Engine, filters: Filters, *, limit: int = 15) -> pd.DataFrame:
    """People whose mentoring spans the most divisions and levels.

    Ranked by distinct mentee divisions, then distinct mentee levels, then the
    number of mentees; reverse mentors (junior people teaching seniors) are
    marked, since they are the expertise a hierarchy tends to miss.
    """
    mentor = aliased(Person, name="mentor")
    mentee = aliased(Person, name="mentee")
    divisions = func.count(func.distinct(mentee.division))
    levels = func.count(func.distinct(mentee.level))
    statement = (
        select(
            mentor.person_id,
            mentor.name,
            mentor.level,
            mentor.division,
            divisions.label("divisions_reached"),
            levels.label("levels_reached"),
            func.count(func.distinct(mentee.person_id)).label("mentees"),
            func.sum(_is_reverse()).label("reverse_pairings"),
        )
        .select_from(Pairing)
        .join(mentor, mentor.person_id == Pairing.mentor_id)
        .join(mentee, mentee.person_id == Pairing.mentee_id)
        .where(filters.clause())
        .group_by(mentor.person_id, mentor.name, mentor.level, mentor.division)
        .having(func.count(func.distinct(mentee.person_id)) >= 2)
        .order_by(divisions.desc(), levels.desc(), func.count().desc(), mentor.person_id)
        .limit(limit)
    )
    frame = read_frame(engine, statement)
    frame["reverse_pairings"] = frame["reverse_pairings"].fillna(0).astype("int64")
    return frame

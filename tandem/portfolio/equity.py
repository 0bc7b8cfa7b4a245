"""Equity of access, by the optional self-identified ``group`` column.

Per group: how many people, the share taking part in a (filtered) pairing,
the share of participants in mentor roles, the share of mentees with a senior
mentor (level 6 or above), and the outcomes of the pairings whose mentee is in
the group.  The spec allows ``group`` only in aggregates at or above the
privacy threshold, counted in distinct *people*: smaller groups are
suppressed, and so is an outcome drawn from fewer pairings than the threshold.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, Float, case, cast, func, literal, select, union_all

from tandem.access.filters import Filters
from tandem.portfolio.outcomes import per_pairing_outcomes
from tandem.program.models import Pairing, Person
from tandem.program.sql import read_frame

SENIOR_LEVEL = 6
NOT_STATED = "(not stated)"
MEASURES = {
    "participation": "Taking part",
    "mentor_share": "Participants who mentor",
    "senior_mentor_share": "Mentees with a senior mentor",
    "completion_rate": "Milestone completion (as mentee)",
    "rating_gain": "Rating gain (as mentee)",
}


def equity_by_group(
    engine: Engine, filters: Filters, *, threshold: int, today: dt.date | None = None
) -> pd.DataFrame:
    """One row per group (people without a group form "(not stated)")."""
    today = today or dt.date.today()
    group = func.coalesce(func.nullif(func.trim(Person.group_name), ""), literal(NOT_STATED))
    scope = filters.clause()
    mentor = Person.__table__.alias("senior_mentor")
    roles = union_all(
        select(
            Pairing.mentor_id.label("person_id"),
            literal(1).label("as_mentor"),
            literal(0).label("as_mentee"),
            literal(0).label("senior_mentor"),
        ).where(scope),
        select(
            Pairing.mentee_id.label("person_id"),
            literal(0),
            literal(1),
            case((mentor.c.level >= SENIOR_LEVEL, 1), else_=0),
        )
        .join(mentor, mentor.c.person_id == Pairing.mentor_id)
        .where(scope),
    ).subquery("roles")
    per_person = (
        select(
            roles.c.person_id,
            func.max(roles.c.as_mentor).label("mentors"),
            func.max(roles.c.as_mentee).label("mentee"),
            func.max(roles.c.senior_mentor).label("senior"),
        )
        .group_by(roles.c.person_id)
        .subquery("per_person")
    )
    people = (
        select(
            group.label("group"),
            func.count().label("people"),
            func.count(per_person.c.person_id).label("participants"),
            func.sum(func.coalesce(per_person.c.mentors, 0)).label("mentors"),
            func.sum(func.coalesce(per_person.c.mentee, 0)).label("mentees"),
            func.sum(func.coalesce(per_person.c.senior, 0)).label("with_senior_mentor"),
        )
        .select_from(Person)
        .outerjoin(per_person, per_person.c.person_id == Person.person_id)
        .group_by(group)
    )
    per = per_pairing_outcomes(engine, filters, today)
    mentee_group = func.coalesce(func.nullif(func.trim(Person.group_name), ""), literal(NOT_STATED))
    outcomes = (
        select(
            mentee_group.label("group"),
            func.count().label("pairings"),
            (cast(func.sum(per.c.done), Float) / func.nullif(func.sum(per.c.due), 0)).label(
                "completion_rate"
            ),
            func.avg(per.c.rating_gain).label("rating_gain"),
            func.count(per.c.rating_gain).label("n_rated"),
            func.sum(case((per.c.due > 0, 1), else_=0)).label("n_due"),
        )
        .select_from(per)
        .join(Pairing, Pairing.pairing_id == per.c.pairing_id)
        .join(Person, Person.person_id == Pairing.mentee_id)
        .group_by(mentee_group)
    )
    with engine.connect() as connection:
        frame = read_frame(connection, people)
        outcome_frame = read_frame(connection, outcomes)
    frame = frame.merge(outcome_frame, on="group", how="left")
    for column in ("people", "participants", "mentors", "mentees", "with_senior_mentor"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype("int64")
    frame["participation"] = frame["participants"] / frame["people"]
    frame["mentor_share"] = frame["mentors"] / frame["participants"].where(
        frame["participants"] > 0
    )
    frame["senior_mentor_share"] = frame["with_senior_mentor"] / frame["mentees"].where(
        frame["mentees"] > 0
    )
    # Each figure is suppressed when the people or pairings behind it are too few.
    frame["mentor_share"] = frame["mentor_share"].where(frame["participants"] >= threshold)
    frame["senior_mentor_share"] = frame["senior_mentor_share"].where(frame["mentees"] >= threshold)
    frame["completion_rate"] = frame["completion_rate"].where(frame["n_due"] >= threshold)
    frame["rating_gain"] = frame["rating_gain"].where(frame["n_rated"] >= threshold)
    small = frame["people"] < threshold
    frame["suppressed"] = small
    keep = ["group", "people", "suppressed", *MEASURES]
    result_frame = frame[keep].copy()
    for column in ["people", *MEASURES]:
        result_frame[column] = result_frame[column].astype("float64").where(~small)
    # A suppressed group is not named either: its existence with n < threshold
    # is itself a disclosure.  They are pooled into one row.
    if small.any():
        pooled = pd.DataFrame([{"group": "Smaller groups (suppressed)", "suppressed": True}])
        result_frame = pd.concat([result_frame[~small], pooled], ignore_index=True)
    return result_frame.sort_values(["suppressed", "group"]).reset_index(drop=True)


def has_groups(engine: Engine) -> bool:
    """Whether any person carries the optional ``group`` column."""
    with engine.connect() as connection:
        found = connection.execute(
            select(Person.person_id)
            .where(Person.group_name.is_not(None), func.trim(Person.group_name) != "")
            .limit(1)
        ).first()
    return found is not None

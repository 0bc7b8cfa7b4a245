"""Equity of access, by the optional self-identified ``group`` column.

Per group: how many people, the share taking part in a (filtered) pairing,
the share of participants in mentor roles, the share of mentees with a senior
mentor (level 6 or above), and the outcomes of the pairings whose mentee is in
the group.  The spec allows ``group`` only in aggregates at or above the
privacy threshold, counted in distinct *people*: smaller groups are
suppressed, and so is an outcome drawn from fewer pairings than the threshold.

Each measure also has a figure for *everyone* under the filters (every group
together, "(not stated)" included), the reference a group is compared with.  It
is computed from the same counts as the groups, so the line and the bars agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, case, func, literal, select, union_all

from tandem.access.filters import Filters
from tandem.portfolio.outcomes import per_pairing_outcomes
from tandem.program.models import Pairing, Person
from tandem.program.sql import read_frame

SENIOR_LEVEL = 6
NOT_STATED = "(not stated)"
POOLED = "Smaller groups (suppressed)"
MEASURES = {
    "participation": "Taking part",
    "mentor_share": "Participants who mentor",
    "senior_mentor_share": "Mentees with a senior mentor",
    "completion_rate": "Milestone completion (as mentee)",
    "rating_gain": "Rating gain (as mentee)",
}
#: Each measure as (numerator, denominator) of the counts per group.  The
#: denominator is also what the privacy threshold is counted in: people for the
#: shares of people, pairings for the outcomes (a rate's milestones are pooled
#: over the pairings that have one due).
_PARTS = {
    "participation": ("participants", "people"),
    "mentor_share": ("mentors", "participants"),
    "senior_mentor_share": ("with_senior_mentor", "mentees"),
    "completion_rate": ("done", "due"),
    "rating_gain": ("gain_sum", "n_rated"),
}
_COUNTED_IN = {
    "participation": "people",
    "mentor_share": "participants",
    "senior_mentor_share": "mentees",
    "completion_rate": "n_due",
    "rating_gain": "n_rated",
}
_COUNTS = ("people", "participants", "mentors", "mentees", "with_senior_mentor")
_OUTCOME_COUNTS = ("pairings", "done", "due", "n_due", "gain_sum", "n_rated")


@dataclass(frozen=True)
class EquityReport:
    """The groups (one row each, suppressed ones pooled) and, per measure, the figure
    for everyone under the filters (None where it would disclose a small group)."""

    groups: pd.DataFrame
    everyone: dict[str, float | None]


def equity_report(
    engine: Engine, filters: Filters, *, threshold: int, today: dt.date | None = None
) -> EquityReport:
    """The groups' measures and the everyone line, suppressed at ``threshold``."""
    counts = _group_counts(engine, filters, today or dt.date.today())
    measures = _with_measures(counts)
    shown = _suppressed(measures, threshold)
    return EquityReport(
        groups=_pool_small_groups(shown, threshold),
        everyone=_everyone(counts, shown, threshold),
    )


def _group_name(column: Any) -> ColumnElement[str]:
    return func.coalesce(func.nullif(func.trim(column), ""), literal(NOT_STATED))


def _people_statement(filters: Filters) -> Select[Any]:
    """Per group: people, those in a pairing, as mentor, as mentee, with a senior mentor."""
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
    group = _group_name(Person.group_name)
    return (
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


def _outcome_statement(engine: Engine, filters: Filters, today: dt.date) -> Select[Any]:
    """Per mentee group: the sums behind completion and rating gain (not the ratios,
    so that the everyone figure pools them exactly as a group's does)."""
    per = per_pairing_outcomes(engine, filters, today)
    group = _group_name(Person.group_name)
    return (
        select(
            group.label("group"),
            func.count().label("pairings"),
            func.sum(per.c.done).label("done"),
            func.sum(per.c.due).label("due"),
            func.sum(case((per.c.due > 0, 1), else_=0)).label("n_due"),
            func.sum(per.c.rating_gain).label("gain_sum"),
            func.count(per.c.rating_gain).label("n_rated"),
        )
        .select_from(per)
        .join(Pairing, Pairing.pairing_id == per.c.pairing_id)
        .join(Person, Person.person_id == Pairing.mentee_id)
        .group_by(group)
    )


def _group_counts(engine: Engine, filters: Filters, today: dt.date) -> pd.DataFrame:
    """One row per group with the raw counts and sums every measure is made of."""
    with engine.connect() as connection:
        frame = read_frame(connection, _people_statement(filters))
        outcomes = read_frame(connection, _outcome_statement(engine, filters, today))
    frame = frame.merge(outcomes, on="group", how="left")
    for column in (*_COUNTS, *_OUTCOME_COUNTS):
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype("float64")
    return frame


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.where(denominator > 0)


def _with_measures(counts: pd.DataFrame) -> pd.DataFrame:
    """Each measure as its numerator over its denominator (empty where that is 0)."""
    frame = counts.copy()
    for measure, (numerator, denominator) in _PARTS.items():
        frame[measure] = _ratio(frame[numerator], frame[denominator])
    return frame


def _suppressed(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Each figure blanked where the people or pairings behind it are too few; a whole
    group blanked (``suppressed``) where it has fewer people than the threshold."""
    result = frame.copy()
    small = result["people"] < threshold
    result["suppressed"] = small
    for measure, counted_in in _COUNTED_IN.items():
        result[measure] = result[measure].where((result[counted_in] >= threshold) & ~small)
    result["people"] = result["people"].where(~small)
    return result


def _pool_small_groups(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The suppressed groups as one unnamed row: a group's existence with fewer
    people than the threshold is itself a disclosure."""
    result = frame[["group", "people", "suppressed", *MEASURES]].copy()
    small = result["suppressed"]
    if small.any():
        pooled = pd.DataFrame([{"group": POOLED, "suppressed": True}])
        result = pd.concat([result[~small], pooled], ignore_index=True)
    return result.sort_values(["suppressed", "group"]).reset_index(drop=True)


def _everyone(counts: pd.DataFrame, shown: pd.DataFrame, threshold: int) -> dict[str, float | None]:
    """Each measure over every group together (None where that is fewer than the
    threshold).  Where the figures hidden for one measure cover fewer than the
    threshold between them, the line minus the groups on show would give them
    away: the line then pools the groups on show only, which differs from everyone
    by those few people or pairings and discloses nothing."""
    everyone: dict[str, float | None] = {}
    for measure, (numerator, denominator) in _PARTS.items():
        counted_in = _COUNTED_IN[measure]
        on_show = shown[measure].notna()
        hidden = float(counts.loc[~on_show, counted_in].sum())
        pooled = counts[on_show] if 0 < hidden < threshold else counts
        below = float(pooled[counted_in].sum()) < threshold
        total = float(pooled[denominator].sum())
        everyone[measure] = None if below or not total else float(pooled[numerator].sum()) / total
    return everyone


def has_groups(engine: Engine) -> bool:
    """Whether any person carries the optional ``group`` column."""
    with engine.connect() as connection:
        found = connection.execute(
            select(Person.person_id)
            .where(Person.group_name.is_not(None), func.trim(Person.group_name) != "")
            .limit(1)
        ).first()
    return found is not None

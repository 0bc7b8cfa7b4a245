"""Milestone progress across the portfolio: burn-up, completion rates, risk, what is due.

Every effective status comes from ``tandem.program.milestones.milestone_status_expr``
(the one place the rules live), evaluated by the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Select,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from tandem.access.filters import Filters
from tandem.access.scope import Scope
from tandem.portfolio.outcomes import stored_cells
from tandem.portfolio.pairing_stats import milestone_stats
from tandem.program import rollups
from tandem.program.derived_tables import MilestoneMonths
from tandem.program.milestones import DONE_STATUSES, OVERDUE, STATUS_LABELS, milestone_status_expr
from tandem.program.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Cohort,
    Milestone,
    Pairing,
    Person,
)
from tandem.program.people import PairingPeople
from tandem.program.sql import month, read_frame

UPCOMING_DAYS = 30
NO_COHORT = "(no cohort)"


def burn_up(engine: Engine, filters: Filters, *, threshold: int) -> tuple[pd.DataFrame, int]:
    """Per cohort and month: milestones due (the plan) and completed, cumulative.

    Columns: cohort, month (YYYY-MM), due, completed, planned_total,
    completed_total.  Only the months in which something was due or done.
    Cohorts whose milestones belong to fewer pairings than the privacy
    threshold are left out; the second value says how many were.  Counted from
    the refresh's ``milestone_months`` when the filters select whole cohorts and
    it is current, else from the milestones: the same rows either way.
    """
    sized = read_frame(engine, _pairings_with_milestones(filters))
    large = set(sized.loc[sized["n"] >= threshold, "cohort"])
    hidden = len(sized) - len(large)
    whole_cohorts = filters.cohort_clause(MilestoneMonths.cohort_id)
    if whole_cohorts is not None and rollups.is_current(engine, rollups.MILESTONE_MONTHS):
        counted = read_frame(engine, _stored_month_counts(whole_cohorts))
    else:
        counted = read_frame(engine, _month_counts(filters.clause()))
    return _cumulative(counted, large), hidden


def _pairings_with_milestones(filters: Filters) -> Select[str, int]:
    """Per cohort name, the pairings under ``filters`` that have a milestone (the
    burn-up's privacy count)."""
    cohort = func.coalesce(Cohort.name, literal(NO_COHORT)).label("cohort")
    has_milestone = exists().where(Milestone.pairing_id == Pairing.pairing_id)
    return (
        select(cohort, func.count().label("n"))
        .select_from(Pairing)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .where(filters.clause(), has_milestone)
        .group_by(cohort)
    )


def _month_counts(where: Any, cohort_id: bool = False) -> Select[Any]:
    """Milestones of the pairings ``where`` selects, counted by cohort (its name, or
    with ``cohort_id`` its id), month due and month done: one pass, a few thousand
    rows.  A milestone marked done without a completion date counts as done on its
    due date."""
    base = (
        select(
            Milestone.due_date,
            Milestone.completed_date,
            Milestone.status,
            (
                Pairing.cohort_id if cohort_id else func.coalesce(Cohort.name, literal(NO_COHORT))
            ).label("c"),
        )
        .join(Pairing, Pairing.pairing_id == Milestone.pairing_id)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .where(where)
        .subquery("scoped")
    )
    is_done = or_(base.c.completed_date.is_not(None), base.c.status == "done")
    done_month = case((is_done, month(func.coalesce(base.c.completed_date, base.c.due_date))))
    return select(
        base.c.c.label("cohort"),
        month(base.c.due_date).label("due_month"),
        done_month.label("done_month"),
        func.count().label("n"),
    ).group_by(base.c.c, month(base.c.due_date), done_month)


def _stored_month_counts(whole_cohorts: Any) -> Select[str, str, str | None, int]:
    """``_month_counts`` from the stored ``milestone_months``, for whole cohorts."""
    cohort = func.coalesce(Cohort.name, literal(NO_COHORT))
    return (
        select(
            cohort.label("cohort"),
            MilestoneMonths.due_month,
            MilestoneMonths.done_month,
            func.sum(MilestoneMonths.milestones).label("n"),
        )
        .select_from(MilestoneMonths)
        .outerjoin(Cohort, Cohort.cohort_id == MilestoneMonths.cohort_id)
        .where(whole_cohorts)
        .group_by(cohort, MilestoneMonths.due_month, MilestoneMonths.done_month)
    )


def refresh_milestone_months(connection: Connection) -> int:
    """Store every milestone's count by cohort, month due and month done in
    ``milestone_months`` and mark it current (inside the caller's transaction).
    One ``INSERT … SELECT`` of the live counts; returns the rows written."""
    connection.execute(delete(MilestoneMonths))
    columns = ["cohort_id", "due_month", "done_month", "milestones"]
    connection.execute(
        insert(MilestoneMonths).from_select(columns, _month_counts(true(), cohort_id=True))
    )
    rollups.mark_current(connection, rollups.MILESTONE_MONTHS)
    return int(connection.execute(select(func.count()).select_from(MilestoneMonths)).scalar_one())


def _cumulative(counted: pd.DataFrame, large: set[str]) -> pd.DataFrame:
    """The burn-up frame from the month counts, for the cohorts in ``large``."""
    plan = (
        counted.groupby(["cohort", "due_month"], as_index=False)["n"]
        .sum()
        .rename(columns={"due_month": "month", "n": "due"})
    )
    done = (
        counted.dropna(subset=["done_month"])
        .groupby(["cohort", "done_month"], as_index=False)["n"]
        .sum()
        .rename(columns={"done_month": "month", "n": "completed"})
    )
    plan = plan[plan["cohort"].isin(large)]
    done = done[done["cohort"].isin(large)]
    if plan.empty and done.empty:
        return pd.DataFrame(
            columns=["cohort", "month", "due", "completed", "planned_total", "completed_total"]
        )
    frame = plan.merge(done, on=["cohort", "month"], how="outer").fillna({"due": 0, "completed": 0})
    frame = frame.sort_values(["cohort", "month"]).reset_index(drop=True)
    frame[["due", "completed"]] = frame[["due", "completed"]].astype("int64")
    frame["planned_total"] = frame.groupby("cohort")["due"].cumsum()
    frame["completed_total"] = frame.groupby("cohort")["completed"].cumsum()
    return frame


COMPLETION_DIMENSIONS = {
    "cohort": "Cohort",
    "kind": "Pairing kind",
    "division": "Mentee division",
}


def program_completion(
    engine: Engine, filters: Filters, *, threshold: int, today: dt.date
) -> float | None:
    """Milestones done ÷ due over every pairing under ``filters`` (the charts' reference
    line); None when fewer pairings than the threshold have a milestone due."""
    cells = stored_cells(engine, filters, today)
    if cells is not None:  # whole cohorts: summed from What works' stored cells
        statement = select(
            func.sum(cells.c.with_due), func.sum(cells.c.done), func.sum(cells.c.due)
        )
    else:
        per = milestone_stats(today, engine)
        statement = (
            select(
                func.count().label("n"),
                func.sum(per.c.milestones_done).label("done"),
                func.sum(per.c.milestones_due).label("due"),
            )
            .select_from(per)
            .join(Pairing, Pairing.pairing_id == per.c.pairing_id)
            .where(filters.clause(), per.c.milestones_due > 0)
        )
    with engine.connect() as connection:
        n, done, due = connection.execute(statement).one()
    if not n or n < threshold or not due:
        return None
    return float(done) / float(due)


def completion_rates(
    engine: Engine, filters: Filters, dimension: str, *, threshold: int, today: dt.date
) -> pd.DataFrame:
    """Milestones done ÷ milestones due by today (or done), by cohort, kind or mentee division.

    ``n`` counts distinct pairings with a milestone due; groups below the
    privacy threshold are suppressed (values removed).  Views of whole cohorts sum
    What works' stored outcome cells (``tandem.portfolio.outcomes.stored_cells``).
    """
    cells = stored_cells(engine, filters, today)
    statement = (
        _rates_statement(filters, dimension, today, engine)
        if cells is None
        else _rates_from_cells(cells, dimension)
    )
    frame = read_frame(engine, statement)
    if frame.empty:
        return frame.assign(rate=pd.Series(dtype="float64"), suppressed=pd.Series(dtype=bool))
    frame["rate"] = frame["done"] / frame["due"]
    small = frame["n"] < threshold
    frame["suppressed"] = small
    for column in ("n", "done", "due", "overdue", "rate"):
        frame[column] = frame[column].astype("float64").where(~small)
    return frame


def _rates_statement(filters: Filters, dimension: str, today: dt.date, engine: Engine) -> Any:
    """``completion_rates``' groups from the pairings' milestone counts."""
    # Per-pairing counts (stored by the refresh for today, else computed live):
    # "due" there is exactly what is counted here — due by today, or done.
    per = milestone_stats(today, engine)
    mentee = aliased(Person, name="mentee")
    keys: dict[str, Any] = {
        "cohort": func.coalesce(Cohort.name, literal(NO_COHORT)),
        "kind": Pairing.kind,
        "division": mentee.division,
    }
    key = keys[dimension].label("group")
    return (
        select(
            key,
            func.count().label("n"),
            func.sum(per.c.milestones_done).label("done"),
            func.sum(per.c.milestones_due).label("due"),
            func.sum(per.c.milestones_overdue).label("overdue"),
        )
        .select_from(per)
        .join(Pairing, Pairing.pairing_id == per.c.pairing_id)
        .join(mentee, mentee.person_id == Pairing.mentee_id)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .where(filters.clause(), per.c.milestones_due > 0)
        .group_by(keys[dimension])
        .order_by(keys[dimension])
    )


def _rates_from_cells(cells: Any, dimension: str) -> Any:
    """The same groups from What works' stored outcome cells (``stored_cells``).

    A pairing with nothing due has nothing done or overdue either (done counts
    as due), so sums over every pairing equal sums over those with something due."""
    column = {"cohort": cells.c.cohort, "kind": cells.c.kind, "division": cells.c.mentee_division}
    key = column[dimension]
    return (
        select(
            key.label("group"),
            func.sum(cells.c.with_due).label("n"),
            func.sum(cells.c.done).label("done"),
            func.sum(cells.c.due).label("due"),
            func.sum(cells.c.overdue).label("overdue"),
        )
        .group_by(key)
        .having(func.sum(cells.c.with_due) > 0)
        .order_by(key)
    )


def _with_pairing(people: PairingPeople, *columns: Any) -> Select[Any]:
    """``columns`` of every milestone beside its pairing, the pair's people (``people``)
    and its cohort (if any)."""
    return (
        select(*columns)
        .select_from(Milestone)
        .join(Pairing, Pairing.pairing_id == Milestone.pairing_id)
        .join(people.mentor, people.mentor_on)
        .join(people.mentee, people.mentee_on)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
    )


def at_risk_pairings(
    engine: Engine, filters: Filters, *, today: dt.date, limit: int | None = None
) -> pd.DataFrame:
    """Pairings with overdue milestones, worst first (most overdue, then oldest due date)."""
    status = milestone_status_expr(today)
    people = PairingPeople()
    overdue = func.sum(case((status == OVERDUE, 1), else_=0))
    oldest = func.min(case((status == OVERDUE, Milestone.due_date)))
    # Only pairings with an overdue milestone need their milestones read (a
    # stored roll-up for today names them without a scan).
    per = milestone_stats(today, engine)
    late = select(per.c.pairing_id).where(per.c.milestones_overdue > 0)
    statement = (
        _with_pairing(
            people,
            Pairing.pairing_id,
            *people.columns,
            func.coalesce(Cohort.name, literal(NO_COHORT)).label("cohort"),
            Pairing.status,
            overdue.label("overdue"),
            func.count().label("milestones"),
            oldest.label("oldest_overdue"),
        )
        .where(
            filters.clause(),
            Pairing.status.in_(RUNNING_STATUSES),
            Milestone.pairing_id.in_(late),
        )
        .group_by(
            Pairing.pairing_id,
            people.mentor.name,
            people.mentee.name,
            Pairing.mentor_id,
            Pairing.mentee_id,
            Cohort.name,
            Pairing.status,
        )
        .having(overdue > 0)
        .order_by(overdue.desc(), oldest.asc(), Pairing.pairing_id)
        .limit(limit)
    )
    frame = read_frame(engine, statement)
    if not frame.empty:
        frame["days_overdue"] = [
            (today - value).days if value is not None else None
            for value in pd.to_datetime(frame["oldest_overdue"]).dt.date
        ]
    return frame


def upcoming(engine: Engine, filters: Filters, *, today: dt.date) -> pd.DataFrame:
    """Open milestones due in the next 30 days, soonest first."""
    status = milestone_status_expr(today)
    people = PairingPeople()
    statement = (
        _with_pairing(
            people,
            Milestone.due_date,
            Milestone.title,
            Milestone.success_criteria,
            *people.columns,
            func.coalesce(Cohort.name, literal(NO_COHORT)).label("cohort"),
            Pairing.pairing_id,
            Milestone.milestone_id,
        )
        .where(
            filters.clause(),
            Milestone.due_date.between(today, today + dt.timedelta(days=UPCOMING_DAYS)),
            status.not_in(DONE_STATUSES),
            status != "missed",
        )
        .order_by(Milestone.due_date, Milestone.milestone_id)
    )
    return read_frame(engine, statement)


def timeline(
    engine: Engine,
    cohort_id: str,
    scope: Scope,
    *,
    today: dt.date,
    limit: int = 25,
    offset: int = 0,
) -> tuple[pd.DataFrame, int]:
    """Milestones of one page of a cohort's pairings (a Gantt-like chart), and the pairing count."""
    people = PairingPeople()
    pairings = (
        select(Pairing.pairing_id)
        .where(Pairing.cohort_id == cohort_id, scope.pairing_condition())
        .order_by(Pairing.start_date, Pairing.pairing_id)
    )
    status = milestone_status_expr(today)
    with engine.connect() as connection:
        total = int(
            connection.execute(select(func.count()).select_from(pairings.subquery())).scalar_one()
        )
        page_ids = list(connection.execute(pairings.limit(limit).offset(offset)).scalars())
    statement = (
        select(
            Pairing.pairing_id,
            *people.columns,
            Pairing.start_date,
            Milestone.title,
            Milestone.due_date,
            Milestone.completed_date,
            status.label("status"),
        )
        .select_from(Milestone)
        .join(Pairing, Pairing.pairing_id == Milestone.pairing_id)
        .join(people.mentor, people.mentor_on)
        .join(people.mentee, people.mentee_on)
        .where(Pairing.pairing_id.in_(page_ids))
        .order_by(Pairing.start_date, Pairing.pairing_id, Milestone.due_date)
    )
    frame = read_frame(engine, statement)
    frame["status_label"] = frame["status"].map(STATUS_LABELS).fillna(frame["status"])
    return frame, total


def with_pair_label(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the "mentor → mentee" label a timeline row is known by."""
    return frame.assign(
        pair=[f"{a} → {b}" for a, b in zip(frame["mentor"], frame["mentee"], strict=True)]
    )


def contract_gaps(engine: Engine, filters: Filters, *, limit: int | None = None) -> pd.DataFrame:
    """Learning contracts that are not yet real: no objective, no milestones, or
    milestones without success criteria.  One row per pairing, with what is missing."""
    people = PairingPeople()
    # Which pairings have a gap is decided by index lookups per pairing, and the
    # milestones are counted only for those listed: grouping all 160,000
    # milestones first took 0.5 s at 50,000 pairings.
    of_pairing = Milestone.pairing_id == Pairing.pairing_id
    no_criteria = or_(
        Milestone.success_criteria.is_(None), func.trim(Milestone.success_criteria) == ""
    )
    milestones = select(func.count()).where(of_pairing).scalar_subquery()
    without_criteria = select(func.count()).where(of_pairing, no_criteria).scalar_subquery()
    no_objective = or_(Pairing.objective.is_(None), func.trim(Pairing.objective) == "")
    statement = (
        select(
            Pairing.pairing_id,
            *people.columns,
            func.coalesce(Cohort.name, literal(NO_COHORT)).label("cohort"),
            Pairing.status,
            case((no_objective, True), else_=False).label("no_objective"),
            milestones.label("milestones"),
            without_criteria.label("without_criteria"),
        )
        .select_from(Pairing)
        .join(people.mentor, people.mentor_on)
        .join(people.mentee, people.mentee_on)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .where(
            filters.clause(),
            Pairing.status.in_(OPEN_STATUSES),
            or_(
                no_objective,
                ~exists(select(Milestone.milestone_id).where(of_pairing)),
                exists(select(Milestone.milestone_id).where(of_pairing, no_criteria)),
            ),
        )
        .order_by(Pairing.start_date, Pairing.pairing_id)
        .limit(limit)
    )
    frame = read_frame(engine, statement)
    if frame.empty:
        return frame.assign(missing=pd.Series(dtype=str))
    frame["missing"] = [
        "; ".join(
            part
            for part, present in (
                ("no objective", bool(no_obj)),
                ("no milestones", count == 0),
                (
                    f"{without} {'milestone' if without == 1 else 'milestones'} without "
                    "success criteria",
                    count > 0 and without > 0,
                ),
            )
            if present
        )
        for no_obj, count, without in zip(
            frame["no_objective"], frame["milestones"], frame["without_criteria"], strict=True
        )
    ]
    return frame

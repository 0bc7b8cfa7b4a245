"""The effective status of a milestone, derived in one place.

The bundle's ``status`` column is optional and the dates are facts, so the
status a page shows is derived from both, relative to ``today``.  The rules,
first match wins:

1. ``completed_date`` present ⇒ done: ``done_on_time`` when
   ``completed_date ≤ due_date``, ``done_late`` otherwise.  A completion date
   is evidence and beats a stale ``status`` (even ``missed``: it was done,
   late).
2. ``status = done`` without a completion date ⇒ ``done_on_time`` (nothing
   says it was late, and we do not invent lateness).
3. ``status = missed`` ⇒ ``missed`` (the pair agreed to drop it).
4. Otherwise the milestone is not done:
   ``due_date < today`` ⇒ ``overdue``.  A milestone due **today** is not
   overdue: the pair still has the day.
5. ``due_date ≤ today + 30 days`` ⇒ ``due_soon`` (this includes today).
6. ``status = in_progress`` ⇒ ``in_progress``.
7. Otherwise ``planned`` (including no status at all).

Two implementations give the same answer: ``milestone_status`` in Python (for
one row, and for tests) and ``milestone_status_expr`` as an SQL ``CASE`` (for
pages and the health engine, which aggregate in the database).  A test checks
they agree on a grid of cases on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, FromClause, and_, case, literal
from sqlalchemy.sql.elements import ColumnElement

from tandem.program.models import Milestone

DUE_SOON_DAYS = 30

PLANNED = "planned"
IN_PROGRESS = "in_progress"
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
MISSED = "missed"
OVERDUE = "overdue"
DUE_SOON = "due_soon"

#: Every effective status, in the order a chart legend should show them.
EFFECTIVE_STATUSES = (DONE_ON_TIME, DONE_LATE, IN_PROGRESS, DUE_SOON, PLANNED, OVERDUE, MISSED)
DONE_STATUSES = (DONE_ON_TIME, DONE_LATE)
#: Not done and not dropped: still owed by the pair.
OPEN_STATUSES = (OVERDUE, DUE_SOON, IN_PROGRESS, PLANNED)

STATUS_LABELS = {
    DONE_ON_TIME: "Done on time",
    DONE_LATE: "Done late",
    IN_PROGRESS: "In progress",
    DUE_SOON: "Due soon",
    PLANNED: "Planned",
    OVERDUE: "Overdue",
    MISSED: "Missed",
}


def milestone_status(
    due_date: dt.date,
    completed_date: dt.date | None,
    status: str | None,
    today: dt.date,
) -> str:
    """The effective status of one milestone (see the module docstring for the rules)."""
    if completed_date is not None:
        return DONE_ON_TIME if completed_date <= due_date else DONE_LATE
    if status == "done":
        return DONE_ON_TIME
    if status == "missed":
        return MISSED
    if due_date < today:
        return OVERDUE
    if due_date <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    if status == "in_progress":
        return IN_PROGRESS
    return PLANNED


def milestone_status_expr(today: dt.date, table: FromClause | None = None) -> ColumnElement[str]:
    """The same rules as ``milestone_status``, as an SQL ``CASE`` over the milestones table.

    ``table`` may be an alias of ``milestones``.  ``today`` is bound as a
    parameter (dates compare correctly on both backends: SQLite stores ISO
    text, which sorts like the date).
    """
    columns = (table if table is not None else Milestone.__table__).c
    today_param = literal(today, Date)
    soon_param = literal(today + dt.timedelta(days=DUE_SOON_DAYS), Date)
    completed = columns.completed_date
    return case(
        (
            and_(completed.is_not(None), completed <= columns.due_date),
            literal(DONE_ON_TIME),
        ),
        (completed.is_not(None), literal(DONE_LATE)),
        (columns.status == "done", literal(DONE_ON_TIME)),
        (columns.status == "missed", literal(MISSED)),
        (columns.due_date < today_param, literal(OVERDUE)),
        (columns.due_date <= soon_param, literal(DUE_SOON)),
        (columns.status == "in_progress", literal(IN_PROGRESS)),
        else_=literal(PLANNED),
    )

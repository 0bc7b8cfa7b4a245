"""What the Rebalancing page draws next to the plan: names, mentor loads, open pairings.

The plan itself comes from :func:`tandem.matching.rebalance.plan.compute_rebalance`; these
queries return only the rows the page shows around it — the people the
suggestions name, the mentors touched or overloaded, the open pairings a lead
may pin or exclude — plus a cheap fingerprint of the data the plan depends on,
so a cached plan is recomputed as soon as anything it reads has changed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import BindParameter, Connection, Engine, Select, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from tandem.access.privacy import PRESENTER_KEY
from tandem.matching.rebalance.model import MOVABLE_STATUSES
from tandem.matching.rules import LOAD_STATUSES
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import AuditEntry, Cohort, Pairing, Person, Setting

# Bound parameters per IN (...) list: well under SQLite's and PostgreSQL's limits.
_IN_CHUNK = 900
# One expanding parameter for such a list: the statement is compiled once, not
# once per chunk with 900 literals coerced each time (at 50,000 pairings ~20,000
# ids: 0.1 s of Python).
_IDS: BindParameter[str] = bindparam("ids", expanding=True)

LOAD_COLUMNS = ["person_id", "name", "max_mentees", "load"]
OPEN_PAIRING_COLUMNS = [
    "pairing_id",
    "cohort_id",
    "cohort",
    "status",
    "kind",
    "mentor_id",
    "mentor",
    "mentee_id",
    "mentee",
]


def data_fingerprint(engine: Engine) -> tuple[Any, ...]:
    """A value that changes whenever the inputs of a rebalancing plan change.

    Pairings (count and the sum of their versions: every write bumps a
    version or adds a row), people (count and capacities), the latest audit
    row (imports, accepts, declines, pins and settings are all audited), the
    latest health refresh and the latest settings change.  One round trip of
    aggregates, so it is cheap to ask on every run.

    The presenter's pseudonym key is no input of a plan: it is created the first
    time anyone presents, and must not make the stored plan stale.
    """
    not_the_presenter_key = ~(
        (AuditEntry.entity == "setting") & (AuditEntry.entity_id == PRESENTER_KEY)
    )
    # Written as separate scalar subqueries: each is an index or a small scan.
    statement = select(
        select(func.count()).select_from(Pairing).scalar_subquery(),
        select(func.coalesce(func.sum(Pairing.version), 0)).scalar_subquery(),
        select(func.count()).select_from(Person).scalar_subquery(),
        select(func.coalesce(func.sum(Person.max_mentees), 0)).scalar_subquery(),
        select(func.max(AuditEntry.id)).where(not_the_presenter_key).scalar_subquery(),
        select(func.max(PairingHealth.computed_at)).scalar_subquery(),
        select(func.max(Setting.updated_at)).where(Setting.key != PRESENTER_KEY).scalar_subquery(),
    )
    with engine.connect() as connection:
        row = connection.execute(statement).one()
    return tuple(str(value) if value is not None else None for value in row)


def _rows_for_ids(connection: Connection, statement: Any, ids: Collection[str]) -> list[Any]:
    """The rows of ``statement`` (an ``IN :ids`` query, see ``_IDS``) for every id,
    asked ``_IN_CHUNK`` ids at a time; each chunk fetched whole (one call, not one per row)."""
    wanted = sorted({str(i) for i in ids if i})
    rows: list[Any] = []
    for start in range(0, len(wanted), _IN_CHUNK):
        rows.extend(connection.execute(statement, {"ids": wanted[start : start + _IN_CHUNK]}).all())
    return rows


def person_names(engine: Engine, person_ids: Collection[str]) -> dict[str, str]:
    """Name of each of ``person_ids`` (ids that do not exist are left out)."""
    statement = select(Person.person_id, Person.name).where(Person.person_id.in_(_IDS))
    with engine.connect() as connection:
        rows = _rows_for_ids(connection, statement, person_ids)
    return {str(pid): str(name) for pid, name in rows}


def cohort_names(engine: Engine, cohort_ids: Collection[str]) -> dict[str, str]:
    """Name of each of ``cohort_ids`` (ids that do not exist are left out)."""
    statement = select(Cohort.cohort_id, Cohort.name).where(Cohort.cohort_id.in_(_IDS))
    with engine.connect() as connection:
        rows = _rows_for_ids(connection, statement, cohort_ids)
    return {str(cid): str(name) for cid, name in rows}


def capacities(engine: Engine, person_ids: Collection[str]) -> dict[str, int]:
    """Capacity (``max_mentees``) of each of ``person_ids`` (unknown ids are left out)."""
    statement = select(Person.person_id, Person.max_mentees).where(Person.person_id.in_(_IDS))
    with engine.connect() as connection:
        rows = _rows_for_ids(connection, statement, person_ids)
    return {str(pid): int(cap) for pid, cap in rows}


def mentor_loads(engine: Engine, mentor_ids: Collection[str]) -> pd.DataFrame:
    """Load and capacity of ``mentor_ids`` and of every overloaded mentor.

    Load counts the pairings that hold a slot (``tandem.matching.rules.LOAD_STATUSES``:
    active, paused, proposed), the same rule the solver uses.  Columns:
    person_id, name, max_mentees, load; ordered by name.
    """
    held = Pairing.status.in_(LOAD_STATUSES)
    load = (
        select(Pairing.mentor_id.label("person_id"), func.count().label("load"))
        .where(held)
        .group_by(Pairing.mentor_id)
        .subquery()
    )
    # The overloaded mentors: one grouped pass over the pairings.
    overloaded = select(Person.person_id, Person.name, Person.max_mentees, load.c.load).join(
        load, load.c.person_id == Person.person_id
    )
    overloaded = overloaded.where(load.c.load > Person.max_mentees)
    # The wanted ones by id, each load counted on its own through ix_pairings_mentor:
    # a grouped subquery here would be recomputed for every chunk of ids (at 50,000
    # pairings, ~20,000 mentors in 23 chunks: 1.2 s instead of 0.14 s).
    own_load = (
        select(func.count())
        .where(Pairing.mentor_id == Person.person_id, held)
        .correlate(Person)
        .scalar_subquery()
    )
    by_id = select(Person.person_id, Person.name, Person.max_mentees, own_load.label("load"))
    by_id = by_id.where(Person.person_id.in_(_IDS))
    with engine.connect() as connection:
        found = [tuple(row) for row in connection.execute(overloaded).all()]
        found.extend(tuple(row) for row in _rows_for_ids(connection, by_id, mentor_ids))
    frame = pd.DataFrame(found, columns=LOAD_COLUMNS).drop_duplicates("person_id")
    if frame.empty:
        return frame
    frame["max_mentees"] = frame["max_mentees"].astype("int64")
    frame["load"] = frame["load"].astype("int64")
    return frame.sort_values(["name", "person_id"], kind="stable").reset_index(drop=True)


def _open_pairings_statement(mentor: Any, mentee: Any) -> Select[Any]:
    """Pairings with their cohort's and people's names, in the open-pairings order
    (``OPEN_PAIRING_COLUMNS``; cohort, mentee, pairing); callers add the WHERE."""
    return (
        select(
            Pairing.pairing_id,
            Pairing.cohort_id,
            Cohort.name.label("cohort"),
            Pairing.status,
            Pairing.kind,
            Pairing.mentor_id,
            mentor.name.label("mentor"),
            Pairing.mentee_id,
            mentee.name.label("mentee"),
        )
        .join(mentor, mentor.person_id == Pairing.mentor_id)
        .join(mentee, mentee.person_id == Pairing.mentee_id)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .order_by(Cohort.name, mentee.name, Pairing.pairing_id)
    )


def open_pairings(engine: Engine, cohorts: Sequence[str] = ()) -> pd.DataFrame:
    """Active and paused pairings (the ones rebalancing may move), with names.

    ``cohorts`` limits them to those cohorts (a lead's scope); empty means all.
    Columns: see ``OPEN_PAIRING_COLUMNS``; ordered by cohort, mentee, pairing.
    """
    statement = _open_pairings_statement(aliased(Person), aliased(Person)).where(
        Pairing.status.in_(MOVABLE_STATUSES)
    )
    if cohorts:
        statement = statement.where(Pairing.cohort_id.in_(list(cohorts)))
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=OPEN_PAIRING_COLUMNS)


def open_pairings_page(
    engine: Engine,
    cohorts: Sequence[str] = (),
    *,
    search: str = "",
    search_names: bool = True,
    only: Collection[str] | None = None,
    page: int = 1,
    size: int = 50,
) -> tuple[int, pd.DataFrame]:
    """One page of :func:`open_pairings` (same columns and order), and how many match.

    ``search``: every word must occur, ignoring case, in the pairing id, the
    cohort's name or — with ``search_names`` — the mentee's or mentor's name
    (presenter mode shows pseudonyms, so it searches ids and cohorts only).
    ``only``: just these pairing ids (the pinned and excluded ones).  ``page``
    counts from 1; past the last page, the last page.  Only the page is fetched:
    at 50,000 pairings there are ~35,000 open pairings.
    """
    mentor = aliased(Person)
    mentee = aliased(Person)
    conditions: list[Any] = [Pairing.status.in_(MOVABLE_STATUSES)]
    if cohorts:
        conditions.append(Pairing.cohort_id.in_(list(cohorts)))
    if only is not None:
        kept = sorted({str(p) for p in only})
        if not kept:
            return 0, pd.DataFrame(columns=OPEN_PAIRING_COLUMNS)
        # Pins and exclusions are a lead's hand-picked list: one IN (...) is enough.
        conditions.append(Pairing.pairing_id.in_(kept))
    searched = [Pairing.pairing_id, Cohort.name] + (
        [mentee.name, mentor.name] if search_names else []
    )
    # Lower-cased here too: SQLite's lower() folds ASCII letters only ("TOMÁS").
    for word in search.lower().split():
        conditions.append(or_(*(column.icontains(word, autoescape=True) for column in searched)))
    people = select(Pairing.pairing_id).outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
    if search.split() and search_names:
        people = people.join(mentor, mentor.person_id == Pairing.mentor_id).join(
            mentee, mentee.person_id == Pairing.mentee_id
        )
    count_statement = select(func.count()).select_from(people.where(*conditions).subquery())
    statement = _open_pairings_statement(mentor, mentee).where(*conditions)
    with engine.connect() as connection:
        total = int(connection.execute(count_statement).scalar_one())
        last = max(1, -(-total // size))
        offset = (min(max(1, page), last) - 1) * size
        rows = connection.execute(statement.limit(size).offset(offset)).all()
    return total, pd.DataFrame([tuple(r) for r in rows], columns=OPEN_PAIRING_COLUMNS)


def open_pairing_count(engine: Engine) -> int:
    """Active and paused pairings: the size of the problem the plan solves."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(Pairing)
                .where(Pairing.status.in_(MOVABLE_STATUSES))
            ).scalar_one()
        )

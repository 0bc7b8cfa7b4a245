"""Approving a cohort's proposals into ``proposed`` pairings, and withdrawing them.

Approving re-reads every rule a proposal relied on inside the writing
transaction (like accepting a rebalancing move): the mentee still waiting, the
mentor still signed up with a free slot, no reporting line, no earlier or open
pairing of the pair.  Anything that no longer holds refuses the whole
approval (:class:`~tandem.matching.cohort.MatchConflict`) and nothing is
written.  A ``proposed`` pairing can be withdrawn until it starts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.orm import Session

from tandem.access.scope import OutOfScope, Scope
from tandem.matching.cohort_model import KIND_OF_PROGRAM, MatchConflict, MatchRequestError, Proposal
from tandem.matching.write_checks import (
    existing_pair_status,
    in_one_reporting_line,
    mentor_load,
)
from tandem.program import audit
from tandem.program.db import connected, writer_transaction
from tandem.program.models import (
    OPEN_STATUSES,
    CheckIn,
    Cohort,
    Feedback,
    Flag,
    Milestone,
    Pairing,
    Participant,
    Person,
)

# --- Approving and withdrawing ---------------------------------------------------------


def _check_still_holds(session: Session, cohort_id: str, proposal: Proposal) -> None:
    """Every rule a proposal relied on, read again inside the writing transaction."""
    mentor = session.execute(
        select(Person).where(Person.person_id == proposal.mentor_id).with_for_update()
    ).scalar_one_or_none()
    if mentor is None:
        raise MatchConflict(f"mentor {proposal.mentor_id} no longer exists")
    if proposal.mentor_id == proposal.mentee_id:
        raise MatchConflict("nobody mentors themself")
    roles = dict(
        session.execute(
            select(Participant.person_id, Participant.role).where(
                Participant.cohort_id == cohort_id,
                Participant.person_id.in_([proposal.mentor_id, proposal.mentee_id]),
            )
        ).all()
    )
    if roles.get(proposal.mentee_id) not in ("mentee", "either"):
        raise MatchConflict(f"{proposal.mentee_id} is no longer signed up as a mentee")
    if roles.get(proposal.mentor_id) not in ("mentor", "either"):
        raise MatchConflict(f"{proposal.mentor_id} is no longer signed up as a mentor")
    taken = session.execute(
        select(func.count())
        .select_from(Pairing)
        .where(
            Pairing.cohort_id == cohort_id,
            Pairing.status.in_(OPEN_STATUSES),
            Pairing.mentee_id == proposal.mentee_id,
        )
    ).scalar_one()
    if taken:
        raise MatchConflict(f"{proposal.mentee_id} now has an open pairing in this cohort")
    load = mentor_load(session, proposal.mentor_id)
    if load >= mentor.max_mentees:
        raise MatchConflict(
            f"mentor {proposal.mentor_id} now has {load} mentees, capacity {mentor.max_mentees}"
        )
    if in_one_reporting_line(session, proposal.mentor_id, proposal.mentee_id):
        raise MatchConflict(
            f"{proposal.mentor_id} and {proposal.mentee_id} are now in the same reporting line"
        )
    existing = existing_pair_status(session, proposal.mentor_id, proposal.mentee_id)
    if existing is not None:
        raise MatchConflict(
            f"{proposal.mentor_id} and {proposal.mentee_id} already have a pairing ({existing})"
        )


def approve_proposals(
    engine: Engine,
    scope: Scope,
    cohort_id: str,
    proposals: Iterable[Proposal],
    actor: str,
    *,
    today: dt.date | None = None,
) -> list[str]:
    """Write the chosen proposals as ``proposed`` pairings, all or none, audited.

    Each proposal is checked again inside the transaction (the mentee still
    waiting, the mentor still signed up with a free slot, no reporting line,
    no earlier or open pairing of the pair): if any no longer holds,
    :class:`MatchConflict` says which and nothing is written.  Returns the new
    pairing ids.
    """
    today = today or dt.date.today()
    chosen = list(proposals)
    new_ids: list[str] = []
    with writer_transaction(engine) as session:
        cohort = session.get(Cohort, cohort_id)
        if cohort is None:
            raise MatchRequestError(f"there is no cohort {cohort_id!r}")
        if not scope.allows(cohort_id):
            raise OutOfScope("This cohort")
        kind = KIND_OF_PROGRAM.get(cohort.program_type, "traditional")
        start = max(today, cohort.start_date)
        end = cohort.end_date if cohort.end_date and cohort.end_date >= start else None
        for proposal in chosen:
            _check_still_holds(session, cohort_id, proposal)
            new = Pairing(
                pairing_id=f"mt-{uuid.uuid4().hex[:20]}",
                cohort_id=cohort_id,
                mentor_id=proposal.mentor_id,
                mentee_id=proposal.mentee_id,
                kind=kind,
                status="proposed",
                start_date=start,
                planned_end_date=end,
                ended_date=None,
                version=1,
            )
            session.add(new)
            session.flush()  # the next proposal's checks see this one
            audit.record_new_pairing(
                session,
                new,
                actor=actor,
                action="match.approve",
                score=proposal.score,
                pinned=proposal.pinned,
            )
            new_ids.append(new.pairing_id)
    return new_ids


def withdraw_proposal(
    engine: Engine, scope: Scope, pairing_id: str, version: int, actor: str
) -> None:
    """Take back a ``proposed`` pairing before it starts (it is deleted, audited).

    Refused with :class:`MatchConflict` when it changed since it was read
    (version), has started (no longer ``proposed``) or already holds records
    (milestones, check-ins, notes, flags): such a pairing is ended, not withdrawn.
    """
    with writer_transaction(engine) as session:
        pairing = session.get(Pairing, pairing_id)
        if pairing is None:
            raise MatchConflict(f"pairing {pairing_id} no longer exists")
        if not scope.allows(pairing.cohort_id):
            raise OutOfScope()
        if pairing.version != version or pairing.status != "proposed":
            raise MatchConflict(
                f"pairing {pairing_id} changed since it was read (now {pairing.status}, "
                f"version {pairing.version}); only a proposal that has not started is withdrawn"
            )
        for model in (Milestone, CheckIn, Feedback, Flag):
            held = session.execute(
                select(func.count()).select_from(model).where(model.pairing_id == pairing_id)
            ).scalar_one()
            if held:
                raise MatchConflict(
                    f"pairing {pairing_id} already has {model.__tablename__}; end it instead"
                )
        before = audit.pairing_row(pairing)
        session.execute(delete(Pairing).where(Pairing.pairing_id == pairing_id))
        audit.record(
            session,
            actor=actor,
            action="match.withdraw",
            entity="pairing",
            entity_id=pairing_id,
            before=before,
            after=None,
        )


def list_cohorts(bind: Engine | Connection | Session, scope: Scope) -> list[dict[str, Any]]:
    """Cohorts in scope with their sign-ups and how many wait: the page's cohort picker."""
    waiting = (
        select(Participant.cohort_id, func.count().label("sign_ups"))
        .group_by(Participant.cohort_id)
        .subquery()
    )
    statement = (
        select(Cohort.cohort_id, Cohort.name, Cohort.start_date, waiting.c.sign_ups)
        .join(waiting, waiting.c.cohort_id == Cohort.cohort_id)
        .where(scope.cohort_condition(Cohort.cohort_id))
        .order_by(Cohort.start_date.desc(), Cohort.cohort_id)
    )
    with connected(bind) as connection:
        return [dict(row._mapping) for row in connection.execute(statement)]


def open_proposals(
    bind: Engine | Connection | Session, scope: Scope, cohort_id: str
) -> list[dict[str, Any]]:
    """The cohort's ``proposed`` pairings (withdrawable), with their versions."""
    if not scope.allows(cohort_id):
        raise OutOfScope("This cohort")
    statement = (
        select(
            Pairing.pairing_id,
            Pairing.mentee_id,
            Pairing.mentor_id,
            Pairing.start_date,
            Pairing.version,
        )
        .where(Pairing.cohort_id == cohort_id, Pairing.status == "proposed")
        .order_by(Pairing.start_date, Pairing.pairing_id)
    )
    with connected(bind) as connection:
        return [dict(row._mapping) for row in connection.execute(statement)]

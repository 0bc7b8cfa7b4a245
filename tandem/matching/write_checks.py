"""The hard rules a write reads again inside its own transaction, shared by accepting a
rebalancing move and approving a cohort's proposals (each words its own refusal)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.matching.rules import LOAD_STATUSES
from tandem.program.models import CLOSED_STATUSES, Pairing
from tandem.program.people import managers_above


def mentor_load(session: Session, mentor_id: str) -> int:
    """The pairings that count against the mentor's capacity now, in any cohort."""
    return session.execute(
        select(func.count())
        .select_from(Pairing)
        .where(Pairing.mentor_id == mentor_id, Pairing.status.in_(LOAD_STATUSES))
    ).scalar_one()


def in_one_reporting_line(session: Session, mentor_id: str, mentee_id: str) -> bool:
    """Either of the two manages the other, directly or further up."""
    return mentor_id in managers_above(session, mentee_id) or (
        mentee_id in managers_above(session, mentor_id)
    )


def existing_pair_status(session: Session, mentor_id: str, mentee_id: str) -> str | None:
    """The status of a pairing these two already have (open, completed or ended), if any:
    a pair is never repeated or duplicated."""
    row = session.execute(
        select(Pairing.status).where(
            Pairing.mentor_id == mentor_id,
            Pairing.mentee_id == mentee_id,
            Pairing.status.in_(LOAD_STATUSES + CLOSED_STATUSES),
        )
    ).first()
    return None if row is None else str(row.status)

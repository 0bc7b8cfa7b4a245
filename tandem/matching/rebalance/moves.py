"""Acting on a suggestion: accept (end the pairing, propose the new one) or decline.

Each is one audited transaction that forgets the stored plan; an accept first
checks that nothing it relied on changed since the suggestion was made.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tandem.access.scope import OutOfScope, Scope
from tandem.matching.rebalance.model import MOVABLE_STATUSES, Suggestion, SuggestionConflict
from tandem.matching.rebalance.settings import forget_stored_plan, update_rebalance_settings
from tandem.matching.write_checks import (
    existing_pair_status,
    in_one_reporting_line,
    mentor_load,
)
from tandem.program import audit
from tandem.program.db import transaction
from tandem.program.models import (
    Pairing,
    Person,
)


def _check_target(session: Session, s: Suggestion, mentor: Person) -> None:
    """Refuse (``SuggestionConflict``) when the target mentor can no longer take the mentee:
    capacity, or a hard rule that applies now.  Runs after the old pairing has ended."""
    load = mentor_load(session, s.suggested_mentor_id)
    if load >= mentor.max_mentees:
        raise SuggestionConflict(
            f"mentor {s.suggested_mentor_id} now has {load} mentees, capacity {mentor.max_mentees}"
        )
    if s.suggested_mentor_id == s.mentee_id:
        raise SuggestionConflict("nobody mentors themself")
    if in_one_reporting_line(session, s.suggested_mentor_id, s.mentee_id):
        raise SuggestionConflict("mentor and mentee are now in the same reporting line")
    existing = existing_pair_status(session, s.suggested_mentor_id, s.mentee_id)
    if existing is not None:
        raise SuggestionConflict(f"this mentor and mentee already have a pairing ({existing})")


def _end_old(session: Session, s: Suggestion, old: Pairing, today: dt.date) -> None:
    """End the pairing, only if it is still as the suggestion saw it."""
    ended = session.execute(
        update(Pairing)
        .where(
            Pairing.pairing_id == s.pairing_id,
            Pairing.version == s.pairing_version,
            Pairing.status == s.pairing_status,
            Pairing.mentor_id == s.current_mentor_id,
            Pairing.mentee_id == s.mentee_id,
        )
        .values(
            status="ended",
            ended_date=max(today, old.start_date),
            version=Pairing.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:  # type: ignore[attr-defined]
        raise SuggestionConflict(
            f"pairing {s.pairing_id} changed since the suggestion was made "
            f"(now {old.status}, version {old.version}; the suggestion saw "
            f"{s.pairing_status}, version {s.pairing_version})"
        )


def _audit_accept(
    session: Session,
    s: Suggestion,
    actor: str,
    before: dict[str, Any],
    new: Pairing,
    today: dt.date,
) -> None:
    """The two audit rows of an accept: the pairing ended, the new one proposed."""
    after_end = {**before, "status": "ended", "ended_date": max(today, before["start_date"])}
    after_end["version"] = s.pairing_version + 1
    audit.record(
        session,
        actor=actor,
        action="rebalance.accept.end",
        entity="pairing",
        entity_id=s.pairing_id,
        before=before,
        after={**after_end, "replaced_by": new.pairing_id},
    )
    audit.record_new_pairing(
        session,
        new,
        actor=actor,
        action="rebalance.accept.propose",
        replaces=s.pairing_id,
        score=s.suggested_score,
        previous_score=s.current_score,
        reasons=list(s.reasons),
    )


def accept_suggestion(
    engine: Engine,
    scope: Scope,
    suggestion: Suggestion,
    actor: str,
    *,
    today: dt.date | None = None,
) -> str:
    """End the old pairing and propose the new one, in one audited transaction.

    Returns the new pairing's id.  Raises :class:`SuggestionConflict` (and
    writes nothing) when the pairing changed since the suggestion was made
    (version, status or mentor), or when the target mentor can no longer take
    the mentee (capacity, or a hard rule that now applies); ``OutOfScope`` when
    the pairing lies outside ``scope``.
    """
    today = today or dt.date.today()
    s = suggestion
    with transaction(engine) as session:
        # A plan stored by the refresh no longer holds once this commits.
        forget_stored_plan(session)
        # Lock the target mentor first: concurrent accepts for the same mentor
        # then re-check capacity one after the other (PostgreSQL; SQLite
        # serialises writers anyway).
        mentor = session.execute(
            select(Person).where(Person.person_id == s.suggested_mentor_id).with_for_update()
        ).scalar_one_or_none()
        if mentor is None:
            raise SuggestionConflict(f"mentor {s.suggested_mentor_id} no longer exists")
        old = session.get(Pairing, s.pairing_id)
        if old is None:
            raise SuggestionConflict(f"pairing {s.pairing_id} no longer exists")
        if not scope.allows(old.cohort_id):
            raise OutOfScope()
        before = audit.pairing_row(old)
        _end_old(session, s, old, today)
        _check_target(session, s, mentor)
        new_id = f"rb-{uuid.uuid4().hex[:20]}"
        new = Pairing(
            pairing_id=new_id,
            cohort_id=old.cohort_id,
            mentor_id=s.suggested_mentor_id,
            mentee_id=s.mentee_id,
            kind=old.kind,
            status="proposed",
            start_date=today,
            planned_end_date=None,
            ended_date=None,
            cadence_days=old.cadence_days,
            objective=old.objective,
            version=1,
        )
        session.add(new)
        _audit_accept(session, s, actor, before, new, today)
    return new_id


def decline_suggestion(
    engine: Engine,
    scope: Scope,
    suggestion: Suggestion,
    actor: str,
    *,
    today: dt.date | None = None,
) -> None:
    """Record that a lead declined this move; it will not be suggested again.

    The (pairing, mentor) pair is remembered under settings["rebalance"]
    ["declined"]; entries for pairings that are no longer open are dropped on
    the way, so the list stays as long as the open pairings.
    """
    today = today or dt.date.today()
    s = suggestion

    with transaction(engine) as session:
        scope.require_pairing(session, s.pairing_id)
        open_ids = set(
            session.execute(
                select(Pairing.pairing_id).where(Pairing.status.in_(MOVABLE_STATUSES))
            ).scalars()
        )

        def change(value: dict[str, Any]) -> dict[str, Any]:
            kept = [d for d in value["declined"] if d["pairing_id"] in open_ids]
            if not any(
                d["pairing_id"] == s.pairing_id and d["mentor_id"] == s.suggested_mentor_id
                for d in kept
            ):
                kept.append(
                    {
                        "pairing_id": s.pairing_id,
                        "mentor_id": s.suggested_mentor_id,
                        "on": today.isoformat(),
                        "by": actor,
                    }
                )
            value["declined"] = kept
            return value

        update_rebalance_settings(
            session,
            change,
            actor=actor,
            action="rebalance.decline",
            entity_id=s.pairing_id,
            detail={
                "declined_mentor_id": s.suggested_mentor_id,
                "current_mentor_id": s.current_mentor_id,
                "mentee_id": s.mentee_id,
                "suggested_score": s.suggested_score,
                "current_score": s.current_score,
            },
        )

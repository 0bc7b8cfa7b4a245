"""The audit log: every write says who, when, what, and before → after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.program.models import AuditEntry, Pairing, utcnow


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit row to the caller's transaction (it commits or rolls back with it)."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
    session.add(entry)
    return entry


def pairing_row(pairing: Pairing) -> dict[str, Any]:
    """What an audit row says of a pairing it writes (before or after)."""
    return {
        "pairing_id": pairing.pairing_id,
        "cohort_id": pairing.cohort_id,
        "mentor_id": pairing.mentor_id,
        "mentee_id": pairing.mentee_id,
        "kind": pairing.kind,
        "status": pairing.status,
        "start_date": pairing.start_date,
        "ended_date": pairing.ended_date,
        "cadence_days": pairing.cadence_days,
        "version": pairing.version,
    }


def record_new_pairing(
    session: Session, pairing: Pairing, *, actor: str, action: str, **why: Any
) -> AuditEntry:
    """The audit row of a pairing just written: all of it, and ``why`` (score, what it
    replaces …) beside it."""
    return record(
        session,
        actor=actor,
        action=action,
        entity="pairing",
        entity_id=pairing.pairing_id,
        before=None,
        after={**pairing_row(pairing), **why},
    )

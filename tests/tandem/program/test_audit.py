"""The audit log: who, when, what, before and after, in the caller's transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from tandem.program import audit
from tandem.program.db import transaction
from tandem.program.models import AuditEntry, Pairing
from tests.factories import small_program


def test_record_stores_json_ready_values_and_rolls_back_with_the_write(engine: Engine) -> None:
    with transaction(engine) as session:
        audit.record(
            session,
            actor="lead@example.com",
            action="update",
            entity="flag",
            entity_id="f1",
            before={"due": dt.date(2026, 1, 2), "tags": ("a", "b")},
            after={"at": dt.datetime(2026, 1, 2, 3, 4), "why": {7: [dt.date(2026, 2, 1)]}},
        )
    with pytest.raises(RuntimeError), transaction(engine) as session:
        audit.record(session, actor="x", action="update", entity="flag")
        raise RuntimeError("the write failed")
    with transaction(engine) as session:
        (entry,) = session.scalars(select(AuditEntry)).all()
        assert (entry.actor, entry.action, entry.entity, entry.entity_id) == (
            "lead@example.com",
            "update",
            "flag",
            "f1",
        )
        assert entry.before == {"due": "2026-01-02", "tags": ["a", "b"]}
        assert entry.after == {"at": "2026-01-02T03:04:00", "why": {"7": ["2026-02-01"]}}
        assert entry.at is not None


def test_a_new_pairing_is_recorded_whole_with_why(engine: Engine) -> None:
    small_program(engine)
    with transaction(engine) as session:
        pairing = session.get(Pairing, "x1")
        assert pairing is not None
        entry = audit.record_new_pairing(session, pairing, actor="cli", action="match", score=0.8)
        assert entry.before is None
        assert entry.after is not None
        assert entry.after["pairing_id"] == "x1" and entry.after["score"] == 0.8
        assert entry.after["start_date"] == pairing.start_date.isoformat()
        assert set(audit.pairing_row(pairing)) <= set(entry.after)

"""Approving a cohort's proposals and withdrawing them (``tandem.matching.cohort_approve``):
written all or none, checked again inside the transaction, audited, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from tandem.access import EVERYTHING, OutOfScope, Scope
from tandem.matching.cohort import match_cohort
from tandem.matching.cohort_approve import approve_proposals, withdraw_proposal
from tandem.matching.cohort_model import MatchConflict, MatchRequestError
from tandem.program.models import AuditEntry, Pairing
from tests.tandem.matching.pilot import TABLES, load_pilot


def test_approve_writes_proposed_pairings_audited_and_withdraw_reverses(engine: Engine) -> None:
    load_pilot(engine)
    match = match_cohort(engine, EVERYTHING, "pilot")
    ids = approve_proposals(
        engine, EVERYTHING, "pilot", match.proposals, "lead@x", today=dt.date(2026, 2, 1)
    )
    with engine.connect() as connection:
        row = connection.execute(select(Pairing).where(Pairing.pairing_id == ids[0])).one()
        audits = connection.execute(
            select(AuditEntry.action, AuditEntry.actor).where(AuditEntry.entity_id == ids[0])
        ).all()
    assert (row.mentor_id, row.mentee_id, row.status, row.start_date) == (
        "boss",
        "other",
        "proposed",
        dt.date(2026, 2, 1),
    )
    assert audits == [("match.approve", "lead@x")]
    # The same proposal again: the mentee is no longer waiting; nothing is written.
    with pytest.raises(MatchConflict, match="open pairing"):
        approve_proposals(engine, EVERYTHING, "pilot", match.proposals, "lead@x")
    assert match_cohort(engine, EVERYTHING, "pilot").proposals == []
    with pytest.raises(MatchConflict, match="changed"):
        withdraw_proposal(engine, EVERYTHING, ids[0], 2, "lead@x")
    withdraw_proposal(engine, EVERYTHING, ids[0], 1, "lead@x")
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Pairing)).scalar_one()
    assert count == 1  # only the old pairing is left
    assert [p.mentee_id for p in match_cohort(engine, EVERYTHING, "pilot").proposals] == ["other"]


def test_a_stale_proposal_writes_nothing(engine: Engine) -> None:
    load_pilot(engine)
    match = match_cohort(engine, EVERYTHING, "pilot")
    with engine.begin() as connection:
        connection.execute(
            TABLES["people"].update().where(TABLES["people"].c.person_id == "boss"),
            {"max_mentees": 0},
        )
    with pytest.raises(MatchConflict, match="capacity"):
        approve_proposals(engine, EVERYTHING, "pilot", match.proposals, "lead@x")
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Pairing)).scalar_one() == 1


def test_a_lead_outside_the_cohort_is_refused(engine: Engine) -> None:
    load_pilot(engine)
    match = match_cohort(engine, EVERYTHING, "pilot")
    with pytest.raises(OutOfScope):
        approve_proposals(engine, Scope(cohorts=("x",)), "pilot", match.proposals, "lead")
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Pairing)).scalar_one() == 1


def test_an_unknown_cohort_is_a_request_error(engine: Engine) -> None:
    load_pilot(engine)
    with pytest.raises(MatchRequestError, match="no cohort"):
        approve_proposals(engine, EVERYTHING, "nope", [], "lead")


def test_a_proposal_with_records_is_ended_not_withdrawn(engine: Engine) -> None:
    load_pilot(engine)
    match = match_cohort(engine, EVERYTHING, "pilot")
    (new_id,) = approve_proposals(engine, EVERYTHING, "pilot", match.proposals, "lead")
    with engine.begin() as connection:
        connection.execute(
            TABLES["milestones"]
            .insert()
            .values(
                milestone_id="ms1", pairing_id=new_id, title="First", due_date=dt.date(2026, 3, 1)
            )
        )
    with pytest.raises(MatchConflict, match="end it instead"):
        withdraw_proposal(engine, EVERYTHING, new_id, 1, "lead")
    with pytest.raises(OutOfScope):
        withdraw_proposal(engine, Scope(cohorts=("x",)), new_id, 1, "lead")
    with engine.connect() as connection:
        assert (
            connection.execute(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == new_id)
            ).scalar_one()
            == 1
        )  # the approval only

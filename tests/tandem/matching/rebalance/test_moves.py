"""Accepting and declining a suggestion: one audited transaction, refused when stale."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select, text

from tandem.access import EVERYTHING
from tandem.matching import (
    SuggestionConflict,
    accept_suggestion,
    compute_rebalance,
    decline_suggestion,
    load_rebalance_settings,
)
from tandem.program.bulk import upsert
from tandem.program.models import AuditEntry, Pairing, Person
from tests.tandem.matching.rebalance.programs import (
    TABLES,
    TODAY,
    pairing,
)


def count_rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        pairings = connection.execute(select(func.count()).select_from(Pairing)).scalar_one()
        audits = connection.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    return pairings, audits


def test_accept_ends_one_pairing_and_proposes_one_then_refuses_a_stale_repeat(
    program: Engine,
) -> None:
    plan = compute_rebalance(program)
    suggestion = next(s for s in plan.suggestions if s.pairing_id == "line")
    pairings_before, audits_before = count_rows(program)

    new_id = accept_suggestion(
        program, EVERYTHING, suggestion, actor="lead@example.com", today=TODAY
    )

    with program.connect() as connection:
        old = connection.execute(select(Pairing).where(Pairing.pairing_id == "line")).one()
        new = connection.execute(select(Pairing).where(Pairing.pairing_id == new_id)).one()
        audits = connection.execute(
            select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.actor)
            .where(AuditEntry.id > audits_before)
            .order_by(AuditEntry.id)
        ).all()
    assert (old.status, old.ended_date, old.version) == ("ended", TODAY, 2)
    assert (new.status, new.mentor_id, new.mentee_id) == (
        "proposed",
        suggestion.suggested_mentor_id,
        "dir",
    )
    assert (new.kind, new.cadence_days, new.cohort_id, new.start_date) == (
        "traditional",
        21,
        None,
        TODAY,
    )
    assert count_rows(program) == (pairings_before + 1, audits_before + 2)
    assert [a.action for a in audits] == ["rebalance.accept.end", "rebalance.accept.propose"]
    assert {a.entity_id for a in audits} == {"line", new_id}
    assert all(a.actor == "lead@example.com" for a in audits)

    with pytest.raises(SuggestionConflict, match="changed since"):
        accept_suggestion(program, EVERYTHING, suggestion, actor="lead@example.com", today=TODAY)
    assert count_rows(program) == (pairings_before + 1, audits_before + 2)


def test_accept_refuses_when_the_target_mentor_filled_up_meanwhile(program: Engine) -> None:
    plan = compute_rebalance(program)
    suggestion = next(s for s in plan.suggestions if s.pairing_id == "line")
    target = suggestion.suggested_mentor_id
    with program.begin() as connection:
        capacity = connection.execute(
            select(Person.max_mentees).where(Person.person_id == target)
        ).scalar_one()
        upsert(
            connection,
            TABLES["pairings"],
            [pairing(f"fill{i}", target, f"e{i + 1}", status="proposed") for i in range(capacity)],
        )
    before = count_rows(program)
    with pytest.raises(SuggestionConflict, match="capacity"):
        accept_suggestion(program, EVERYTHING, suggestion, actor="lead", today=TODAY)
    assert count_rows(program) == before
    with program.connect() as connection:
        status, version = connection.execute(
            text("SELECT status, version FROM pairings WHERE pairing_id = 'line'")
        ).one()
    assert (status, version) == ("active", 1)  # rolled back whole


def test_declined_suggestions_are_not_proposed_again(program: Engine) -> None:
    first = {s.pairing_id: s for s in compute_rebalance(program).suggestions}["line"]
    decline_suggestion(program, EVERYTHING, first, actor="lead", today=TODAY)
    again = {s.pairing_id: s for s in compute_rebalance(program).suggestions}
    assert again["line"].suggested_mentor_id != first.suggested_mentor_id
    with program.connect() as connection:
        actions = connection.execute(select(AuditEntry.action)).scalars().all()
    assert "rebalance.decline" in actions
    assert load_rebalance_settings(program)["declined"][0]["mentor_id"] == first.suggested_mentor_id

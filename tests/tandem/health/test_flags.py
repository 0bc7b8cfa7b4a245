"""Flags: workflow, audit trail, bad input, double submits and concurrent edits."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tandem.access import EVERYTHING
from tandem.health import flags as flags_module
from tandem.health.flags import (
    MAX_TEXT,
    FlagError,
    StaleFlagError,
    flag_history,
    get_flag,
    open_flags,
    raise_flag,
    update_flag,
)
from tandem.program.bulk import upsert
from tandem.program.models import AuditEntry, Flag, Pairing, Person, utcnow


@pytest.fixture
def pairings(engine: Engine) -> Engine:
    with engine.begin() as connection:
        upsert(
            connection,
            Person.__table__,  # type: ignore[arg-type]
            [
                {
                    "person_id": p,
                    "name": p,
                    "level": 3,
                    "division": "X",
                    "geography": "EU",
                    "max_mentees": 2,
                }
                for p in ("a", "b", "c")
            ],
        )
        upsert(
            connection,
            Pairing.__table__,  # type: ignore[arg-type]
            [
                {
                    "pairing_id": pid,
                    "mentor_id": "a",
                    "mentee_id": mentee,
                    "status": "active",
                    "start_date": dt.date(2025, 1, 1),
                    "kind": "traditional",
                    "cadence_days": 30,
                }
                for pid, mentee in (("p1", "b"), ("p2", "c"))
            ],
        )
    return engine


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _flag_audits(engine: Engine, flag_id: str, action: str | None = None) -> int:
    query = select(func.count()).where(AuditEntry.entity == "flag", AuditEntry.entity_id == flag_id)
    if action:
        query = query.where(AuditEntry.action == action)
    with Session(engine) as session:
        return session.scalar(query) or 0


def test_raise_flag_writes_flag_and_audit(pairings: Engine) -> None:
    flag = raise_flag(pairings, EVERYTHING, "p1", "no_contact", "  silent since May  ", "lead@x")
    assert flag.flag_id.startswith("F-")
    assert (flag.status, flag.version, flag.note, flag.owner) == (
        "open",
        1,
        "silent since May",
        None,
    )
    stored = get_flag(pairings, flag.flag_id)
    assert stored is not None and stored.raised_by == "lead@x"
    history = flag_history(pairings, flag.flag_id)
    assert [h["action"] for h in history] == ["flag.raise"]
    assert history[0]["before"] is None and history[0]["after"]["status"] == "open"


def test_note_is_optional_and_limited(pairings: Engine) -> None:
    assert raise_flag(pairings, EVERYTHING, "p1", "other", "", "lead").note is None
    assert (
        raise_flag(pairings, EVERYTHING, "p1", "conduct", "x" * MAX_TEXT, "lead").note
        == "x" * MAX_TEXT
    )
    with pytest.raises(FlagError, match="10,001 characters long; the limit is 10,000"):
        raise_flag(pairings, EVERYTHING, "p1", "capacity", "x" * (MAX_TEXT + 1), "lead")
    assert _count(pairings, Flag) == 2


@pytest.mark.parametrize(
    ("pairing_id", "reason", "raised_by", "message"),
    [
        ("gone", "no_contact", "lead", "pairing 'gone' does not exist"),
        ("p1", "bored", "lead", "unknown reason 'bored'"),
        ("p1", "no_contact", "  ", "who raises the flag must be given"),
    ],
)
def test_raise_refuses_bad_input_and_writes_nothing(
    pairings: Engine, pairing_id: str, reason: str, raised_by: str, message: str
) -> None:
    with pytest.raises(FlagError, match=message):
        raise_flag(pairings, EVERYTHING, pairing_id, reason, "note", raised_by)
    assert _count(pairings, Flag) == 0
    assert _count(pairings, AuditEntry) == 0


def test_double_submit_with_request_id_returns_the_same_flag(pairings: Engine) -> None:
    first = raise_flag(pairings, EVERYTHING, "p1", "low_ratings", "a", "lead", request_id="req-1")
    # a later click of the same form, even after a status change, is still the same request
    update_flag(
        pairings, EVERYTHING, first.flag_id, expected_version=1, actor="lead", status="in_progress"
    )
    again = raise_flag(pairings, EVERYTHING, "p1", "low_ratings", "a", "lead", request_id="req-1")
    assert again.flag_id == first.flag_id
    assert _count(pairings, Flag) == 1
    assert _flag_audits(pairings, first.flag_id, "flag.raise") == 1
    with pytest.raises(FlagError, match="another pairing"):
        raise_flag(pairings, EVERYTHING, "p2", "low_ratings", "a", "lead", request_id="req-1")


def test_identical_flag_within_a_minute_is_not_duplicated(pairings: Engine) -> None:
    first = raise_flag(pairings, EVERYTHING, "p1", "mismatch", "styles clash", "lead")
    second = raise_flag(pairings, EVERYTHING, "p1", "mismatch", "styles clash ", "other lead")
    assert second.flag_id == first.flag_id
    different = raise_flag(pairings, EVERYTHING, "p1", "mismatch", "another note", "lead")
    assert different.flag_id != first.flag_id
    # an identical flag raised more than a minute ago is a new concern
    with Session(pairings) as session, session.begin():
        session.get_one(Flag, first.flag_id).raised_at = utcnow() - dt.timedelta(minutes=5)
    third = raise_flag(pairings, EVERYTHING, "p1", "mismatch", "styles clash", "lead")
    assert third.flag_id not in (first.flag_id, different.flag_id)
    assert _count(pairings, Flag) == 3


def test_generated_ids_do_not_collide_with_imported_ones(
    pairings: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = uuid.UUID("0123456789abcdef0123456789abcdef")
    free = uuid.UUID("fedcba9876543210fedcba9876543210")
    with pairings.begin() as connection:
        upsert(
            connection,
            Flag.__table__,  # type: ignore[arg-type]
            [
                {
                    "flag_id": "F-" + taken.hex[:10].upper(),
                    "pairing_id": "p1",
                    "raised_by": "import",
                    "raised_at": dt.datetime(2025, 1, 1),
                    "reason": "other",
                    "status": "open",
                }
            ],
        )
    sequence = iter([taken, free])
    monkeypatch.setattr(flags_module.uuid, "uuid4", lambda: next(sequence))
    flag = raise_flag(pairings, EVERYTHING, "p2", "other", None, "lead")
    assert flag.flag_id == "F-" + free.hex[:10].upper()
    assert _count(pairings, Flag) == 2


def test_workflow_to_resolved_and_reopened(pairings: Engine) -> None:
    flag = raise_flag(pairings, EVERYTHING, "p1", "missed_milestones", None, "lead")
    flag = update_flag(
        pairings,
        EVERYTHING,
        flag.flag_id,
        expected_version=1,
        actor="ana",
        status="in_progress",
        owner="ana",
    )
    assert (flag.status, flag.owner, flag.version) == ("in_progress", "ana", 2)
    with pytest.raises(FlagError, match="resolution note is required"):
        update_flag(
            pairings, EVERYTHING, flag.flag_id, expected_version=2, actor="ana", status="resolved"
        )
    with pytest.raises(FlagError, match="resolution note is required"):
        update_flag(
            pairings,
            EVERYTHING,
            flag.flag_id,
            expected_version=2,
            actor="ana",
            status="resolved",
            resolution=" ",
        )
    with pytest.raises(FlagError, match="only be given when the flag is resolved"):
        update_flag(
            pairings, EVERYTHING, flag.flag_id, expected_version=2, actor="ana", resolution="done"
        )
    flag = update_flag(
        pairings,
        EVERYTHING,
        flag.flag_id,
        expected_version=2,
        actor="ana",
        status="resolved",
        resolution="agreed new dates",
    )
    assert flag.status == "resolved" and flag.resolution == "agreed new dates"
    assert flag.resolved_at is not None and flag.version == 3
    with pytest.raises(FlagError, match="cannot go from resolved to in_progress"):
        update_flag(
            pairings,
            EVERYTHING,
            flag.flag_id,
            expected_version=3,
            actor="ana",
            status="in_progress",
        )
    flag = update_flag(
        pairings, EVERYTHING, flag.flag_id, expected_version=3, actor="ben", status="open"
    )
    assert (flag.status, flag.resolution, flag.resolved_at, flag.version) == ("open", None, None, 4)
    history = flag_history(pairings, flag.flag_id)
    assert [h["actor"] for h in history] == ["lead", "ana", "ana", "ben"]
    assert history[2]["before"]["status"] == "in_progress"
    assert history[2]["after"]["status"] == "resolved"
    assert history[3]["before"]["resolution"] == "agreed new dates"
    assert open_flags(pairings, ["p1"])[0].flag_id == flag.flag_id


def test_update_refuses_bad_input(pairings: Engine) -> None:
    flag = raise_flag(pairings, EVERYTHING, "p1", "other", None, "lead")
    with pytest.raises(FlagError, match="does not exist"):
        update_flag(
            pairings, EVERYTHING, "F-NOPE", expected_version=1, actor="x", status="in_progress"
        )
    with pytest.raises(FlagError, match="unknown status 'closed'"):
        update_flag(
            pairings, EVERYTHING, flag.flag_id, expected_version=1, actor="x", status="closed"
        )
    with pytest.raises(FlagError, match="limit is 10,000"):
        update_flag(
            pairings, EVERYTHING, flag.flag_id, expected_version=1, actor="x", note="y" * 10_001
        )
    current = get_flag(pairings, flag.flag_id)
    assert current is not None and current.version == 1 and current.note is None
    assert _flag_audits(pairings, flag.flag_id) == 1


def test_stale_update_is_refused_with_the_current_state(pairings: Engine) -> None:
    flag = raise_flag(pairings, EVERYTHING, "p1", "capacity", None, "lead")
    update_flag(
        pairings, EVERYTHING, flag.flag_id, expected_version=1, actor="ana", note="ana's note"
    )
    with pytest.raises(StaleFlagError) as caught:
        update_flag(
            pairings, EVERYTHING, flag.flag_id, expected_version=1, actor="ben", owner="ben"
        )
    assert caught.value.current.version == 2
    assert caught.value.current.note == "ana's note"
    assert "changed by ana" in str(caught.value) and "not saved" in str(caught.value)
    current = get_flag(pairings, flag.flag_id)
    assert current is not None and current.owner is None and current.note == "ana's note"


def test_update_without_changes_writes_nothing(pairings: Engine) -> None:
    flag = raise_flag(pairings, EVERYTHING, "p1", "capacity", "n", "lead")
    same = update_flag(
        pairings, EVERYTHING, flag.flag_id, expected_version=1, actor="ana", note="n"
    )
    assert same.version == 1
    assert _flag_audits(pairings, flag.flag_id) == 1


def test_open_flags_lists_unresolved(pairings: Engine) -> None:
    a = raise_flag(pairings, EVERYTHING, "p1", "other", "a", "lead")
    b = raise_flag(pairings, EVERYTHING, "p2", "other", "b", "lead")
    update_flag(
        pairings,
        EVERYTHING,
        a.flag_id,
        expected_version=1,
        actor="l",
        status="resolved",
        resolution="r",
    )
    assert [f.flag_id for f in open_flags(pairings)] == [b.flag_id]
    assert open_flags(pairings, ["p1"]) == []
    assert open_flags(pairings, []) == []


def _edit(
    engine: Engine, flag_id: str, who: str, gate: threading.Barrier, outcomes: dict[str, object]
) -> None:
    gate.wait()
    try:
        outcomes[who] = update_flag(
            engine, EVERYTHING, flag_id, expected_version=1, actor=who, note=f"{who} was here"
        )
    except Exception as error:  # collected and asserted by the test
        outcomes[who] = error


def test_concurrent_edits_exactly_one_wins(pairings: Engine) -> None:
    for round_number in range(5):
        flag = raise_flag(pairings, EVERYTHING, "p1", "other", f"round {round_number}", "lead")
        barrier = threading.Barrier(2)
        outcomes: dict[str, object] = {}
        threads = [
            threading.Thread(target=_edit, args=(pairings, flag.flag_id, who, barrier, outcomes))
            for who in ("ana", "ben")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        winners = [who for who, result in outcomes.items() if isinstance(result, Flag)]
        losers = [r for r in outcomes.values() if isinstance(r, StaleFlagError)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        current = get_flag(pairings, flag.flag_id)
        assert current is not None
        assert current.version == 2 and current.note == f"{winners[0]} was here"
        assert _flag_audits(pairings, flag.flag_id, "flag.update") == 1


def test_write_between_read_and_update_is_caught_by_the_version_guard(
    pairings: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic race: ana saves after ben's read but before ben's guarded UPDATE."""
    flag = raise_flag(pairings, EVERYTHING, "p1", "other", None, "lead")
    original_load = flags_module._load
    calls: list[str] = []

    def load_then_let_ana_save(session: Session, flag_id: str) -> Flag | None:
        current = original_load(session, flag_id)
        calls.append(flag_id)
        if len(calls) == 1:  # only ben's first read; ana's own reads pass through
            update_flag(pairings, EVERYTHING, flag_id, expected_version=1, actor="ana", owner="ana")
        return current

    monkeypatch.setattr(flags_module, "_load", load_then_let_ana_save)
    with pytest.raises(StaleFlagError) as caught:
        update_flag(
            pairings, EVERYTHING, flag.flag_id, expected_version=1, actor="ben", owner="ben"
        )
    assert caught.value.current.owner == "ana" and caught.value.current.version == 2
    assert "changed by ana" in str(caught.value)
    monkeypatch.undo()
    current = get_flag(pairings, flag.flag_id)
    assert current is not None and current.owner == "ana"
    assert _flag_audits(pairings, flag.flag_id, "flag.update") == 1


def _raise(
    engine: Engine, gate: threading.Barrier, outcomes: list[object], request_id: str
) -> None:
    gate.wait()
    try:
        outcomes.append(
            raise_flag(engine, EVERYTHING, "p2", "conduct", "x", "lead", request_id=request_id)
        )
    except Exception as error:  # collected and asserted by the test
        outcomes.append(error)


def test_concurrent_double_submit_creates_one_flag(pairings: Engine) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    threads = [
        threading.Thread(target=_raise, args=(pairings, barrier, outcomes, "req-42"))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(isinstance(result, Flag) for result in outcomes), outcomes
    assert len({result.flag_id for result in outcomes}) == 1  # type: ignore[union-attr]
    assert _count(pairings, Flag) == 1
    assert _count(pairings, AuditEntry) == 1

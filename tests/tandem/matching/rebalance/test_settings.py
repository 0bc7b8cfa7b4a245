"""A lead's choices about the plan, settings["rebalance"] (``tandem.matching.rebalance.settings``):
the defaults, values refused with a clear message (on save and on read), pins and excludes
stored and audited, and a change that forgets the stored plan only when it commits.

(That the plan honours pins, excludes and declined moves is tested in ``test_plan.py`` and
``test_moves.py``; that every such write forgets the stored plan, in ``test_store.py``; a
lead's scope, in ``tests/tandem/access/test_scope.py``.)
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from tandem.access import EVERYTHING
from tandem.matching.rebalance.settings import (
    DEFAULT_REBALANCE,
    REBALANCE_KEY,
    load_rebalance_settings,
    set_excluded,
    set_pinned,
    update_rebalance_settings,
)
from tandem.matching.rebalance.store import refresh_rebalance_plan
from tandem.program import rollups
from tandem.program.db import transaction
from tandem.program.derived_tables import StoredRebalancePlan
from tandem.program.models import AuditEntry, Setting
from tandem.program.settings import SettingsError, put_setting

LEAD = "lead@example.com"


def _audit(engine: Engine) -> list[tuple[str, str, str | None, dict | None, dict | None]]:
    """Every audit row: (actor, action, entity_id, before, after), oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                AuditEntry.actor,
                AuditEntry.action,
                AuditEntry.entity_id,
                AuditEntry.before,
                AuditEntry.after,
            ).order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows]


def _stored_row(engine: Engine) -> tuple[dict, str] | None:
    """The settings row as written (value, who wrote it), or None."""
    with engine.connect() as connection:
        row = connection.execute(
            select(Setting.value, Setting.updated_by).where(Setting.key == REBALANCE_KEY)
        ).one_or_none()
    return None if row is None else (row[0], row[1])


def _write_raw(engine: Engine, value: dict[str, Any]) -> None:
    """Store ``value`` behind the validator's back (an older version, a hand edit)."""
    with transaction(engine) as session:
        session.add(Setting(key=REBALANCE_KEY, value=value))


def _plan_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(StoredRebalancePlan))
        return int(count.scalar_one())


def test_nothing_stored_means_no_pins_excludes_or_declines(engine: Engine) -> None:
    assert load_rebalance_settings(engine) == {"pins": [], "excludes": [], "declined": []}
    assert DEFAULT_REBALANCE == {"pins": [], "excludes": [], "declined": []}
    assert _stored_row(engine) is None


def test_pins_are_stored_sorted_once_each_and_every_change_is_audited(program: Engine) -> None:
    set_pinned(program, EVERYTHING, "line", LEAD)
    set_pinned(program, EVERYTHING, "b1", LEAD)
    set_pinned(program, EVERYTHING, "line", LEAD)  # already pinned: stays once
    assert load_rebalance_settings(program)["pins"] == ["b1", "line"]
    set_pinned(program, EVERYTHING, "line", "other@example.com", pinned=False)
    settings = load_rebalance_settings(program)
    assert settings == {"pins": ["b1"], "excludes": [], "declined": []}
    assert _stored_row(program) == (settings, "other@example.com")

    none: list[str] = []
    assert _audit(program) == [
        (
            LEAD,
            "rebalance.pin",
            "line",
            {"pins": none, "excludes": none},
            {"pins": ["line"], "excludes": none},
        ),
        (
            LEAD,
            "rebalance.pin",
            "b1",
            {"pins": ["line"], "excludes": none},
            {"pins": ["b1", "line"], "excludes": none},
        ),
        (
            LEAD,
            "rebalance.pin",
            "line",
            {"pins": ["b1", "line"], "excludes": none},
            {"pins": ["b1", "line"], "excludes": none},
        ),
        (
            "other@example.com",
            "rebalance.unpin",
            "line",
            {"pins": ["b1", "line"], "excludes": none},
            {"pins": ["b1"], "excludes": none},
        ),
    ]


def test_excludes_are_stored_beside_the_pins_and_audited(program: Engine) -> None:
    set_pinned(program, EVERYTHING, "line", LEAD)
    set_excluded(program, EVERYTHING, "b2", LEAD)
    set_excluded(program, EVERYTHING, "b1", LEAD)
    assert load_rebalance_settings(program) == {
        "pins": ["line"],
        "excludes": ["b1", "b2"],
        "declined": [],
    }
    set_excluded(program, EVERYTHING, "b2", LEAD, excluded=False)
    set_excluded(program, EVERYTHING, "b2", LEAD, excluded=False)  # not excluded: no change
    assert load_rebalance_settings(program)["excludes"] == ["b1"]
    assert load_rebalance_settings(program)["pins"] == ["line"]
    actions = [(action, entity_id) for _, action, entity_id, _, _ in _audit(program)]
    assert actions == [
        ("rebalance.pin", "line"),
        ("rebalance.exclude", "b2"),
        ("rebalance.exclude", "b1"),
        ("rebalance.include", "b2"),
        ("rebalance.include", "b2"),
    ]
    last_before, last_after = _audit(program)[-1][3:]
    assert last_before == last_after == {"pins": ["line"], "excludes": ["b1"]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"pins": "line"}, "rebalance pins must be a list of pairing ids"),
        ({"pins": [3]}, "rebalance pins must be a list of pairing ids"),
        ({"excludes": ["b1", ""]}, "rebalance excludes must be a list of pairing ids"),
        ({"excludes": {"b1": True}}, "rebalance excludes must be a list of pairing ids"),
        (
            {"declined": ["line"]},
            "rebalance declined must be a list of {pairing_id, mentor_id}",
        ),
        (
            {"declined": [{"pairing_id": "line"}]},
            "rebalance declined must be a list of {pairing_id, mentor_id}",
        ),
        (
            {"declined": [{"pairing_id": 7, "mentor_id": "good"}]},
            "rebalance declined must be a list of {pairing_id, mentor_id}",
        ),
    ],
)
def test_a_bad_value_is_refused_with_a_clear_message_and_nothing_is_written(
    engine: Engine, value: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        put_setting(engine, REBALANCE_KEY, value, LEAD, default=DEFAULT_REBALANCE)
    assert str(refused.value) == message
    assert _stored_row(engine) is None and _audit(engine) == []
    assert load_rebalance_settings(engine) == DEFAULT_REBALANCE


def test_a_saved_value_is_normalised(engine: Engine) -> None:
    declined = [{"pairing_id": "line", "mentor_id": "good"}]
    value = {"pins": ["line", "b1", "line"], "excludes": None, "declined": declined}
    put_setting(engine, REBALANCE_KEY, value, LEAD, default=DEFAULT_REBALANCE)
    expected = {"pins": ["b1", "line"], "excludes": [], "declined": declined}
    assert _stored_row(engine) == (expected, LEAD)
    assert load_rebalance_settings(engine) == expected


def test_what_was_stored_before_is_read_with_the_defaults_and_refused_when_bad(
    program: Engine,
) -> None:
    _write_raw(program, {"pins": ["b2", "b2"]})  # no excludes, no declined
    assert load_rebalance_settings(program) == {"pins": ["b2"], "excludes": [], "declined": []}
    set_excluded(program, EVERYTHING, "b1", LEAD)
    assert _stored_row(program) == (
        {"pins": ["b2"], "excludes": ["b1"], "declined": []},
        LEAD,
    )

    with transaction(program) as session:
        row = session.get(Setting, REBALANCE_KEY)
        assert row is not None
        row.value = {"pins": "b2"}
    with pytest.raises(SettingsError, match="rebalance pins must be a list of pairing ids"):
        load_rebalance_settings(program)


def test_a_refused_change_keeps_the_stored_plan_and_a_saved_one_forgets_it(
    program: Engine,
) -> None:
    refresh_rebalance_plan(program)
    assert rollups.is_current(program, rollups.REBALANCE_PLAN) and _plan_rows(program) > 0

    def bad(value: dict[str, Any]) -> dict[str, Any]:
        value["pins"].append("")
        return value

    with (
        pytest.raises(SettingsError, match="rebalance pins must be"),
        transaction(program) as session,
    ):
        update_rebalance_settings(
            session, bad, actor=LEAD, action="rebalance.pin", entity_id="line"
        )
    # Rolled back whole: the plan it had dropped first is still stored, nothing written.
    assert rollups.is_current(program, rollups.REBALANCE_PLAN) and _plan_rows(program) > 0
    assert _stored_row(program) is None and _audit(program) == []

    declined = {"pairing_id": "line", "mentor_id": "good"}
    detail = {"declined_mentor_id": "good", "mentee_id": "dir"}

    def decline(value: dict[str, Any]) -> dict[str, Any]:
        value["declined"].append(declined)
        return value

    with transaction(program) as session:
        update_rebalance_settings(
            session,
            decline,
            actor=LEAD,
            action="rebalance.decline",
            entity_id="line",
            detail=detail,
        )
    assert not rollups.is_current(program, rollups.REBALANCE_PLAN) and _plan_rows(program) == 0
    assert load_rebalance_settings(program)["declined"] == [declined]
    # With a detail, the audit row says the detail instead of the lists.
    assert _audit(program) == [(LEAD, "rebalance.decline", "line", None, detail)]

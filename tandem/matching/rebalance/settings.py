"""A lead's choices about the plan: pins, excludes and declined moves (settings["rebalance"]).

A pinned pairing never moves (it keeps its slot); an excluded one is never
considered (it too keeps its slot); a declined (pairing, mentor) move is not
suggested again.  Every change is audited and forgets the stored plan in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, delete
from sqlalchemy.orm import Session

from tandem.access.scope import Scope
from tandem.program import audit, rollups
from tandem.program.db import transaction
from tandem.program.derived_tables import (
    RollupState,
    StoredRebalancePlan,
    StoredRebalanceSuggestion,
)
from tandem.program.models import Setting
from tandem.program.settings import (
    SettingsError,
    get_setting,
    register_validator,
    write_setting_row,
)

REBALANCE_KEY = "rebalance"
DEFAULT_REBALANCE: dict[str, Any] = {"pins": [], "excludes": [], "declined": []}


def _validate_rebalance(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("pins", "excludes"):
        items = value.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise SettingsError(f"rebalance {key} must be a list of pairing ids")
        out[key] = sorted(set(items))
    declined = value.get("declined") or []
    if not isinstance(declined, list) or not all(
        isinstance(d, dict) and isinstance(d.get("pairing_id"), str) and d.get("mentor_id")
        for d in declined
    ):
        raise SettingsError("rebalance declined must be a list of {pairing_id, mentor_id}")
    out["declined"] = declined
    return out


register_validator(REBALANCE_KEY, _validate_rebalance)


def forget_stored_plan(session: Session) -> None:
    """Drop the plan the refresh stored (``tandem.matching.rebalance.store``): call inside the
    transaction of a write that changes what the plan depends on (accept, decline,
    pin, exclude), so it is gone exactly when the write commits."""
    session.execute(delete(StoredRebalancePlan))
    session.execute(delete(StoredRebalanceSuggestion))
    session.execute(delete(RollupState).where(RollupState.name == rollups.REBALANCE_PLAN))


def load_rebalance_settings(bind: Engine | Connection | Session) -> dict[str, Any]:
    """Pins, excludes and declined (pairing, mentor) suggestions."""
    return _validate_rebalance(get_setting(bind, REBALANCE_KEY, DEFAULT_REBALANCE))


def update_rebalance_settings(
    session: Session,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    actor: str,
    action: str,
    entity_id: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Read-modify-write of settings["rebalance"] inside the caller's transaction.

    Written here rather than through ``put_setting`` because a decline or a pin
    *appends* to a list: the row is locked first (``FOR UPDATE`` on
    PostgreSQL; SQLite serialises writers) so two leads declining at once do
    not lose one of the two.
    """
    row = session.get(Setting, REBALANCE_KEY, with_for_update=True)
    forget_stored_plan(session)
    before = _validate_rebalance(
        get_setting(session, REBALANCE_KEY, DEFAULT_REBALANCE)
        if row is None
        else {**DEFAULT_REBALANCE, **row.value}
    )
    after = _validate_rebalance(change({k: list(v) for k, v in before.items()}))
    write_setting_row(session, REBALANCE_KEY, after, actor, row)
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="pairing",
        entity_id=entity_id,
        before=None if detail else {k: before[k] for k in ("pins", "excludes")},
        after=detail or {k: after[k] for k in ("pins", "excludes")},
    )


def _set_membership(
    engine: Engine,
    scope: Scope,
    list_key: str,
    pairing_id: str,
    member: bool,
    actor: str,
    action: str,
) -> None:
    """Add ``pairing_id`` to (or remove it from) one list of the rebalance settings; audited.

    Raises ``OutOfScope`` for a pairing outside ``scope`` (a lead's cohorts).
    """

    def change(value: dict[str, Any]) -> dict[str, Any]:
        members = set(value[list_key])
        members.add(pairing_id) if member else members.discard(pairing_id)
        value[list_key] = sorted(members)
        return value

    with transaction(engine) as session:
        scope.require_pairing(session, pairing_id)
        update_rebalance_settings(session, change, actor=actor, action=action, entity_id=pairing_id)


def set_pinned(
    engine: Engine, scope: Scope, pairing_id: str, actor: str, pinned: bool = True
) -> None:
    """Pin (never move) or unpin a pairing; audited."""
    action = "rebalance.pin" if pinned else "rebalance.unpin"
    _set_membership(engine, scope, "pins", pairing_id, pinned, actor, action)


def set_excluded(
    engine: Engine, scope: Scope, pairing_id: str, actor: str, excluded: bool = True
) -> None:
    """Exclude (never consider) or re-include a pairing; audited."""
    action = "rebalance.exclude" if excluded else "rebalance.include"
    _set_membership(engine, scope, "excludes", pairing_id, excluded, actor, action)

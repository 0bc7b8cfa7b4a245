"""Typed access to the ``settings`` table: tunable rules stored as JSON by key.

Every engine that has tunable numbers (health weights and stall thresholds,
matching weights, the privacy threshold) keeps its defaults in code and only
the lead's overrides in the database.  ``get_setting`` merges the stored value
over the defaults *recursively*, so a key added to the defaults in a later
release takes effect even for a program that saved its settings earlier, and a
stored key that the code no longer knows is dropped rather than leaking into
the rules.

Writes go through ``put_setting``: one transaction that replaces the row and
adds an audit row with the value before and after.  A module that owns a key
registers a validator (``register_validator``) so that a bad value is refused
with a clear message whoever tries to save it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from tandem.program import audit
from tandem.program.db import connected, transaction
from tandem.program.models import Setting, utcnow

Validator = Callable[[dict[str, Any]], dict[str, Any]]

_VALIDATORS: dict[str, Validator] = {}
# Keys whose values are secrets (the presenter's pseudonym key): their audit rows
# say what changed, never the value, so reading the audit log cannot undo
# presenter mode's pseudonyms.
_SECRETS: set[str] = set()
NOT_RECORDED = "(secret, not recorded)"

MAX_KEY_LENGTH = 64


class SettingsError(ValueError):
    """A setting value was refused; the message says what is wrong, for a person."""


def register_validator(key: str, validator: Validator) -> None:
    """Make ``put_setting(…, key, …)`` run ``validator`` first.

    The validator receives the merged value (defaults + what is being saved),
    returns the normalised value to store, and raises ``SettingsError`` to refuse.
    """
    _VALIDATORS[key] = validator


def register_secret(key: str) -> None:
    """Keep the values of ``key`` out of the audit log (see ``_SECRETS``)."""
    _SECRETS.add(key)


def merge(default: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """``stored`` laid over ``default``, recursively, keeping only the keys of ``default``.

    A key whose default is a dict merges one level deeper; every other stored
    value replaces the default as a whole (lists included).  An empty dict as
    a default means "free-form": everything stored under it is kept.
    """
    result = copy.deepcopy(default)
    if not stored:
        return result
    free_form = not default
    for key, value in stored.items():
        if key not in default and not free_form:
            continue
        base = default.get(key)
        if isinstance(base, dict) and isinstance(value, dict):
            result[key] = merge(base, value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _stored_value(bind: Engine | Connection | Session, key: str) -> dict[str, Any] | None:
    statement = select(Setting.value).where(Setting.key == key)
    with connected(bind) as connection:
        value = connection.execute(statement).scalar_one_or_none()
    return value if isinstance(value, dict) else None


def get_setting(
    bind: Engine | Connection | Session, key: str, default: dict[str, Any]
) -> dict[str, Any]:
    """The effective value of ``key``: what is stored, merged over ``default``.

    Works with an engine, an open connection or a session (so a caller inside
    a transaction reads its own uncommitted write).  Never raises for a
    missing row: the defaults are the answer.
    """
    return merge(default, _stored_value(bind, key))


def write_setting_row(
    session: Session, key: str, value: dict[str, Any], actor: str, row: Setting | None
) -> None:
    """Store ``value`` under ``key`` in the caller's transaction; ``row`` is the key's
    row as the caller read it (None: there is none yet).  Not audited: the caller's
    audit row says what the change was."""
    if row is None:
        session.add(Setting(key=key, value=value, updated_at=utcnow(), updated_by=actor))
    else:
        row.value = value
        row.updated_at = utcnow()
        row.updated_by = actor


def _audit_setting(
    session: Session,
    actor: str,
    action: str,
    key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """The audit row of a setting write: its stored value before and after (None: none);
    a secret's values each read ``NOT_RECORDED``."""
    if key in _SECRETS:
        before, after = (
            None if value is None else dict.fromkeys(value, NOT_RECORDED)
            for value in (before, after)
        )
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="setting",
        entity_id=key,
        before=before,
        after=after,
    )


def put_setting(
    engine: Engine,
    key: str,
    value: dict[str, Any],
    actor: str,
    *,
    default: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store ``value`` under ``key`` in one transaction with an audit row.

    When ``default`` is given, ``value`` may be partial: it is merged over the
    current effective value first.  A validator registered for ``key`` checks
    (and normalises) the value; a refused value writes nothing.  Returns the
    value as stored.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise SettingsError(f"a setting key must have 1 to {MAX_KEY_LENGTH} characters")
    if not isinstance(value, dict):
        raise SettingsError(f"setting {key!r} must be a JSON object, not {type(value).__name__}")
    if not actor or not actor.strip():
        raise SettingsError("who is changing the setting must be given (actor)")
    with transaction(engine) as session:
        before = _stored_value(session, key)
        new_value = value
        if default is not None:
            new_value = merge(merge(default, before), value)
        validator = _VALIDATORS.get(key)
        if validator is not None:
            new_value = validator(copy.deepcopy(new_value))
        write_setting_row(session, key, new_value, actor, session.get(Setting, key))
        _audit_setting(session, actor, "setting.put", key, before, new_value)
    return new_value


def reset_setting(engine: Engine, key: str, actor: str) -> None:
    """Forget the stored value of ``key`` (the code's defaults apply again), audited."""
    with transaction(engine) as session:
        row = session.get(Setting, key)
        if row is None:
            return
        before = dict(row.value) if isinstance(row.value, dict) else None
        session.delete(row)
        _audit_setting(session, actor, "setting.reset", key, before, None)

"""Flags: concerns a program lead raises on a pairing, and their workflow.

A flag moves ``open → in_progress → resolved``.  Also allowed: ``open →
resolved`` (a quick fix), ``in_progress → open`` (handed back), and
**reopening** ``resolved → open`` (the problem came back; the old resolution
is cleared from the flag but kept in the audit log).  Resolving needs a
resolution note; a note on the flag itself is optional.

Every change is one transaction with an audit row (who, when, before →
after).  Edits use optimistic concurrency: the caller says which
``version`` it started from, the write is ``UPDATE … WHERE flag_id = :id AND
version = :expected``, and when another lead saved first the write is
refused with ``StaleFlagError`` (carrying the flag as it is now) instead of
silently overwriting either person's work.

Double submits (a double click, a retried request) never create two flags:
a ``request_id`` maps to one deterministic flag id, and an identical open
flag (same pairing, reason and note) raised within the last minute is
returned instead of a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tandem.access.scope import OutOfScope, Scope
from tandem.program import audit
from tandem.program.db import is_sqlite, transaction
from tandem.program.models import FLAG_REASONS, FLAG_STATUSES, AuditEntry, Flag, Pairing, utcnow

MAX_TEXT = 10_000
MAX_NAME = 200
DUPLICATE_WINDOW = dt.timedelta(minutes=1)
#: Prefix of ids the dashboard generates.  Imported ids are kept as given; a
#: generated id is checked against the table, so the two never collide.
ID_PREFIX = "F-"

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "resolved"),
    "in_progress": ("open", "resolved"),
    "resolved": ("open",),
}
#: Flags that still need work: they keep their pairing in the queue and count as open.
OPEN_FLAG_STATUSES = ("open", "in_progress")
RESOLVED = "resolved"


def is_resolved(status: str) -> bool:
    """Whether a flag in ``status`` is closed (resolving one needs a resolution note)."""
    return status == RESOLVED


_FIELDS = (
    "flag_id",
    "pairing_id",
    "raised_by",
    "raised_at",
    "reason",
    "note",
    "status",
    "resolved_at",
    "resolution",
    "owner",
    "version",
)

# SQLite allows one writer: a transaction that read before another committed
# cannot write ("database is locked").  Retrying re-reads the new state.
_SQLITE_RETRIES = 20


class FlagError(ValueError):
    """A flag change was refused; the message says why, for a person."""


class StaleFlagError(FlagError):
    """Someone else saved this flag first; ``current`` is the flag as it is now."""

    def __init__(self, current: Flag, expected_version: int, changed_by: str | None) -> None:
        # A detached copy: the transaction that read it is rolled back, which
        # would expire the original and leave the caller unable to read it.
        self.current = Flag(**flag_as_dict(current))
        self.expected_version = expected_version
        self.changed_by = changed_by
        who = f" by {changed_by}" if changed_by else ""
        super().__init__(
            f"Flag {current.flag_id} was changed{who} while you were editing it "
            f"(you started from version {expected_version}, it is now version "
            f"{current.version}, status {current.status}). Your change was not saved: "
            "reload the flag and apply it again."
        )


def flag_as_dict(flag: Flag) -> dict[str, Any]:
    """The flag's fields as a plain dict (what the audit log stores)."""
    return {name: getattr(flag, name) for name in _FIELDS}


def _clean_text(value: str | None, what: str, *, required: bool = False) -> str | None:
    if value is None:
        text = ""
    elif not isinstance(value, str):
        raise FlagError(f"the {what} must be text")
    else:
        text = value.strip()
    if not text:
        if required:
            raise FlagError(f"a {what} is required")
        return None
    if len(text) > MAX_TEXT:
        raise FlagError(
            f"the {what} is {len(text):,} characters long; the limit is {MAX_TEXT:,}. "
            "Shorten it and save again."
        )
    return text


def _clean_name(value: str | None, what: str, *, required: bool) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise FlagError(f"{what} must be text")
    if not text:
        if required:
            raise FlagError(f"{what} must be given")
        return None
    if len(text) > MAX_NAME:
        raise FlagError(f"{what} is longer than {MAX_NAME} characters")
    return text


def _request_flag_id(request_id: str) -> str:
    digest = hashlib.sha256(request_id.encode("utf-8")).hexdigest()[:12].upper()
    return f"{ID_PREFIX}R{digest}"


def _new_flag_id(session: Session) -> str:
    while True:
        candidate = f"{ID_PREFIX}{uuid.uuid4().hex[:10].upper()}"
        if session.get(Flag, candidate) is None:
            return candidate


def _retrying(engine: Engine, work: Any) -> Any:
    """Run ``work()`` again when SQLite refuses a write because another writer went first."""
    attempts = _SQLITE_RETRIES if is_sqlite(engine) else 1
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as error:
            if attempt + 1 >= attempts or "locked" not in str(error).lower():
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _load(session: Session, flag_id: str) -> Flag | None:
    return session.execute(select(Flag).where(Flag.flag_id == flag_id)).scalar_one_or_none()


def raise_flag(
    engine: Engine,
    scope: Scope,
    pairing_id: str,
    reason: str,
    note: str | None,
    raised_by: str,
    owner: str | None = None,
    request_id: str | None = None,
) -> Flag:
    """Open a flag on a pairing (one transaction, audited) and return it.

    A second call with the same ``request_id``, or an identical open flag
    raised within the last minute, returns the existing flag instead.  A pairing
    outside ``scope`` (a lead's cohorts) is refused like one that does not exist.
    """
    if reason not in FLAG_REASONS:
        raise FlagError(f"unknown reason {reason!r}; choose one of: " + ", ".join(FLAG_REASONS))
    clean_note = _clean_text(note, "note")
    who = _clean_name(raised_by, "who raises the flag", required=True) or ""
    clean_owner = _clean_name(owner, "the owner", required=False)
    if request_id is not None and not str(request_id).strip():
        request_id = None
    request_flag_id = None if request_id is None else _request_flag_id(str(request_id))

    def attempt() -> Flag:
        with transaction(engine) as session:
            _check_pairing(session, scope, pairing_id)
            if request_flag_id is not None:
                existing = _load(session, request_flag_id)
                if existing is not None:
                    if existing.pairing_id != pairing_id:
                        raise FlagError("this request id was already used for another pairing")
                    return existing
            now = utcnow()
            duplicate = _recent_duplicate(session, pairing_id, reason, clean_note, now)
            if duplicate is not None:
                return duplicate
            flag = Flag(
                flag_id=request_flag_id or _new_flag_id(session),
                pairing_id=pairing_id,
                raised_by=who,
                raised_at=now,
                reason=reason,
                note=clean_note,
                status="open",
                resolved_at=None,
                resolution=None,
                owner=clean_owner,
                version=1,
            )
            session.add(flag)
            session.flush()
            _audit(session, who, "flag.raise", flag.flag_id, None, flag)
            return flag

    try:
        result: Flag = _retrying(engine, attempt)
    except IntegrityError:
        # Two submits of the same request raced: the other one won; return its flag.
        if request_flag_id is None:
            raise
        with transaction(engine) as session:
            existing = _load(session, request_flag_id)
        if existing is None:
            raise
        return existing
    return result


def _check_pairing(session: Session, scope: Scope, pairing_id: str) -> None:
    """Refuse a flag on a pairing that is gone or outside the viewer's scope."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None:
        raise FlagError(
            f"pairing {pairing_id!r} does not exist (it may have been removed by a "
            "re-import); the flag was not raised"
        )
    if not scope.allows(pairing.cohort_id):
        raise FlagError(f"{OutOfScope()} The flag was not raised.")


def _recent_duplicate(
    session: Session, pairing_id: str, reason: str, note: str | None, now: dt.datetime
) -> Flag | None:
    """An identical open flag raised within the duplicate window (a double submit)."""
    return session.execute(
        select(Flag)
        .where(
            Flag.pairing_id == pairing_id,
            Flag.reason == reason,
            Flag.status == "open",
            Flag.raised_at >= now - DUPLICATE_WINDOW,
            Flag.note.is_(None) if note is None else Flag.note == note,
        )
        .order_by(Flag.raised_at)
        .limit(1)
    ).scalar_one_or_none()


def _audit(
    session: Session, who: str, action: str, flag_id: str, before: dict[str, Any] | None, flag: Flag
) -> None:
    """The audit row of a flag write: the flag as it was and as it is now."""
    audit.record(
        session,
        actor=who,
        action=action,
        entity="flag",
        entity_id=flag_id,
        before=before,
        after=flag_as_dict(flag),
    )


def _last_actor(session: Session, flag_id: str) -> str | None:
    return session.execute(
        select(AuditEntry.actor)
        .where(AuditEntry.entity == "flag", AuditEntry.entity_id == flag_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()


_UNSET: Any = object()


def update_flag(
    engine: Engine,
    scope: Scope,
    flag_id: str,
    *,
    expected_version: int,
    actor: str,
    status: str | None = None,
    owner: str | None = _UNSET,
    note: str | None = _UNSET,
    resolution: str | None = None,
) -> Flag:
    """Change a flag's status, owner, note or resolution, from ``expected_version``.

    Pass only what changes (``owner=None`` / ``note=None`` clear them).
    Raises ``StaleFlagError`` when the flag moved on since ``expected_version``
    and ``FlagError`` for anything else that is not allowed; nothing is
    written then.  A call that changes nothing returns the flag as it is.
    """
    who = _clean_name(actor, "who makes the change (actor)", required=True) or ""
    if status is not None and status not in FLAG_STATUSES:
        raise FlagError(f"unknown status {status!r}; choose one of: " + ", ".join(FLAG_STATUSES))
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise FlagError("expected_version must be the flag version the edit started from")
    changes: dict[str, Any] = {}
    if owner is not _UNSET:
        changes["owner"] = _clean_name(owner, "the owner", required=False)
    if note is not _UNSET:
        changes["note"] = _clean_text(note, "note")
    clean_resolution = _clean_text(resolution, "resolution")

    def attempt() -> Flag:
        with transaction(engine) as session:
            current = _load(session, flag_id)
            if current is None:
                raise FlagError(f"flag {flag_id!r} does not exist (it may have been removed)")
            if scope.limited and not scope.includes_pairing(session, current.pairing_id):
                raise FlagError(f"{OutOfScope('The pairing of this flag')} Nothing was changed.")
            if current.version != expected_version:
                raise StaleFlagError(current, expected_version, _last_actor(session, flag_id))
            values = _new_values(current, status, changes, clean_resolution, resolution)
            before = flag_as_dict(current)
            values = {k: v for k, v in values.items() if before[k] != v}
            if not values:
                return current
            result = session.execute(
                update(Flag)
                .where(Flag.flag_id == flag_id, Flag.version == expected_version)
                .values(**values, version=Flag.version + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                # Another transaction saved between our read and our write.
                raise _LostRace()
            session.expire(current)
            updated = _load(session, flag_id)
            assert updated is not None
            _audit(session, who, "flag.update", flag_id, before, updated)
            return updated

    try:
        result: Flag = _retrying(engine, attempt)
    except _LostRace:
        raise _stale(engine, flag_id, expected_version) from None
    return result


def _new_values(
    current: Flag,
    status: str | None,
    changes: dict[str, Any],
    clean_resolution: str | None,
    resolution: str | None,
) -> dict[str, Any]:
    """The fields an update writes, after the workflow's rules (refused with ``FlagError``).

    A move must be one of ``TRANSITIONS``; resolving stamps ``resolved_at`` and
    needs a resolution note (a resolved flag keeps its note unless a new one
    is given); reopening clears both.
    """
    target = status or current.status
    values = dict(changes)
    if target != current.status:
        if target not in TRANSITIONS[current.status]:
            raise FlagError(
                f"a flag cannot go from {current.status} to {target}; from "
                f"{current.status} it can go to: " + ", ".join(TRANSITIONS[current.status])
            )
        values["status"] = target
        if target == "resolved":
            values["resolved_at"] = utcnow()
        if current.status == "resolved":
            values["resolved_at"] = None
            values["resolution"] = None
    if target == "resolved":
        if clean_resolution is None and (current.status != "resolved" or resolution is not None):
            raise FlagError("a resolution note is required to resolve a flag")
        if clean_resolution is not None:
            values["resolution"] = clean_resolution
    elif clean_resolution is not None:
        raise FlagError("a resolution can only be given when the flag is resolved")
    return values


class _LostRace(Exception):
    """The guarded UPDATE matched no row: the version moved after we read it."""


def _stale(engine: Engine, flag_id: str, expected_version: int) -> FlagError:
    with transaction(engine) as session:
        current = _load(session, flag_id)
        if current is None:
            return FlagError(f"flag {flag_id!r} was removed while you were editing it")
        return StaleFlagError(current, expected_version, _last_actor(session, flag_id))


def get_flag(engine: Engine, flag_id: str) -> Flag | None:
    """One flag, or None."""
    with transaction(engine) as session:
        return _load(session, flag_id)


def flag_history(engine: Engine, flag_id: str) -> list[dict[str, Any]]:
    """Every recorded change of a flag, oldest first: at, actor, action, before, after."""
    with transaction(engine) as session:
        entries = session.execute(
            select(AuditEntry)
            .where(AuditEntry.entity == "flag", AuditEntry.entity_id == flag_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        ).scalars()
        return [
            {
                "at": entry.at,
                "actor": entry.actor,
                "action": entry.action,
                "before": entry.before,
                "after": entry.after,
            }
            for entry in entries
        ]


def open_flags(engine: Engine, pairing_ids: list[str] | None = None) -> list[Flag]:
    """Flags not yet resolved (open or in progress), oldest first; optionally of some pairings."""
    query = select(Flag).where(Flag.status.in_(("open", "in_progress")))
    if pairing_ids is not None:
        if not pairing_ids:
            return []
        query = query.where(Flag.pairing_id.in_(list(pairing_ids)))
    with transaction(engine) as session:
        return list(session.execute(query.order_by(Flag.raised_at, Flag.flag_id)).scalars())

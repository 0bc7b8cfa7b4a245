"""The rebalancing plan and rotation, computed by the refresh and stored for page views.

At 50,000 pairings the exact plan takes about a minute (see :mod:`tandem.rebalance`),
so, following the house rule for costly analytics, :func:`refresh_rebalance_plan`
computes it with the *saved* matching configuration and stores it in
``rebalance_plans``; the Rebalancing page reads it with :func:`load_stored_plan`
and computes live only for unsaved slider weights (or when nothing current is
stored).

**When a stored plan is used.**  All three must hold, so a stale plan can slow
the page down but is never shown as current:

* ``rollup_state`` marks it current (an import or a demo rebuild clears it
  with every roll-up, ``tandem.rollups.invalidate``; an accept, a decline, a
  pin or an exclusion deletes it in its own transaction,
  ``tandem.rebalance.forget_stored_plan``);
* it was computed for the configuration being shown (saving other weights
  changes the key);
* the data fingerprint read before computing it equals today's
  (``tandem.queries.rebalancing.data_fingerprint``: pairings' versions, people's
  capacities, the latest audit row, the latest health refresh — stalled
  pairings are movable — and the latest settings change), which catches any
  write path that does not delete it explicitly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from tandem import rollups
from tandem.db import transaction
from tandem.matching import MatchConfig, load_match_config
from tandem.models import StoredRebalancePlan
from tandem.queries.rebalancing import data_fingerprint
from tandem.rebalance import (
    Candidate,
    RebalancePlan,
    RotationSuggestion,
    Suggestion,
    Unresolved,
    compute_rebalance,
    compute_rotation,
)
from tandem.rebalance_view import config_key

REBALANCE = "rebalance"
ROTATION = "rotation"


def config_hash(config: MatchConfig) -> str:
    """A stable hash of a matching configuration (the stored plan's key)."""
    text = json.dumps(config_key(config), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    """JSON-safe copy: numpy scalars become Python numbers (float stays exact)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def plan_to_stored(plan: RebalancePlan) -> dict[str, Any]:
    """Every field of ``plan`` (``to_json`` keeps only the documented keys)."""
    return dict(_plain(asdict(plan)))


def plan_from_stored(value: dict[str, Any]) -> RebalancePlan:
    """Inverse of :func:`plan_to_stored` (lossless: floats round-trip exactly in JSON)."""
    return RebalancePlan(
        suggestions=[Suggestion(**item) for item in value["suggestions"]],
        unresolved=[Unresolved(**item) for item in value["unresolved"]],
        total_score=float(value["total_score"]),
        candidates=[Candidate(**item) for item in value["candidates"]],
        capacity={str(k): int(v) for k, v in value["capacity"].items()},
        movable=int(value["movable"]),
        stays=int(value["stays"]),
        warnings=list(value["warnings"]),
    )


def rotation_to_stored(rotation: list[RotationSuggestion]) -> dict[str, Any]:
    return {"rotation": _plain([asdict(item) for item in rotation])}


def rotation_from_stored(value: dict[str, Any]) -> list[RotationSuggestion]:
    return [RotationSuggestion(**item) for item in value["rotation"]]


@dataclass(frozen=True)
class StoredPlan:
    """A current stored plan: what the page shows instead of computing."""

    plan: RebalancePlan
    rotation: list[RotationSuggestion]
    computed_at: dt.datetime


@dataclass(frozen=True)
class PlanRefreshReport:
    suggestions: int
    rotation: int
    seconds: float


def refresh_rebalance_plan(
    engine: Engine, *, progress: Callable[[str], None] | None = None
) -> PlanRefreshReport:
    """Compute the plan and the rotation with the saved configuration and store both.

    The fingerprint and configuration are read *before* computing: a write that
    lands while the plan is being computed changes the fingerprint, so the
    stored plan is then simply not used (never shown as current).
    """
    import time

    say = progress or (lambda _message: None)
    started = time.perf_counter()
    fingerprint = list(data_fingerprint(engine))
    config = load_match_config(engine)
    say("computing the rebalancing plan for the saved weights")
    plan = compute_rebalance(engine, config=config)
    say("computing the rotation for the saved weights")
    rotation = compute_rotation(engine, config=config)
    key = config_hash(config)
    with transaction(engine) as session:
        connection = session.connection()
        connection.execute(delete(StoredRebalancePlan))
        connection.execute(
            insert(StoredRebalancePlan),
            [
                {
                    "kind": REBALANCE,
                    "config_key": key,
                    "plan": plan_to_stored(plan),
                    "fingerprint": fingerprint,
                },
                {
                    "kind": ROTATION,
                    "config_key": key,
                    "plan": rotation_to_stored(rotation),
                    "fingerprint": fingerprint,
                },
            ],
        )
        rollups.mark_current(connection, rollups.REBALANCE_PLAN)
    return PlanRefreshReport(
        suggestions=len(plan.suggestions),
        rotation=sum(1 for r in rotation if r.suggested_mentor_id),
        seconds=time.perf_counter() - started,
    )


def _current_rows(
    engine: Engine, config: MatchConfig, fingerprint: tuple[Any, ...] | None, *columns: Any
) -> dict[str, Any] | None:
    """The stored plan and rotation rows (``columns``) for ``config``, by kind, if both
    are current: marked so, and computed from the data as it is now."""
    fingerprint = data_fingerprint(engine) if fingerprint is None else fingerprint
    with engine.connect() as connection:
        if not rollups.is_current(connection, rollups.REBALANCE_PLAN):
            return None
        rows = connection.execute(
            select(StoredRebalancePlan.kind, StoredRebalancePlan.fingerprint, *columns).where(
                StoredRebalancePlan.config_key == config_hash(config)
            )
        ).all()
    found = {row.kind: row for row in rows if list(row.fingerprint) == list(fingerprint)}
    if REBALANCE not in found or ROTATION not in found:
        return None
    return found


def stored_plan_time(
    engine: Engine, config: MatchConfig, fingerprint: tuple[Any, ...] | None = None
) -> dt.datetime | None:
    """When the current stored plan for ``config`` was computed (None: none is current).

    Cheap (no plan is read): for deciding whether a page view must compute.
    """
    found = _current_rows(engine, config, fingerprint, StoredRebalancePlan.computed_at)
    if found is None:
        return None
    computed_at: dt.datetime = found[REBALANCE].computed_at
    return computed_at


def load_stored_plan(
    engine: Engine, config: MatchConfig, fingerprint: tuple[Any, ...] | None = None
) -> StoredPlan | None:
    """The stored plan and rotation for ``config``, or None when none is current."""
    found = _current_rows(
        engine,
        config,
        fingerprint,
        StoredRebalancePlan.plan,
        StoredRebalancePlan.computed_at,
    )
    if found is None:
        return None
    return StoredPlan(
        plan=plan_from_stored(found[REBALANCE].plan),
        rotation=rotation_from_stored(found[ROTATION].plan),
        computed_at=found[REBALANCE].computed_at,
    )

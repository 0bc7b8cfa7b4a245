"""The rebalancing plan and rotation, computed by the refresh and stored for page views.

At 50,000 pairings the exact plan takes about a minute (see :mod:`tandem.matching.rebalance.plan`),
so, following the house rule for costly analytics, :func:`refresh_rebalance_plan`
computes it with the *saved* matching configuration and stores it: the plan
without its suggestions and the rotation in ``rebalance_plans``, the
suggestions one per row in ``rebalance_suggestions``.  The Rebalancing page
reads :func:`load_stored_outline` — the plan, and of its suggestions only the
columns it orders, scopes and totals by (at 50,000 pairings 13,000 of them) —
and :func:`stored_suggestions` for the page of cards it shows; it computes
live only for unsaved slider weights (or when nothing current is stored).
:func:`load_stored_plan` reads the whole plan back.

**When a stored plan is used.**  All three must hold, so a stale plan can slow
the page down but is never shown as current:

* ``rollup_state`` marks it current (an import or a demo rebuild clears it
  with every roll-up, ``tandem.program.rollups.invalidate``; an accept, a decline, a
  pin or an exclusion deletes it in its own transaction,
  ``tandem.matching.rebalance.settings.forget_stored_plan``);
* it was computed for the configuration being shown (saving other weights
  changes the key);
* the data fingerprint read before computing it equals today's
  (``tandem.matching.rebalance.queries.data_fingerprint``: pairings' versions, people's
  capacities, the latest audit row, the latest health refresh — stalled
  pairings are movable — and the latest settings change), which catches any
  write path that does not delete it explicitly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)

from tandem.matching.config import MatchConfig, load_match_config
from tandem.matching.rebalance import frames
from tandem.matching.rebalance.frames import LOAD_CHANGE_COLUMNS, SUGGESTION_COLUMNS, LoadSummary
from tandem.matching.rebalance.model import (
    MOVABLE_STATUSES,
    Candidate,
    RebalancePlan,
    RotationSuggestion,
    Suggestion,
    Unresolved,
)
from tandem.matching.rebalance.plan import compute_rebalance
from tandem.matching.rebalance.queries import data_fingerprint
from tandem.matching.rebalance.rotation import compute_rotation
from tandem.matching.rules import LOAD_STATUSES
from tandem.matching.weights import config_key
from tandem.program import rollups
from tandem.program.db import writer_transaction
from tandem.program.derived_tables import StoredRebalancePlan, StoredRebalanceSuggestion
from tandem.program.models import Pairing, Person

REBALANCE = "rebalance"
ROTATION = "rotation"
#: Key of the plan document: how many suggestion rows belong to it (a plan
#: forgotten while it is being read shows as a short count, and is not used).
_ROWS = "suggestion_rows"


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
    document = {**plan_to_stored(replace(plan, suggestions=[])), _ROWS: len(plan.suggestions)}
    # Computed outside the writers' turn (the fingerprint guards it), written in it.
    with writer_transaction(engine, say) as session:
        connection = session.connection()
        connection.execute(delete(StoredRebalancePlan))
        connection.execute(delete(StoredRebalanceSuggestion))
        if plan.suggestions:
            connection.execute(
                insert(StoredRebalanceSuggestion), _suggestion_rows(key, plan.suggestions)
            )
        connection.execute(
            insert(StoredRebalancePlan),
            [
                {
                    "kind": REBALANCE,
                    "config_key": key,
                    "plan": document,
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


def _suggestion_rows(key: str, suggestions: Sequence[Suggestion]) -> list[dict[str, Any]]:
    return [
        {
            "config_key": key,
            "pairing_id": s.pairing_id,
            "position": position,
            "cohort_id": s.cohort_id,
            "gain": float(s.gain),
            "current_mentor_id": s.current_mentor_id,
            "suggested_mentor_id": s.suggested_mentor_id,
            "suggestion": _plain(asdict(s)),
        }
        for position, s in enumerate(suggestions)
    ]


def _current_rows(
    engine: Engine, config: MatchConfig, fingerprint: tuple[Any, ...] | None, *columns: Any
) -> dict[str, Any] | None:
    """The stored plan and rotation rows (``columns``) for ``config``, by kind, if both
    are current: marked so, and computed from the data as it is now."""
    fingerprint = data_fingerprint(engine) if fingerprint is None else fingerprint
    with engine.connect() as connection:
        return _current_in(connection, config, fingerprint, *columns)


def _current_in(
    connection: Connection, config: MatchConfig, fingerprint: tuple[Any, ...], *columns: Any
) -> dict[str, Any] | None:
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


def _current_plan(
    connection: Connection, config: MatchConfig, fingerprint: tuple[Any, ...]
) -> dict[str, Any] | None:
    """The stored plan of ``config`` and when it was computed, if current."""
    return _current_in(
        connection, config, fingerprint, StoredRebalancePlan.plan, StoredRebalancePlan.computed_at
    )


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
    """The stored plan (every suggestion) and rotation for ``config``, or None when none
    is current."""
    fingerprint = data_fingerprint(engine) if fingerprint is None else fingerprint
    key = config_hash(config)
    with engine.connect() as connection:
        found = _current_plan(connection, config, fingerprint)
        if found is None:
            return None
        items = (
            connection.execute(
                select(StoredRebalanceSuggestion.suggestion)
                .where(StoredRebalanceSuggestion.config_key == key)
                .order_by(StoredRebalanceSuggestion.position)
            )
            .scalars()
            .all()
        )
    document = found[REBALANCE].plan
    if len(items) != document.get(_ROWS, 0):
        return None  # forgotten while being read
    return StoredPlan(
        plan=plan_from_stored({**document, "suggestions": list(items)}),
        rotation=rotation_from_stored(found[ROTATION].plan),
        computed_at=found[REBALANCE].computed_at,
    )


@dataclass(frozen=True)
class StoredOutline:
    """A current stored plan as the page needs it before drawing a page of cards."""

    #: the plan without its suggestions (read them with :func:`stored_suggestions`)
    plan: RebalancePlan
    #: one row per suggestion, in the plan's order: ``SUGGESTION_COLUMNS``
    suggestions: pd.DataFrame
    rotation: list[RotationSuggestion]
    computed_at: dt.datetime


def load_stored_outline(
    engine: Engine, config: MatchConfig, fingerprint: tuple[Any, ...] | None = None
) -> StoredOutline | None:
    """The stored plan for ``config`` without its suggestions' details, or None when
    none is current.  At 50,000 pairings: a 0.5 MB document and 13,000 short rows
    instead of a 14 MB document."""
    fingerprint = data_fingerprint(engine) if fingerprint is None else fingerprint
    key = config_hash(config)
    columns = [getattr(StoredRebalanceSuggestion, name) for name in SUGGESTION_COLUMNS]
    with engine.connect() as connection:
        found = _current_plan(connection, config, fingerprint)
        if found is None:
            return None
        rows = connection.execute(
            select(*columns)
            .where(StoredRebalanceSuggestion.config_key == key)
            .order_by(StoredRebalanceSuggestion.position)
        ).all()
    document = found[REBALANCE].plan
    if len(rows) != document.get(_ROWS, 0):
        return None  # forgotten while being read
    frame = pd.DataFrame([tuple(r) for r in rows], columns=SUGGESTION_COLUMNS)
    frame["gain"] = frame["gain"].astype("float64")
    return StoredOutline(
        plan=plan_from_stored(document),
        suggestions=frame,
        rotation=rotation_from_stored(found[ROTATION].plan),
        computed_at=found[REBALANCE].computed_at,
    )


def stored_suggestions(
    engine: Engine, config: MatchConfig, pairing_ids: Sequence[str]
) -> list[Suggestion]:
    """The stored suggestions for ``pairing_ids`` (a page of cards), in that order.

    Ids without a stored suggestion are left out: the plan was forgotten since
    its outline was read (a write), and the next run reads the data afresh.
    """
    wanted = list(dict.fromkeys(pairing_ids))
    if not wanted:
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                StoredRebalanceSuggestion.pairing_id, StoredRebalanceSuggestion.suggestion
            ).where(
                StoredRebalanceSuggestion.config_key == config_hash(config),
                StoredRebalanceSuggestion.pairing_id.in_(wanted),
            )
        ).all()
    found = {pairing_id: Suggestion(**value) for pairing_id, value in rows}
    return [found[p] for p in wanted if p in found]


def _load_changes(config: MatchConfig, cohorts: Sequence[str]) -> Any:
    """A CTE of the mentors concerned by the stored plan for ``config``: person_id, name,
    max_mentees, before, after (the rule of :func:`stored_load_summary`)."""
    stored = StoredRebalanceSuggestion
    where = [stored.config_key == config_hash(config)]
    if cohorts:
        where.append(stored.cohort_id.in_(list(cohorts)))
    moves = union_all(
        select(stored.suggested_mentor_id.label("mentor_id"), literal(1).label("d")).where(*where),
        select(stored.current_mentor_id.label("mentor_id"), literal(-1).label("d")).where(*where),
    ).subquery("moves")
    delta = (
        select(moves.c.mentor_id, func.sum(moves.c.d).label("delta"))
        .group_by(moves.c.mentor_id)
        .subquery("delta")
    )
    held = Pairing.status.in_(LOAD_STATUSES)
    # The mentors of the suggestions: each one's load counted through ix_pairings_mentor.
    own_load = (
        select(func.count())
        .where(Pairing.mentor_id == Person.person_id, held)
        .correlate(Person)
        .scalar_subquery()
    )
    touched = (
        select(
            Person.person_id,
            Person.name,
            Person.max_mentees,
            own_load.label("before"),
            delta.c.delta,
        )
        .join(delta, delta.c.mentor_id == Person.person_id)
        # computed once (not flattened into each use of `before`)
        .cte("touched")
        .prefix_with("MATERIALIZED")
    )
    t = touched.c
    moved = select(
        t.person_id, t.name, t.max_mentees, t.before, (t.before + t.delta).label("after")
    ).where(or_(t.delta != 0, t.before > t.max_mentees))
    # The others over capacity: one grouped pass over the pairings.
    load = (
        select(Pairing.mentor_id, func.count().label("load"))
        .where(held)
        .group_by(Pairing.mentor_id)
        .subquery("load")
    )
    overloaded = (
        select(Person.person_id, Person.name, Person.max_mentees, load.c.load, load.c.load)
        .join(load, load.c.mentor_id == Person.person_id)
        .where(load.c.load > Person.max_mentees, Person.person_id.not_in(select(delta.c.mentor_id)))
    )
    if cohorts:
        visible = select(Pairing.mentor_id).where(
            Pairing.status.in_(MOVABLE_STATUSES), Pairing.cohort_id.in_(list(cohorts))
        )
        overloaded = overloaded.where(Person.person_id.in_(visible))
    changes = union_all(moved, overloaded).cte("changes").prefix_with("MATERIALIZED")
    return changes


def stored_load_summary(
    engine: Engine, config: MatchConfig, cohorts: Sequence[str] = (), limit: int | None = None
) -> LoadSummary:
    """The Mentor load tab of the stored plan for ``config``, worked out in SQL.

    The rule of ``tandem.matching.rebalance.view.load_changes`` and ``summarise_loads``
    over the stored suggestions in ``cohorts`` (empty: all): each mentor's load
    (``LOAD_STATUSES``) before and after accepting every suggestion; a mentor
    counts when the load changes or was over capacity (with ``cohorts``: an
    overloaded mentor of a suggestion or of an open pairing in them); the chart
    takes at most ``limit`` (default ``LOAD_CHART_MENTORS``): over capacity
    before or after first, then the biggest change, then by name and id.  Only
    the counts and those rows leave the database (at 50,000 pairings ~19,000
    mentors are concerned).
    """
    limit = frames.LOAD_CHART_MENTORS if limit is None else limit  # read when called
    changes = _load_changes(config, cohorts)
    c = changes.c

    def flag(condition: Any) -> Any:
        return case((condition, 1), else_=0)

    over = flag(or_(c.before > c.max_mentees, c.after > c.max_mentees))
    # One statement: the counts over every row (window sums), the first `limit` rows.
    top = (
        select(
            c.person_id,
            c.name,
            c.max_mentees,
            c.before,
            c.after,
            func.count().over().label("concerned"),
            func.sum(flag(c.before > c.max_mentees)).over().label("over_before"),
            func.sum(flag(c.after > c.max_mentees)).over().label("over_after"),
        )
        .order_by(over.desc(), func.abs(c.after - c.before).desc(), c.name, c.person_id)
        .limit(limit)
    )
    with engine.connect() as connection:
        found = connection.execute(top).all()
    concerned, over_before, over_after = (
        (found[0].concerned, found[0].over_before, found[0].over_after) if found else (0, 0, 0)
    )
    drawn = pd.DataFrame([tuple(r)[:5] for r in found], columns=LOAD_CHANGE_COLUMNS[:5])
    for column in ("max_mentees", "before", "after"):
        drawn[column] = drawn[column].astype("int64")
    drawn["over_before"] = drawn["before"] > drawn["max_mentees"]
    drawn["over_after"] = drawn["after"] > drawn["max_mentees"]
    # Shown in the order of load_changes: by name, then id (Python's order).
    drawn = drawn.sort_values(["name", "person_id"], kind="stable").reset_index(drop=True)
    return LoadSummary(
        concerned=int(concerned),
        over_before=int(over_before),
        over_after=int(over_after),
        drawn=drawn,
    )

"""Rebalancing: which pairings may move, and the optimal place for each.

**Who may move.**  An ``active`` or ``paused`` pairing is *movable* when it is

* inside a reporting line (a hard rule is broken, so it *must* move: staying
  is not an option),
* with an overloaded mentor (the mentor's load — active + paused + proposed,
  see :mod:`tandem.matching.scoring` — is above ``max_mentees``),
* stalled (``pairing_health.stalled``, filled by the health refresh; a
  pairing without a health row counts as not stalled), or
* poorly fitting (current match score below ``poor_fit_threshold``).

A lead can *pin* a pairing (it never moves, whatever the rules say; it keeps
its slot) or *exclude* it (it is never considered at all; it too keeps its
slot).  Pins, excludes and declined suggestions live in the settings table
under the key ``"rebalance"``.

**The optimisation.**  Every movable pairing is a row.  Its options are its
current mentor (*stay*, allowed only when no hard rule is broken) and every
other mentor with a free slot that no hard rule forbids.  The value of an
option is its match score; staying gets ``move_margin`` added (the *stay
bonus*), so a move wins only when it beats staying by more than the margin.
Capacity: the movable pairings release their slots, so mentor *m* has
``max_mentees − fixed load`` slots open to them (fixed load = load of the
pairings that are not movable: proposed, pinned, excluded, healthy ones).  An
overloaded mentor therefore keeps at most ``max_mentees`` of its movable and
fixed mentees.  The solver maximises the total value (a max-weight
b-matching: each pairing at most once, each mentor at most its open slots).
A pairing that ends up with no option is *unresolved* and stays as it is,
with the reason.

Values are quantised to micro-units (6 decimals) *before* solving, so the
objective the solver used, the candidate values in ``--explain`` and
``total_score`` are the same numbers and anyone can re-solve and get exactly
the same total.

**Exact solving.**  The b-matching becomes an assignment problem by giving
each mentor one column per open slot, plus one private "unassigned" column of
value 0 per row; scipy's sparse Jonker–Volgenant solver
(``min_weight_full_bipartite_matching``) then solves it exactly (see
:mod:`tandem.matching.assignment`).

**Exact pruning.**  Every movable pairing is scored against every mentor
with an open slot once, in bounded blocks, but the solver sees only each
row's best options holding a few open slots (at 50,000 pairings, ~13,000 ×
70,000 values: keeping them all took ~9 GB); its stay option is always added
(an extra option cannot lower the optimum, and a lead wants to see what
staying was worth).  The answer is then *proved* optimal over all options by a
linear-programming dual certificate: a row whose left-out options could
still beat what it has is given more options and the problem is solved
again (details in :mod:`tandem.matching.assignment`).  The ``--explain`` candidates
are exactly the options the solver weighed, so a re-solve of them reproduces
``total_score``.  When several plans reach the same total, which of them is
returned depends on those candidate lists; each is optimal.

**Known limit.**  A mentee with two movable pairings is two independent
rows: the solver could in principle send both to the same new mentor (the
"already paired" rule only sees pairings that exist).  Programs rarely give a
mentee two open pairings; the accept step refuses the second one anyway
(the pair then already has an open pairing).

**Rotation.**  For mentees whose pairing completed and who have no open
pairing, :func:`compute_rotation` proposes the best next mentor with a
different perspective — a division *or* a geography none of their previous
mentors had — respecting the hard rules and current free capacity, assigned
jointly with the same exact solver.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.orm import Session

from tandem.access.scope import OutOfScope, Scope
from tandem.matching.assignment import SCALE, optimal_assignment, quantise
from tandem.matching.assignment import solve_b_matching as solve_b_matching  # its historical home
from tandem.matching.scoring import (
    CLOSED_STATUSES,
    COMPONENTS,
    LOAD_STATUSES,
    HardRules,
    MatchConfig,
    People,
    kind_code,
    load_match_config,
    load_people,
    pair_components,
    score,
    score_components,
)
from tandem.program import audit, rollups
from tandem.program.db import connected, transaction
from tandem.program.models import (
    RUNNING_STATUSES,
    Pairing,
    PairingHealth,
    Person,
    RollupState,
    Setting,
    StoredRebalancePlan,
    StoredRebalanceSuggestion,
    utcnow,
)
from tandem.program.settings import SettingsError, get_setting, register_validator

REBALANCE_KEY = "rebalance"
DEFAULT_REBALANCE: dict[str, Any] = {"pins": [], "excludes": [], "declined": []}
MOVABLE_STATUSES: tuple[str, ...] = RUNNING_STATUSES


class SuggestionConflict(RuntimeError):
    """The pairing or the target mentor changed since the suggestion was made."""


# --- Pins, excludes, declines (settings["rebalance"]) -------------------------


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
    """Drop the plan the refresh stored (``tandem.matching.rebalance_store``): call inside the
    transaction of a write that changes what the plan depends on (accept, decline,
    pin, exclude), so it is gone exactly when the write commits."""
    session.execute(delete(StoredRebalancePlan))
    session.execute(delete(StoredRebalanceSuggestion))
    session.execute(delete(RollupState).where(RollupState.name == rollups.REBALANCE_PLAN))


def load_rebalance_settings(bind: Engine | Connection | Session) -> dict[str, Any]:
    """Pins, excludes and declined (pairing, mentor) suggestions."""
    return _validate_rebalance(get_setting(bind, REBALANCE_KEY, DEFAULT_REBALANCE))


def _update_rebalance_settings(
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
    if row is None:
        session.add(Setting(key=REBALANCE_KEY, value=after, updated_at=utcnow(), updated_by=actor))
    else:
        row.value = after
        row.updated_at = utcnow()
        row.updated_by = actor
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
        _update_rebalance_settings(
            session, change, actor=actor, action=action, entity_id=pairing_id
        )


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


# --- Results --------------------------------------------------------------------


@dataclass
class Suggestion:
    """Move one pairing's mentee from the current mentor to a better one."""

    pairing_id: str
    mentee_id: str
    current_mentor_id: str
    suggested_mentor_id: str
    current_score: float
    suggested_score: float
    gain: float
    current_components: dict[str, float]
    suggested_components: dict[str, float]
    current_mentor_load_before: int
    current_mentor_load_after: int
    suggested_mentor_load_before: int
    suggested_mentor_load_after: int
    runner_up_mentor_id: str | None
    runner_up_score: float | None
    reasons: list[str]
    # What accept_suggestion checks has not changed in the meantime.
    pairing_version: int = 1
    pairing_status: str = "active"
    kind: str = "traditional"
    cohort_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape: exactly the documented keys."""
        return {
            "pairing_id": self.pairing_id,
            "mentee_id": self.mentee_id,
            "current_mentor_id": self.current_mentor_id,
            "suggested_mentor_id": self.suggested_mentor_id,
            "current_score": self.current_score,
            "suggested_score": self.suggested_score,
            "components": {
                "current": dict(self.current_components),
                "suggested": dict(self.suggested_components),
            },
            "reasons": list(self.reasons),
        }

    def to_dict(self) -> dict[str, Any]:
        """Every field (for a page or an API)."""
        return asdict(self)


@dataclass
class Unresolved:
    """A movable pairing for which no acceptable option exists; it stays as it is."""

    pairing_id: str
    mentee_id: str
    current_mentor_id: str
    reasons: list[str]


@dataclass
class Candidate:
    """One option the solver weighed: its exact objective value (stay bonus included)."""

    pairing_id: str
    mentee_id: str
    mentor_id: str
    score: float
    stay: bool = False


@dataclass
class RebalancePlan:
    suggestions: list[Suggestion]
    unresolved: list[Unresolved]
    total_score: float
    candidates: list[Candidate]
    capacity: dict[str, int]
    movable: int
    stays: int
    warnings: list[str] = field(default_factory=list)

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "suggestions": [s.to_json() for s in self.suggestions],
            "total_score": self.total_score,
        }
        if explain:
            out["candidates"] = [
                {
                    "pairing_id": c.pairing_id,
                    "mentee_id": c.mentee_id,
                    "mentor_id": c.mentor_id,
                    "score": c.score,
                }
                for c in self.candidates
            ]
            out["capacity"] = dict(self.capacity)
        return out


# --- Loading and planning ------------------------------------------------------------


@dataclass
class OpenPairing:
    """An active or paused pairing as rebalancing sees it."""

    pairing_id: str
    mentee_id: str
    mentor_id: str
    kind: str
    status: str
    version: int
    cohort_id: str | None
    stalled: bool
    stall_reasons: str


def load_open_pairings(bind: Engine | Connection | Session) -> list[OpenPairing]:
    """Active and paused pairings with their stall verdict (no health row: not stalled)."""
    statement = (
        select(
            Pairing.pairing_id,
            Pairing.mentee_id,
            Pairing.mentor_id,
            Pairing.kind,
            Pairing.status,
            Pairing.version,
            Pairing.cohort_id,
            PairingHealth.stalled,
            PairingHealth.reasons,
        )
        .outerjoin(PairingHealth, PairingHealth.pairing_id == Pairing.pairing_id)
        .where(Pairing.status.in_(MOVABLE_STATUSES))
        .order_by(Pairing.pairing_id)
    )

    def run(connection: Connection | Session) -> list[OpenPairing]:
        return [
            OpenPairing(
                pairing_id=r.pairing_id,
                mentee_id=r.mentee_id,
                mentor_id=r.mentor_id,
                kind=r.kind or "traditional",
                status=r.status,
                version=int(r.version or 1),
                cohort_id=r.cohort_id,
                stalled=bool(r.stalled),
                stall_reasons=r.reasons or "",
            )
            for r in connection.execute(statement)
        ]

    with connected(bind) as connection:
        return run(connection)


def compute_rebalance(
    engine: Engine, *, config: MatchConfig | None = None, explain: bool = False
) -> RebalancePlan:
    """Read the program and plan the optimal rebalancing (nothing is written).

    ``explain`` also lists every candidate the solver weighed (costly at
    enterprise scale, so only on demand).
    """
    with engine.connect() as connection:
        people = load_people(connection)
        rules = HardRules.from_db(connection, people)
        cfg = config or load_match_config(connection)
        settings = load_rebalance_settings(connection)
        pairings = load_open_pairings(connection)
    return plan_rebalance(people, rules, pairings, cfg, settings, explain=explain)


@dataclass
class _Movable:
    pairing: OpenPairing
    mentee: int
    mentor: int
    kind: int
    current: float
    reasons: list[str]
    must_move: bool


def plan_rebalance(
    people: People,
    rules: HardRules,
    pairings: list[OpenPairing],
    config: MatchConfig,
    settings: Mapping[str, Any] | None = None,
    *,
    explain: bool = False,
) -> RebalancePlan:
    """The optimal rebalancing of ``pairings`` (pure: no database access)."""
    settings = settings or DEFAULT_REBALANCE
    pins = set(settings.get("pins") or [])
    excludes = set(settings.get("excludes") or [])
    declined = {(d["pairing_id"], d["mentor_id"]) for d in settings.get("declined") or []}
    warnings: list[str] = []
    known = [
        p
        for p in pairings
        if p.pairing_id not in excludes
        and p.mentee_id in people.index
        and p.mentor_id in people.index
    ]
    mentees = np.array([people.index[p.mentee_id] for p in known], dtype=np.int64)
    mentors = np.array([people.index[p.mentor_id] for p in known], dtype=np.int64)
    kinds = np.array([kind_code(p.kind) for p in known], dtype=np.int64)
    current = score(people, mentors, mentees, kinds, config) if known else np.zeros(0)
    load, max_mentees = rules.load, people.max_mentees

    movable: list[_Movable] = []
    for j, pairing in enumerate(known):
        mentor, mentee = int(mentors[j]), int(mentees[j])
        relation = people.reporting_relation(mentor, mentee)
        if pairing.pairing_id in pins:
            if relation:
                warnings.append(f"pairing {pairing.pairing_id} is pinned although {relation}")
            continue
        reasons = []
        if relation:
            reasons.append(relation)
        if load[mentor] > max_mentees[mentor]:
            reasons.append(
                f"current mentor has {int(load[mentor])} mentees, "
                f"capacity {int(max_mentees[mentor])}"
            )
        if pairing.stalled:
            detail = pairing.stall_reasons.replace(";", ", ").strip()
            reasons.append("pairing is stalled" + (f" ({detail})" if detail else ""))
        if current[j] < config.poor_fit_threshold:
            reasons.append(
                f"current fit {current[j]:.2f} is below the threshold "
                f"{config.poor_fit_threshold:.2f}"
            )
        if reasons:
            movable.append(
                _Movable(
                    pairing,
                    mentee,
                    mentor,
                    int(kinds[j]),
                    float(current[j]),
                    reasons,
                    bool(relation),
                )
            )

    n_rows, n_people = len(movable), len(people)
    row_mentees = np.array([m.mentee for m in movable], dtype=np.int64)
    row_mentors = np.array([m.mentor for m in movable], dtype=np.int64)
    row_kinds = np.array([m.kind for m in movable], dtype=np.int64)
    leaving_now = np.bincount(row_mentors, minlength=n_people)
    open_slots = np.maximum(max_mentees - (load - leaving_now), 0)
    columns = np.nonzero(open_slots > 0)[0]
    column_of = np.full(n_people, -1, dtype=np.int64)
    column_of[columns] = np.arange(len(columns))
    capacity = open_slots[columns].astype(np.int64)

    must_move = np.array([m.must_move for m in movable], dtype=bool)
    stay_cols = np.where(must_move, -1, column_of[row_mentors]) if n_rows else row_mentors
    current_q = quantise(np.array([m.current for m in movable]))
    margin_q = round(config.move_margin * SCALE)
    stay_values = current_q + margin_q

    forbid_rows, forbid_cols = rules.forbidden_pairs(row_mentees, columns)
    extra_rows, extra_cols = [], []
    for r, item in enumerate(movable):
        for pairing_id, mentor_id in declined:
            if pairing_id == item.pairing.pairing_id and mentor_id in people.index:
                column = column_of[people.index[mentor_id]]
                if column >= 0:
                    extra_rows.append(r)
                    extra_cols.append(int(column))
    forbid_rows = np.concatenate([forbid_rows, np.array(extra_rows, dtype=np.int64)])
    forbid_cols = np.concatenate([forbid_cols, np.array(extra_cols, dtype=np.int64)])

    assigned, edges = optimal_assignment(
        people,
        config,
        row_mentees,
        row_kinds,
        columns,
        capacity,
        forbid_rows,
        forbid_cols,
        stay_cols=stay_cols,
        stay_values=stay_values,
    )

    # Per-row view of the edges (sorted by row, then by value descending).
    order = np.lexsort((-edges.values, edges.rows))
    e_rows, e_cols, e_values = edges.rows[order], edges.cols[order], edges.values[order]
    bounds = np.searchsorted(e_rows, np.arange(n_rows + 1))

    chosen_value = np.zeros(n_rows, dtype=np.int64)
    for r in range(n_rows):
        if assigned[r] >= 0:
            lo, hi = bounds[r], bounds[r + 1]
            chosen_value[r] = e_values[lo:hi][e_cols[lo:hi] == assigned[r]][0]
    total = int(chosen_value.sum())

    new_mentor = np.where(assigned >= 0, columns[np.maximum(assigned, 0)], -1)
    moved = (assigned >= 0) & (new_mentor != row_mentors)
    leaving = np.bincount(row_mentors[moved], minlength=n_people)
    arriving = np.bincount(new_mentor[moved], minlength=n_people)
    load_after = load - leaving + arriving

    # Components of both sides of every move, in two vectorised calls.
    moved_rows = np.nonzero(moved)[0]
    slot_of_move = np.full(n_rows, -1, dtype=np.int64)
    slot_of_move[moved_rows] = np.arange(len(moved_rows))
    old_parts = score_components(
        people, row_mentors[moved_rows], row_mentees[moved_rows], row_kinds[moved_rows], config
    )
    new_parts = score_components(
        people, new_mentor[moved_rows], row_mentees[moved_rows], row_kinds[moved_rows], config
    )

    def parts_at(parts: Mapping[str, np.ndarray], i: int) -> dict[str, float]:
        return {name: round(float(parts[name][i]), 4) for name in COMPONENTS}

    suggestions: list[Suggestion] = []
    unresolved: list[Unresolved] = []
    for r, item in enumerate(movable):
        lo, hi = bounds[r], bounds[r + 1]
        if assigned[r] < 0:
            unresolved.append(
                Unresolved(
                    pairing_id=item.pairing.pairing_id,
                    mentee_id=item.pairing.mentee_id,
                    current_mentor_id=item.pairing.mentor_id,
                    reasons=[*item.reasons, *_unresolved_reasons(item, hi > lo, stay_cols[r])],
                )
            )
            continue
        if not moved[r]:
            continue
        target = int(new_mentor[r])
        others = (e_cols[lo:hi] != assigned[r]) & (e_cols[lo:hi] != stay_cols[r])
        runner_up_mentor = runner_up_score = None
        if others.any():
            best = int(np.argmax(others))  # edges are sorted by value, descending
            runner_up_mentor = people.ids[int(columns[e_cols[lo:hi][best]])]
            runner_up_score = int(e_values[lo:hi][best]) / SCALE
        suggested_score = int(chosen_value[r]) / SCALE
        current_score = int(current_q[r]) / SCALE
        old = parts_at(old_parts, int(slot_of_move[r]))
        new = parts_at(new_parts, int(slot_of_move[r]))
        reasons = [
            *item.reasons,
            *_comparison_reasons(people, item, target, old, new),
            f"score {suggested_score:.3f} vs {current_score:.3f} "
            f"(gain {suggested_score - current_score:+.3f}; stay bonus {config.move_margin:.3f})",
        ]
        if stay_cols[r] < 0 and not item.must_move:
            reasons.append("staying is not possible: the current mentor has no slot left")
        suggestions.append(
            Suggestion(
                pairing_id=item.pairing.pairing_id,
                mentee_id=item.pairing.mentee_id,
                current_mentor_id=item.pairing.mentor_id,
                suggested_mentor_id=people.ids[target],
                current_score=current_score,
                suggested_score=suggested_score,
                gain=round(suggested_score - current_score, 6),
                current_components=old,
                suggested_components=new,
                current_mentor_load_before=int(load[item.mentor]),
                current_mentor_load_after=int(load_after[item.mentor]),
                suggested_mentor_load_before=int(load[target]),
                suggested_mentor_load_after=int(load_after[target]),
                runner_up_mentor_id=runner_up_mentor,
                runner_up_score=runner_up_score,
                reasons=reasons,
                pairing_version=item.pairing.version,
                pairing_status=item.pairing.status,
                kind=item.pairing.kind,
                cohort_id=item.pairing.cohort_id,
            )
        )

    candidates: list[Candidate] = []
    used_columns = np.unique(e_cols)
    if explain:
        for r, item in enumerate(movable):
            for c, v in zip(
                e_cols[bounds[r] : bounds[r + 1]].tolist(),
                e_values[bounds[r] : bounds[r + 1]].tolist(),
                strict=True,
            ):
                candidates.append(
                    Candidate(
                        pairing_id=item.pairing.pairing_id,
                        mentee_id=item.pairing.mentee_id,
                        mentor_id=people.ids[int(columns[c])],
                        score=v / SCALE,
                        stay=bool(c == stay_cols[r]),
                    )
                )
    return RebalancePlan(
        suggestions=suggestions,
        unresolved=unresolved,
        total_score=total / SCALE,
        candidates=candidates,
        capacity={people.ids[int(columns[c])]: int(capacity[c]) for c in used_columns.tolist()},
        movable=n_rows,
        stays=int(((assigned >= 0) & ~moved).sum()),
        warnings=warnings,
    )


def _unresolved_reasons(item: _Movable, had_options: bool, stay_col: int) -> list[str]:
    out = []
    if item.must_move:
        out.append("it must move, but")
    elif stay_col < 0:
        out.append("the current mentor has no slot left for it, and")
    if had_options:
        out.append("the free slots of every acceptable mentor went to pairings that gain more")
    else:
        out.append("no mentor with a free slot passes the hard rules")
    return out


def _comparison_reasons(
    people: People,
    item: _Movable,
    target: int,
    old: Mapping[str, float],
    new: Mapping[str, float],
) -> list[str]:
    """Why the suggested mentor suits the mentee better, in words."""
    out = []
    mentee = item.mentee
    wanted = int(people.goal_count[mentee])
    if wanted:
        covered_new = int(np.bitwise_count(people.strengths[target] & people.goals[mentee]).sum())
        covered_old = int(
            np.bitwise_count(people.strengths[item.mentor] & people.goals[mentee]).sum()
        )
        if covered_new != covered_old:
            out.append(f"covers {covered_new} of {wanted} development goals vs {covered_old}")
    if new["diversity"] > old["diversity"]:
        parts = []
        if people.division[target] != people.division[mentee] and (
            people.division[item.mentor] == people.division[mentee]
        ):
            parts.append(f"a different division ({people.division_names[people.division[target]]})")
        if people.geography[target] != people.geography[mentee] and (
            people.geography[item.mentor] == people.geography[mentee]
        ):
            parts.append(
                f"a different geography ({people.geography_names[people.geography[target]]})"
            )
        if parts:
            out.append("brings " + " and ".join(parts))
    if new["level"] > old["level"] + 0.05:
        gap_new = int(people.level[target]) - int(people.level[mentee])
        gap_old = int(people.level[item.mentor]) - int(people.level[mentee])
        kind = item.pairing.kind
        out.append(f"level gap {gap_new:+d} suits a {kind} pairing better than {gap_old:+d}")
    if new["availability"] > old["availability"] + 0.05:
        hours_new, hours_old = people.hours[target], people.hours[item.mentor]
        if not np.isnan(hours_new) and not np.isnan(hours_old):
            out.append(f"mentor offers {hours_new:g} h a month vs {hours_old:g}")
    if new["breadth"] > old["breadth"] + 0.1:
        out.append("adds experiential breadth (tenure and function)")
    return out


# --- Accept and decline ------------------------------------------------------------------


def _chain_up(session: Session, person_id: str) -> list[str]:
    """Managers above ``person_id`` (stops at a cycle), read inside the transaction."""
    chain: list[str] = []
    seen = {person_id}
    current = session.execute(
        select(Person.manager_id).where(Person.person_id == person_id)
    ).scalar_one_or_none()
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = session.execute(
            select(Person.manager_id).where(Person.person_id == current)
        ).scalar_one_or_none()
    return chain


def _pairing_row(pairing: Pairing) -> dict[str, Any]:
    return {
        "pairing_id": pairing.pairing_id,
        "cohort_id": pairing.cohort_id,
        "mentor_id": pairing.mentor_id,
        "mentee_id": pairing.mentee_id,
        "kind": pairing.kind,
        "status": pairing.status,
        "start_date": pairing.start_date,
        "ended_date": pairing.ended_date,
        "cadence_days": pairing.cadence_days,
        "version": pairing.version,
    }


def accept_suggestion(
    engine: Engine,
    scope: Scope,
    suggestion: Suggestion,
    actor: str,
    *,
    today: dt.date | None = None,
) -> str:
    """End the old pairing and propose the new one, in one audited transaction.

    Returns the new pairing's id.  Raises :class:`SuggestionConflict` (and
    writes nothing) when the pairing changed since the suggestion was made
    (version, status or mentor), or when the target mentor can no longer take
    the mentee (capacity, or a hard rule that now applies); ``OutOfScope`` when
    the pairing lies outside ``scope``.
    """
    today = today or dt.date.today()
    s = suggestion
    with transaction(engine) as session:
        # A plan stored by the refresh no longer holds once this commits.
        forget_stored_plan(session)
        # Lock the target mentor first: concurrent accepts for the same mentor
        # then re-check capacity one after the other (PostgreSQL; SQLite
        # serialises writers anyway).
        mentor = session.execute(
            select(Person).where(Person.person_id == s.suggested_mentor_id).with_for_update()
        ).scalar_one_or_none()
        if mentor is None:
            raise SuggestionConflict(f"mentor {s.suggested_mentor_id} no longer exists")
        old = session.get(Pairing, s.pairing_id)
        if old is None:
            raise SuggestionConflict(f"pairing {s.pairing_id} no longer exists")
        if not scope.allows(old.cohort_id):
            raise OutOfScope()
        before = _pairing_row(old)
        ended = session.execute(
            update(Pairing)
            .where(
                Pairing.pairing_id == s.pairing_id,
                Pairing.version == s.pairing_version,
                Pairing.status == s.pairing_status,
                Pairing.mentor_id == s.current_mentor_id,
                Pairing.mentee_id == s.mentee_id,
            )
            .values(
                status="ended",
                ended_date=max(today, old.start_date),
                version=Pairing.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if ended.rowcount != 1:  # type: ignore[attr-defined]
            raise SuggestionConflict(
                f"pairing {s.pairing_id} changed since the suggestion was made "
                f"(now {old.status}, version {old.version}; the suggestion saw "
                f"{s.pairing_status}, version {s.pairing_version})"
            )
        load = session.execute(
            select(func.count())
            .select_from(Pairing)
            .where(Pairing.mentor_id == s.suggested_mentor_id, Pairing.status.in_(LOAD_STATUSES))
        ).scalar_one()
        if load >= mentor.max_mentees:
            raise SuggestionConflict(
                f"mentor {s.suggested_mentor_id} now has {load} mentees, "
                f"capacity {mentor.max_mentees}"
            )
        if s.suggested_mentor_id == s.mentee_id:
            raise SuggestionConflict("nobody mentors themself")
        if s.suggested_mentor_id in _chain_up(session, s.mentee_id) or s.mentee_id in _chain_up(
            session, s.suggested_mentor_id
        ):
            raise SuggestionConflict("mentor and mentee are now in the same reporting line")
        existing = session.execute(
            select(Pairing.status).where(
                Pairing.mentor_id == s.suggested_mentor_id,
                Pairing.mentee_id == s.mentee_id,
                Pairing.status.in_(LOAD_STATUSES + CLOSED_STATUSES),
            )
        ).first()
        if existing is not None:
            raise SuggestionConflict(
                f"this mentor and mentee already have a pairing ({existing.status})"
            )
        new_id = f"rb-{uuid.uuid4().hex[:20]}"
        new = Pairing(
            pairing_id=new_id,
            cohort_id=old.cohort_id,
            mentor_id=s.suggested_mentor_id,
            mentee_id=s.mentee_id,
            kind=old.kind,
            status="proposed",
            start_date=today,
            planned_end_date=None,
            ended_date=None,
            cadence_days=old.cadence_days,
            objective=old.objective,
            version=1,
        )
        session.add(new)
        after_end = {**before, "status": "ended", "ended_date": max(today, old.start_date)}
        after_end["version"] = s.pairing_version + 1
        audit.record(
            session,
            actor=actor,
            action="rebalance.accept.end",
            entity="pairing",
            entity_id=s.pairing_id,
            before=before,
            after={**after_end, "replaced_by": new_id},
        )
        audit.record(
            session,
            actor=actor,
            action="rebalance.accept.propose",
            entity="pairing",
            entity_id=new_id,
            before=None,
            after={
                **_pairing_row(new),
                "replaces": s.pairing_id,
                "score": s.suggested_score,
                "previous_score": s.current_score,
                "reasons": list(s.reasons),
            },
        )
    return new_id


def decline_suggestion(
    engine: Engine,
    scope: Scope,
    suggestion: Suggestion,
    actor: str,
    *,
    today: dt.date | None = None,
) -> None:
    """Record that a lead declined this move; it will not be suggested again.

    The (pairing, mentor) pair is remembered under settings["rebalance"]
    ["declined"]; entries for pairings that are no longer open are dropped on
    the way, so the list stays as long as the open pairings.
    """
    today = today or dt.date.today()
    s = suggestion

    with transaction(engine) as session:
        scope.require_pairing(session, s.pairing_id)
        open_ids = set(
            session.execute(
                select(Pairing.pairing_id).where(Pairing.status.in_(MOVABLE_STATUSES))
            ).scalars()
        )

        def change(value: dict[str, Any]) -> dict[str, Any]:
            kept = [d for d in value["declined"] if d["pairing_id"] in open_ids]
            if not any(
                d["pairing_id"] == s.pairing_id and d["mentor_id"] == s.suggested_mentor_id
                for d in kept
            ):
                kept.append(
                    {
                        "pairing_id": s.pairing_id,
                        "mentor_id": s.suggested_mentor_id,
                        "on": today.isoformat(),
                        "by": actor,
                    }
                )
            value["declined"] = kept
            return value

        _update_rebalance_settings(
            session,
            change,
            actor=actor,
            action="rebalance.decline",
            entity_id=s.pairing_id,
            detail={
                "declined_mentor_id": s.suggested_mentor_id,
                "current_mentor_id": s.current_mentor_id,
                "mentee_id": s.mentee_id,
                "suggested_score": s.suggested_score,
                "current_score": s.current_score,
            },
        )


# --- Rotation ------------------------------------------------------------------------------


@dataclass
class RotationSuggestion:
    """The best next mentor for a mentee whose pairing completed (None when there is none)."""

    mentee_id: str
    previous_pairing_id: str
    previous_mentor_ids: list[str]
    suggested_mentor_id: str | None
    score: float | None
    components: dict[str, float]
    kind: str
    cohort_id: str | None
    runner_up_mentor_id: str | None
    runner_up_score: float | None
    reasons: list[str]


@dataclass
class ClosedPairing:
    pairing_id: str
    mentee_id: str
    mentor_id: str
    kind: str
    status: str
    cohort_id: str | None
    ended: dt.date | None


def load_closed_pairings(bind: Engine | Connection | Session) -> list[ClosedPairing]:
    """Completed and ended pairings of mentees who have no open pairing now."""
    open_mentees = select(Pairing.mentee_id).where(Pairing.status.in_(LOAD_STATUSES))
    statement = (
        select(
            Pairing.pairing_id,
            Pairing.mentee_id,
            Pairing.mentor_id,
            Pairing.kind,
            Pairing.status,
            Pairing.cohort_id,
            func.coalesce(Pairing.ended_date, Pairing.planned_end_date, Pairing.start_date),
        )
        .where(Pairing.status.in_(CLOSED_STATUSES), Pairing.mentee_id.not_in(open_mentees))
        .order_by(Pairing.mentee_id, Pairing.pairing_id)
    )

    def run(connection: Connection | Session) -> list[ClosedPairing]:
        return [
            ClosedPairing(r[0], r[1], r[2], r[3] or "traditional", r[4], r[5], r[6])
            for r in connection.execute(statement)
        ]

    with connected(bind) as connection:
        return run(connection)


def compute_rotation(
    engine: Engine, *, config: MatchConfig | None = None
) -> list[RotationSuggestion]:
    """Next mentors for every mentee whose pairing completed (nothing is written)."""
    with engine.connect() as connection:
        people = load_people(connection)
        rules = HardRules.from_db(connection, people)
        cfg = config or load_match_config(connection)
        history = load_closed_pairings(connection)
    return plan_rotation(people, rules, history, cfg)


def plan_rotation(
    people: People, rules: HardRules, history: list[ClosedPairing], config: MatchConfig
) -> list[RotationSuggestion]:
    """Jointly optimal next mentors, each bringing a division or geography not seen before.

    Rows are mentees with at least one *completed* pairing (and, by the loader,
    no open one); previous mentors are those of every closed pairing (ended
    or completed), which the repeat rule forbids anyway.
    """
    by_mentee: dict[str, list[ClosedPairing]] = {}
    for item in history:
        if item.mentee_id in people.index and item.mentor_id in people.index:
            by_mentee.setdefault(item.mentee_id, []).append(item)
    rows: list[tuple[str, ClosedPairing, list[int]]] = []
    for mentee_id, items in sorted(by_mentee.items()):
        completed = [i for i in items if i.status == "completed"]
        if not completed:
            continue
        latest = max(completed, key=lambda i: (i.ended or dt.date.min, i.pairing_id))
        previous = sorted({people.index[i.mentor_id] for i in items})
        rows.append((mentee_id, latest, previous))
    if not rows:
        return []
    row_mentees = np.array([people.index[m] for m, _, _ in rows], dtype=np.int64)
    row_kinds = np.array([kind_code(latest.kind) for _, latest, _ in rows], dtype=np.int64)
    free = rules.free_capacity()
    columns = np.nonzero(free > 0)[0]
    capacity = free[columns].astype(np.int64)
    forbid_rows, forbid_cols = rules.forbidden_pairs(row_mentees, columns)
    seen_divisions = [np.unique(people.division[p]) for _, _, p in rows]
    seen_geographies = [np.unique(people.geography[p]) for _, _, p in rows]
    # Row × code tables of what each mentee has seen (code -1, unknown, at the end).
    seen_division = np.zeros((len(rows), len(people.division_names) + 1), dtype=bool)
    seen_geography = np.zeros((len(rows), len(people.geography_names) + 1), dtype=bool)
    for r, (_, _, previous) in enumerate(rows):
        seen_division[r, people.division[previous]] = True
        seen_geography[r, people.geography[previous]] = True
    column_divisions = people.division[columns]
    column_geographies = people.geography[columns]

    def same_perspective(pair_rows: np.ndarray, pair_cols: np.ndarray) -> np.ndarray:
        return (
            seen_division[pair_rows, column_divisions[pair_cols]]
            & seen_geography[pair_rows, column_geographies[pair_cols]]
        )

    assigned, edges = optimal_assignment(
        people,
        config,
        row_mentees,
        row_kinds,
        columns,
        capacity,
        forbid_rows,
        forbid_cols,
        extra_forbidden=same_perspective,
    )
    order = np.lexsort((-edges.values, edges.rows))
    e_rows, e_cols, e_values = edges.rows[order], edges.cols[order], edges.values[order]
    bounds = np.searchsorted(e_rows, np.arange(len(rows) + 1))
    out: list[RotationSuggestion] = []
    for r, (mentee_id, latest, previous) in enumerate(rows):
        lo, hi = bounds[r], bounds[r + 1]
        mentee = int(row_mentees[r])
        previous_ids = [people.ids[p] for p in previous]
        base = RotationSuggestion(
            mentee_id=mentee_id,
            previous_pairing_id=latest.pairing_id,
            previous_mentor_ids=previous_ids,
            suggested_mentor_id=None,
            score=None,
            components={},
            kind=latest.kind,
            cohort_id=latest.cohort_id,
            runner_up_mentor_id=None,
            runner_up_score=None,
            reasons=[],
        )
        if assigned[r] < 0:
            base.reasons = [
                "the free slots of every suitable mentor went to mentees they suit better"
                if hi > lo
                else "no mentor with a free slot brings a new division or geography "
                "and passes the hard rules"
            ]
            out.append(base)
            continue
        target = int(columns[assigned[r]])
        value = int(e_values[lo:hi][e_cols[lo:hi] == assigned[r]][0])
        others = e_cols[lo:hi] != assigned[r]
        if others.any():
            best = int(np.argmax(others))  # edges are sorted by value, descending
            base.runner_up_mentor_id = people.ids[int(columns[e_cols[lo:hi][best]])]
            base.runner_up_score = int(e_values[lo:hi][best]) / SCALE
        if people.division[target] not in seen_divisions[r]:
            division = people.division_names[people.division[target]]
            base.reasons.append(f"new division for the mentee: {division}")
        if people.geography[target] not in seen_geographies[r]:
            geography = people.geography_names[people.geography[target]]
            base.reasons.append(f"new geography for the mentee: {geography}")
        wanted = int(people.goal_count[mentee])
        if wanted:
            covered = int(np.bitwise_count(people.strengths[target] & people.goals[mentee]).sum())
            base.reasons.append(f"covers {covered} of {wanted} development goals")
        base.suggested_mentor_id = people.ids[target]
        base.score = value / SCALE
        base.components = pair_components(people, target, mentee, latest.kind, config)
        out.append(base)
    return out

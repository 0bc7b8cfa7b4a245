"""The rebalancing plan: which pairings may move, and the optimal place for each.

**Who may move.**  An ``active`` or ``paused`` pairing is *movable* when it is

* inside a reporting line (a hard rule is broken, so it *must* move: staying
  is not an option),
* with an overloaded mentor (the mentor's load — active + paused + proposed,
  see :mod:`tandem.matching.rules` — is above ``max_mentees``),
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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from tandem.matching.assignment import SCALE, quantise
from tandem.matching.config import COMPONENTS, MatchConfig
from tandem.matching.people import People
from tandem.matching.rebalance.model import (
    MOVABLE_STATUSES,
    Candidate,
    OpenPairing,
    RebalancePlan,
    Suggestion,
    Unresolved,
)
from tandem.matching.rebalance.settings import DEFAULT_REBALANCE, load_rebalance_settings
from tandem.matching.rebalance.slots import OpenSlots
from tandem.matching.rebalance.words import compared, joined, levels_from_mentee
from tandem.matching.rules import HardRules
from tandem.matching.scoring import kind_code, load_scoring_inputs, score, score_components
from tandem.program.db import connected
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import Pairing
from tandem.program.words import plural


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
        people, rules, cfg = load_scoring_inputs(connection, config)
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
    pins = set(settings.get("pins") or [])
    movable = _movable(people, rules, known, config, pins, warnings)
    solved = _solve(people, rules, movable, config, declined)
    suggestions: list[Suggestion] = []
    unresolved: list[Unresolved] = []
    old_parts, new_parts = _move_components(people, solved, config)
    for r, item in enumerate(movable):
        lo, hi = solved.bounds[r], solved.bounds[r + 1]
        if solved.assigned[r] < 0:
            reasons = [*item.reasons, *_unresolved_reasons(item, hi > lo, solved.stay_cols[r])]
            unresolved.append(
                Unresolved(
                    pairing_id=item.pairing.pairing_id,
                    mentee_id=item.pairing.mentee_id,
                    current_mentor_id=item.pairing.mentor_id,
                    reasons=reasons,
                )
            )
        elif solved.moved[r]:
            slot = int(solved.slot_of_move[r])
            old = {name: round(float(old_parts[name][slot]), 4) for name in COMPONENTS}
            new = {name: round(float(new_parts[name][slot]), 4) for name in COMPONENTS}
            suggestions.append(_suggestion(people, config, movable, r, solved, old, new))
    return RebalancePlan(
        suggestions=suggestions,
        unresolved=unresolved,
        total_score=int(solved.chosen_value.sum()) / SCALE,
        candidates=_candidates(people, movable, solved) if explain else [],
        capacity={
            people.ids[int(solved.columns[c])]: int(solved.capacity[c])
            for c in np.unique(solved.e_cols).tolist()
        },
        movable=len(movable),
        stays=int(((solved.assigned >= 0) & ~solved.moved).sum()),
        warnings=warnings,
    )


def _movable(
    people: People,
    rules: HardRules,
    known: list[OpenPairing],
    config: MatchConfig,
    pins: set[str],
    warnings: list[str],
) -> list[_Movable]:
    """The pairings that may move, each with why (pinned ones never move: a warning
    when one is pinned inside a reporting line)."""
    mentees = np.array([people.index[p.mentee_id] for p in known], dtype=np.int64)
    mentors = np.array([people.index[p.mentor_id] for p in known], dtype=np.int64)
    kinds = np.array([kind_code(p.kind) for p in known], dtype=np.int64)
    current = score(people, mentors, mentees, kinds, config) if known else np.zeros(0)
    # The poor-fit rule compares exact micro-units, the values the solver uses.
    current_q = quantise(current)
    threshold_q = round(config.poor_fit_threshold * SCALE)
    load, max_mentees = rules.load, people.max_mentees
    movable: list[_Movable] = []
    for j, pairing in enumerate(known):
        mentor, mentee = int(mentors[j]), int(mentees[j])
        relation = people.reporting_relation(mentor, mentee)
        if pairing.pairing_id in pins:
            if relation:
                warnings.append(f"pairing {pairing.pairing_id} is pinned although {relation}")
            continue
        reasons = [f"the {relation}"] if relation else []
        if load[mentor] > max_mentees[mentor]:
            reasons.append(
                f"the current mentor has {plural(int(load[mentor]), 'mentee')} "
                f"for {plural(int(max_mentees[mentor]), 'place')}"
            )
        if pairing.stalled:
            detail = joined([r.strip() for r in pairing.stall_reasons.split(";")])
            reasons.append("the pairing has stalled" + (f" ({detail})" if detail else ""))
        if current_q[j] < threshold_q:
            fit, line = compared(int(current_q[j]) / SCALE, threshold_q / SCALE, line=True)
            reasons.append(f"its match score {fit} is below the poor-fit line of {line}")
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
    return movable


@dataclass
class _Solved:
    """The solver's answer, with per-row views of the options it weighed."""

    columns: np.ndarray  # person index of each mentor column
    capacity: np.ndarray  # open slots of each column
    stay_cols: np.ndarray  # column of each row's current mentor (-1: cannot stay)
    current_q: np.ndarray  # each row's current score, micro-units
    assigned: np.ndarray  # column chosen for each row (-1: none)
    e_cols: np.ndarray  # options, sorted by row then value (descending)
    e_values: np.ndarray
    bounds: np.ndarray  # row r's options are [bounds[r], bounds[r + 1])
    chosen_value: np.ndarray
    new_mentor: np.ndarray
    moved: np.ndarray
    slot_of_move: np.ndarray
    load_before: np.ndarray
    load_after: np.ndarray
    row_mentees: np.ndarray
    row_mentors: np.ndarray
    row_kinds: np.ndarray


def _solve(
    people: People,
    rules: HardRules,
    movable: list[_Movable],
    config: MatchConfig,
    declined: set[tuple[str, str]],
) -> _Solved:
    """Free the movable pairings' slots and assign them optimally (module docstring)."""
    n_rows, n_people = len(movable), len(people)
    load, max_mentees = rules.load, people.max_mentees
    row_mentees = np.array([m.mentee for m in movable], dtype=np.int64)
    row_mentors = np.array([m.mentor for m in movable], dtype=np.int64)
    row_kinds = np.array([m.kind for m in movable], dtype=np.int64)
    leaving_now = np.bincount(row_mentors, minlength=n_people)
    open_slots = np.maximum(max_mentees - (load - leaving_now), 0)
    slots = OpenSlots.of(rules, row_mentees, row_kinds, open_slots)
    columns, capacity = slots.columns, slots.capacity
    column_of = np.full(n_people, -1, dtype=np.int64)
    column_of[columns] = np.arange(len(columns))
    must_move = np.array([m.must_move for m in movable], dtype=bool)
    stay_cols = np.where(must_move, -1, column_of[row_mentors]) if n_rows else row_mentors
    current_q = quantise(np.array([m.current for m in movable]))
    stay_values = current_q + round(config.move_margin * SCALE)

    declined_cells = [
        (r, int(column_of[people.index[mentor_id]]))
        for r, item in enumerate(movable)
        for pairing_id, mentor_id in declined
        if pairing_id == item.pairing.pairing_id
        and mentor_id in people.index
        and column_of[people.index[mentor_id]] >= 0
    ]
    slots = slots.forbidding(
        np.array([r for r, _ in declined_cells], dtype=np.int64),
        np.array([c for _, c in declined_cells], dtype=np.int64),
    )
    assigned, ranked, bounds = slots.solve(
        people, config, stay_cols=stay_cols, stay_values=stay_values
    )
    e_cols, e_values = ranked.cols, ranked.values
    chosen_value = np.zeros(n_rows, dtype=np.int64)
    for r in np.nonzero(assigned >= 0)[0].tolist():
        lo, hi = bounds[r], bounds[r + 1]
        chosen_value[r] = e_values[lo:hi][e_cols[lo:hi] == assigned[r]][0]
    new_mentor = np.where(assigned >= 0, columns[np.maximum(assigned, 0)], -1)
    moved = (assigned >= 0) & (new_mentor != row_mentors)
    leaving = np.bincount(row_mentors[moved], minlength=n_people)
    arriving = np.bincount(new_mentor[moved], minlength=n_people)
    slot_of_move = np.full(n_rows, -1, dtype=np.int64)
    slot_of_move[np.nonzero(moved)[0]] = np.arange(int(moved.sum()))
    return _Solved(
        columns=columns,
        capacity=capacity,
        stay_cols=stay_cols,
        current_q=current_q,
        assigned=assigned,
        e_cols=e_cols,
        e_values=e_values,
        bounds=bounds,
        chosen_value=chosen_value,
        new_mentor=new_mentor,
        moved=moved,
        slot_of_move=slot_of_move,
        load_before=load,
        load_after=load - leaving + arriving,
        row_mentees=row_mentees,
        row_mentors=row_mentors,
        row_kinds=row_kinds,
    )


def _move_components(
    people: People, solved: _Solved, config: MatchConfig
) -> tuple[Mapping[str, np.ndarray], Mapping[str, np.ndarray]]:
    """Components of both sides of every move (in move order), in two vectorised calls."""
    rows = np.nonzero(solved.moved)[0]
    mentees, kinds = solved.row_mentees[rows], solved.row_kinds[rows]
    old = score_components(people, solved.row_mentors[rows], mentees, kinds, config)
    new = score_components(people, solved.new_mentor[rows], mentees, kinds, config)
    return old, new


def _suggestion(
    people: People,
    config: MatchConfig,
    movable: list[_Movable],
    r: int,
    solved: _Solved,
    old: dict[str, float],
    new: dict[str, float],
) -> Suggestion:
    """Row ``r``'s move, its evidence and its runner-up."""
    item = movable[r]
    lo, hi = solved.bounds[r], solved.bounds[r + 1]
    target = int(solved.new_mentor[r])
    cols, values = solved.e_cols[lo:hi], solved.e_values[lo:hi]
    others = (cols != solved.assigned[r]) & (cols != solved.stay_cols[r])
    runner_up_mentor = runner_up_score = None
    taken_by: list[str] = []
    slots = 0
    if others.any():
        best = int(np.argmax(others))  # options are sorted by value, descending
        column = int(cols[best])
        runner_up_mentor = people.ids[int(solved.columns[column])]
        runner_up_score = int(values[best]) / SCALE
        slots = int(solved.capacity[column])
        holders = np.nonzero(solved.assigned == column)[0].tolist()
        taken_by = [movable[h].pairing.mentee_id for h in holders if h != r]
    suggested_score = int(solved.chosen_value[r]) / SCALE
    current_score = int(solved.current_q[r]) / SCALE
    better = _comparison_reasons(people, item, target, old, new)
    reasons = [
        *item.reasons,
        *(f"the suggested mentor {b}" for b in better),
        f"score {suggested_score:.3f} vs {current_score:.3f} "
        f"(gain {suggested_score - current_score:+.3f}; stay bonus {config.move_margin:.3f})",
    ]
    why_move = list(item.reasons)
    if solved.stay_cols[r] < 0 and not item.must_move:
        why_move.append("the current mentor has no place left for this pairing")
        reasons.append("staying is not possible: the current mentor has no slot left")
    before, after = solved.load_before, solved.load_after
    return Suggestion(
        pairing_id=item.pairing.pairing_id,
        mentee_id=item.pairing.mentee_id,
        current_mentor_id=item.pairing.mentor_id,
        suggested_mentor_id=people.ids[target],
        current_score=current_score,
        suggested_score=suggested_score,
        gain=round(suggested_score - current_score, 6),
        current_components=old,
        suggested_components=new,
        current_mentor_load_before=int(before[item.mentor]),
        current_mentor_load_after=int(after[item.mentor]),
        suggested_mentor_load_before=int(before[target]),
        suggested_mentor_load_after=int(after[target]),
        runner_up_mentor_id=runner_up_mentor,
        runner_up_score=runner_up_score,
        reasons=reasons,
        pairing_version=item.pairing.version,
        pairing_status=item.pairing.status,
        kind=item.pairing.kind,
        cohort_id=item.pairing.cohort_id,
        why_move=why_move,
        why_better=better,
        runner_up_taken_by=taken_by,
        runner_up_slots=slots,
    )


def _candidates(people: People, movable: list[_Movable], solved: _Solved) -> list[Candidate]:
    """Every option the solver weighed, with the exact value it used (``--explain``)."""
    out: list[Candidate] = []
    for r, item in enumerate(movable):
        lo, hi = solved.bounds[r], solved.bounds[r + 1]
        for c, v in zip(
            solved.e_cols[lo:hi].tolist(), solved.e_values[lo:hi].tolist(), strict=True
        ):
            out.append(
                Candidate(
                    pairing_id=item.pairing.pairing_id,
                    mentee_id=item.pairing.mentee_id,
                    mentor_id=people.ids[int(solved.columns[c])],
                    score=v / SCALE,
                    stay=bool(c == solved.stay_cols[r]),
                )
            )
    return out


def _unresolved_reasons(item: _Movable, had_options: bool, stay_col: int) -> list[str]:
    """Why a pairing that should move stays, as one clause."""
    if item.must_move:
        lead = "it must move, but "
    elif stay_col < 0:
        lead = "the current mentor has no place left for it, and "
    else:
        lead = ""
    rest = (
        "the free places of every acceptable mentor went to pairings that gain more"
        if had_options
        else "no mentor with a free place passes the hard rules"
    )
    return [lead + rest]


def _goals_covered(new: int, old: int, wanted: int) -> str:
    """ "covers 3 of the mentee's 4 development goals (the current mentor covers 1)"."""
    goals = "development goal" if wanted == 1 else f"{wanted} development goals"
    if new == wanted:
        share = f"the mentee's {goals}" if wanted == 1 else f"all the mentee's {goals}"
    else:
        share = f"{new} of the mentee's {goals}"
    before = "none" if old == 0 else ("all of them" if old == wanted else str(old))
    return f"covers {share} (the current mentor covers {before})"


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
            out.append(_goals_covered(covered_new, covered_old, wanted))
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
        out.append(
            f"is {levels_from_mentee(gap_new)} (the current mentor is "
            f"{levels_from_mentee(gap_old)}), which suits a {kind} pairing better"
        )
    if new["availability"] > old["availability"] + 0.05:
        hours_new, hours_old = people.hours[target], people.hours[item.mentor]
        if not np.isnan(hours_new) and not np.isnan(hours_old):
            out.append(f"offers {hours_new:g} h a month (the current mentor offers {hours_old:g})")
    if new["breadth"] > old["breadth"] + 0.1:
        out.append("adds experiential breadth (tenure and function)")
    return out

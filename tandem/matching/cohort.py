"""Matching a cohort's sign-ups: the best set of new pairings, found exactly.

**Who.**  The cohort's participants (``participants.csv``) without an open
pairing in it.  A ``mentee`` is a row, a ``mentor`` a column with the slots
it has free (``max_mentees`` minus every open pairing it has, in any cohort);
an ``either`` participant is both, and may take either role but not both at
once.  An ``either`` person who already mentors in the cohort stays a mentor;
one who is already a mentee in it is done.

**Hard rules** are those of :mod:`tandem.matching.rules`: nobody with
themself, no pairing inside a reporting line, no repeat of an ended or
completed pair, no duplicate of an open pair, no mentor beyond capacity.  A
lead may also *forbid* a pair (never proposed) or *pin* one (always proposed,
when no hard rule forbids it).  A pair scoring below the minimum score
(:func:`load_minimum_score`, 0 by default: none) is never proposed.

**The optimum.**  The value of a pair is its match score for the cohort's
pairing kind, quantised to micro-units (so the total the solver maximised,
the candidates' scores and ``total_score`` are the same numbers).  Mentors
and mentees only: the exact b-matching of :mod:`tandem.matching.assignment`
(certified by its dual check over *every* feasible pair).  With ``either``
people the relaxation that lets them take both roles is solved first; when
its optimum uses nobody twice it is optimal, otherwise the problem is solved
exactly as an integer program (HiGHS through ``scipy.optimize.milp``) over
every feasible pair, with one more row per ``either`` person:
``capacity × (times a mentee) + (times a mentor) ≤ capacity``.

Every mentee left unmatched gets a reason in words.  Approving the proposals
into ``proposed`` pairings, and withdrawing them until they start, is
:mod:`tandem.matching.cohort_approve`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_array
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from tandem.access.scope import OutOfScope, Scope
from tandem.matching.assignment import SCALE, BlockScorer, optimal_assignment, quantise
from tandem.matching.cohort_model import (
    KIND_OF_PROGRAM,
    CohortMatch,
    MatchRequestError,
    Proposal,
    SignUp,
    Unmatched,
)
from tandem.matching.config import COMPONENTS, MatchConfig
from tandem.matching.people import People
from tandem.matching.rules import HardRules
from tandem.matching.scoring import (
    kind_code,
    load_scoring_inputs,
    pair_components,
    score_components,
)
from tandem.matching.scoring import score as score_of
from tandem.program.models import (
    OPEN_STATUSES,
    Cohort,
    Pairing,
    Participant,
)
from tandem.program.settings import SettingsError, get_setting, put_setting, register_validator

COHORT_SETTING_KEY = "cohort_matching"
DEFAULT_COHORT_SETTING: dict[str, Any] = {"minimum_score": 0.0}
#: Cells of the dense slot-expanded matrix up to which it is solved whole
#: (``linear_sum_assignment``: 2,000 mentees over 1,700 free slots is ~7M
#: cells, a fraction of a second); above it the pruned, certified solver of
#: :mod:`tandem.matching.assignment` keeps memory bounded.
DENSE_CELLS = 30_000_000
#: Seconds the integer program may take when ``either`` people need it.
MILP_SECONDS = 60.0


def _validate_cohort_setting(value: dict[str, Any]) -> dict[str, Any]:
    minimum = value.get("minimum_score", 0.0)
    if isinstance(minimum, bool) or not isinstance(minimum, int | float) or minimum != minimum:
        raise SettingsError("minimum_score must be a number")
    if not 0 <= minimum <= 1:
        raise SettingsError("minimum_score must be between 0 and 1")
    return {"minimum_score": float(minimum)}


register_validator(COHORT_SETTING_KEY, _validate_cohort_setting)


def load_minimum_score(bind: Engine | Connection | Session) -> float:
    """The score below which no new pair is proposed (0: none)."""
    value = get_setting(bind, COHORT_SETTING_KEY, DEFAULT_COHORT_SETTING)
    return float(value["minimum_score"])


def save_minimum_score(engine: Engine, minimum: float, actor: str) -> None:
    """Store the minimum score (validated, audited)."""
    put_setting(
        engine,
        COHORT_SETTING_KEY,
        {"minimum_score": minimum},
        actor,
        default=DEFAULT_COHORT_SETTING,
    )


@dataclass
class _Sides:
    """The rows (mentee side) and columns (mentor side) of one cohort's problem."""

    cohort: Cohort
    sign_ups: list[SignUp]
    row_ids: list[str]
    col_ids: list[str]
    either: set[str]


def _read_sides(session: Session, scope: Scope, cohort_id: str) -> _Sides:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise MatchRequestError(f"there is no cohort {cohort_id!r}")
    if not scope.allows(cohort_id):
        raise OutOfScope("This cohort")
    participants = session.execute(
        select(Participant.person_id, Participant.role, Participant.joined_on)
        .where(Participant.cohort_id == cohort_id)
        .order_by(Participant.person_id)
    ).all()
    open_rows = session.execute(
        select(Pairing.mentor_id, Pairing.mentee_id).where(
            Pairing.cohort_id == cohort_id, Pairing.status.in_(OPEN_STATUSES)
        )
    ).all()
    mentoring = {row.mentor_id for row in open_rows}
    mentored = {row.mentee_id for row in open_rows}
    sign_ups: list[SignUp] = []
    rows: list[str] = []
    cols: list[str] = []
    either: set[str] = set()
    for person_id, role, joined_on in participants:
        status = "mentee" if person_id in mentored else "mentor" if person_id in mentoring else ""
        sign_ups.append(SignUp(person_id, role, joined_on, status or "waiting"))
        if role in ("mentee", "either") and not status:
            rows.append(person_id)
        if role in ("mentor", "either") and person_id not in mentored:
            cols.append(person_id)
        if role == "either" and not status:
            either.add(person_id)
    return _Sides(cohort, sign_ups, rows, cols, either)


# --- Solving ---------------------------------------------------------------------------


@dataclass
class _Grid:
    """The full mentee × mentor problem of a cohort, feasibility and values."""

    people: People
    rules: HardRules
    rows: np.ndarray  # mentee positions
    cols: np.ndarray  # mentor positions
    free: np.ndarray  # free slots per column
    values: np.ndarray  # int64 micro-units, rows × cols
    rule_blocked: np.ndarray  # bool: a hard rule (not capacity) forbids
    lead_blocked: np.ndarray  # bool: a lead forbade the pair
    minimum: int  # micro-units
    config: MatchConfig
    kind: int

    @property
    def feasible(self) -> np.ndarray:
        return (
            ~self.rule_blocked
            & ~self.lead_blocked
            & (self.free[None, :] > 0)
            & (self.values >= self.minimum)
        )


def _grid(
    people: People,
    rules: HardRules,
    sides: _Sides,
    config: MatchConfig,
    kind: int,
    minimum: float,
    forbidden: Collection[tuple[str, str]],
) -> _Grid:
    index = people.index
    rows = np.array([index[p] for p in sides.row_ids], dtype=np.int64)
    cols = np.array([index[p] for p in sides.col_ids], dtype=np.int64)
    free = rules.free_capacity()[cols].astype(np.int64) if len(cols) else np.zeros(0, np.int64)
    n_rows, n_cols = len(rows), len(cols)
    values = np.zeros((n_rows, n_cols), dtype=np.int64)
    if n_rows and n_cols:
        scorer = BlockScorer(people, cols, config)
        step = max(1, 1_500_000 // n_cols)
        for r0 in range(0, n_rows, step):
            block = rows[r0 : r0 + step]
            values[r0 : r0 + step] = quantise(
                scorer.values(block, np.full(len(block), kind, dtype=np.int64))
            )
    blocked = np.zeros((n_rows, n_cols), dtype=bool)
    if n_rows and n_cols:
        r, c = rules.forbidden_pairs(rows, cols)
        blocked[r, c] = True
    lead = np.zeros((n_rows, n_cols), dtype=bool)
    row_of = {p: i for i, p in enumerate(sides.row_ids)}
    col_of = {p: i for i, p in enumerate(sides.col_ids)}
    for mentee_id, mentor_id in forbidden:
        if mentee_id in row_of and mentor_id in col_of:
            lead[row_of[mentee_id], col_of[mentor_id]] = True
    return _Grid(
        people,
        rules,
        rows,
        cols,
        free,
        values,
        blocked,
        lead,
        round(minimum * SCALE),
        config,
        kind,
    )


def _solve(grid: _Grid, sides: _Sides) -> tuple[np.ndarray, list[str]]:
    """The column of each row (-1: none), exact; and warnings (none in practice)."""
    n_rows = len(grid.rows)
    assigned = np.full(n_rows, -1, dtype=np.int64)
    usable = np.nonzero(grid.free > 0)[0]
    if n_rows == 0 or len(usable) == 0:
        return assigned, []
    feasible = grid.feasible[:, usable]
    slots = np.minimum(grid.free[usable], n_rows)
    if n_rows * (int(slots.sum()) + min(n_rows, int(slots.sum()))) <= DENSE_CELLS:
        local = _dense_assignment(grid.values[:, usable], feasible, slots)
        assigned[local >= 0] = usable[local[local >= 0]]
        if not _double_roles(assigned, sides):
            return assigned, []
        return _solve_with_roles(grid, sides)
    # Everything the solver must never propose, as (row, usable-column) cells.
    forbid_rows, forbid_cols = np.nonzero(~feasible)
    local, _edges = optimal_assignment(
        grid.people,
        grid.config,
        grid.rows,
        np.full(n_rows, grid.kind, dtype=np.int64),
        grid.cols[usable],
        grid.free[usable],
        forbid_rows,
        forbid_cols,
    )
    assigned[local >= 0] = usable[local[local >= 0]]
    if not _double_roles(assigned, sides):
        return assigned, []
    return _solve_with_roles(grid, sides)


def _dense_assignment(values: np.ndarray, feasible: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Exact max-weight b-matching on a dense matrix: each column expanded into its slots.

    The smaller side becomes the rows and gets one zero-value "nobody" column
    each, so every row may stay unmatched; infeasible cells are −∞ (never
    chosen).  Values are integers (micro-units), exact in float64 sums.
    """
    owner = np.repeat(np.arange(len(slots)), slots)
    weights = np.where(feasible, values.astype(np.float64), -np.inf)[:, owner]
    n_rows, n_slots = weights.shape
    assigned = np.full(n_rows, -1, dtype=np.int64)
    if n_slots == 0 or not np.isfinite(weights).any():
        return assigned
    flip = n_slots < n_rows
    matrix = weights.T if flip else weights
    padded = np.concatenate([matrix, np.zeros((matrix.shape[0], matrix.shape[0]))], axis=1)
    rows, cols = linear_sum_assignment(padded, maximize=True)
    real = cols < matrix.shape[1]
    rows, cols = rows[real], cols[real]
    if flip:
        rows, cols = cols, rows
    assigned[rows] = owner[cols]
    return assigned


def _double_roles(assigned: np.ndarray, sides: _Sides) -> set[str]:
    """``either`` people the assignment makes both a mentee and a mentor."""
    if not sides.either:
        return set()
    as_mentee = {sides.row_ids[r] for r in np.nonzero(assigned >= 0)[0].tolist()}
    as_mentor = {sides.col_ids[c] for c in assigned[assigned >= 0].tolist()}
    return as_mentee & as_mentor & sides.either


def _solve_with_roles(grid: _Grid, sides: _Sides) -> tuple[np.ndarray, list[str]]:
    """Exact integer program: every feasible pair, ``either`` people in one role at most."""
    n_rows, n_cols = grid.values.shape
    r, c = np.nonzero(grid.feasible)
    weights = grid.values[r, c].astype(np.float64)
    n = len(r)
    edge = np.arange(n)
    blocks_rows: list[np.ndarray] = []
    blocks_cols: list[np.ndarray] = []
    blocks_vals: list[np.ndarray] = []
    upper: list[float] = []
    # Each mentee at most once; each mentor within its free slots.
    blocks_rows += [r, n_rows + c]
    blocks_cols += [edge, edge]
    blocks_vals += [np.ones(n), np.ones(n)]
    upper += [1.0] * n_rows + [float(x) for x in grid.free]
    base = n_rows + n_cols
    col_of = {p: i for i, p in enumerate(sides.col_ids)}
    row_of = {p: i for i, p in enumerate(sides.row_ids)}
    for k, person in enumerate(sorted(sides.either & set(col_of) & set(row_of))):
        row, col = row_of[person], col_of[person]
        slots = float(grid.free[col])
        as_mentee = np.nonzero(r == row)[0]
        as_mentor = np.nonzero(c == col)[0]
        blocks_rows += [np.full(len(as_mentee) + len(as_mentor), base + k)]
        blocks_cols += [np.concatenate([as_mentee, as_mentor])]
        blocks_vals += [np.concatenate([np.full(len(as_mentee), slots), np.ones(len(as_mentor))])]
        upper.append(slots)
    matrix = coo_array(
        (np.concatenate(blocks_vals), (np.concatenate(blocks_rows), np.concatenate(blocks_cols))),
        shape=(len(upper), n),
    ).tocsr()
    result = milp(
        -weights,
        constraints=LinearConstraint(matrix, -np.inf, np.array(upper)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": MILP_SECONDS, "mip_rel_gap": 0.0},
    )
    assigned = np.full(n_rows, -1, dtype=np.int64)
    warnings: list[str] = []
    if result.x is None:
        return assigned, ["no solution found within the time limit: nothing proposed"]
    if result.status != 0:
        warnings.append("the best set found within the time limit is not proven optimal")
    chosen = np.nonzero(result.x > 0.5)[0]
    assigned[r[chosen]] = c[chosen]
    return assigned, warnings


# --- Reasons ---------------------------------------------------------------------------


def _unmatched_reason(grid: _Grid, row: int, either: bool) -> str:
    """Why row ``row`` got no mentor, in words (counts only: no names)."""
    n_cols = len(grid.cols)
    prefix = "signed up for either role; as a mentee: " if either else ""
    if n_cols == 0:
        return prefix + "nobody in this cohort signed up to mentor"
    own = grid.rows[row]
    others = grid.cols != own
    with_slot = others & (grid.free > 0)
    if not with_slot.any():
        return prefix + "no mentor in this cohort has a free slot (every one is at capacity)"
    allowed = with_slot & ~grid.rule_blocked[row]
    if not allowed.any():
        return (
            prefix + f"no mentor with a free slot is allowed: {_rule_counts(grid, row, with_slot)}"
        )
    allowed &= ~grid.lead_blocked[row]
    if not allowed.any():
        return prefix + "every mentor with a free slot who is allowed was forbidden for them"
    good = allowed & (grid.values[row] >= grid.minimum)
    if not good.any():
        best = int(grid.values[row][allowed].max())
        return prefix + (
            f"every candidate scores below the minimum score {_hundred(grid.minimum)} "
            f"(best {_hundred(best)} of 100)"
        )
    count = int(good.sum())
    best = int(grid.values[row][good].max())
    who = (
        "the one mentor they could have had is"
        if count == 1
        else f"all {count} mentors they could have had are"
    )
    return prefix + (
        f"{who} matched with other mentees, for a higher total "
        f"(their best score {_hundred(best)} of 100)"
    )


def _hundred(micro: int) -> str:
    """A micro-unit score on the 0–100 scale the pages use."""
    return f"{micro / SCALE * 100:.0f}"


def _rule_counts(grid: _Grid, row: int, with_slot: np.ndarray) -> str:
    mentee = int(grid.rows[row])
    counts = {"reporting": 0, "closed": 0, "open": 0}
    for col in np.nonzero(with_slot)[0].tolist():
        mentor = int(grid.cols[col])
        if grid.people.reporting_relation(mentor, mentee):
            counts["reporting"] += 1
        elif (mentor, mentee) in grid.rules.closed_pairs:
            counts["closed"] += 1
        elif (mentor, mentee) in grid.rules.open_pairs:
            counts["open"] += 1
    words = {
        "reporting": "in their reporting line",
        "closed": "already had a pairing with them that ended or completed",
        "open": "already paired with them",
    }
    parts = [f"{n} {words[k]}" for k, n in counts.items() if n]
    return "; ".join(parts) if parts else "every one is ruled out by a hard rule"


# --- The plan --------------------------------------------------------------------------


def match_cohort(
    engine: Engine,
    scope: Scope,
    cohort_id: str,
    *,
    config: MatchConfig | None = None,
    minimum_score: float | None = None,
    pins: Iterable[tuple[str, str]] = (),
    forbidden: Collection[tuple[str, str]] = (),
    explain: bool = False,
    people: People | None = None,
) -> CohortMatch:
    """The best new pairings for ``cohort_id``'s waiting sign-ups (writes nothing).

    ``pins`` and ``forbidden`` are (mentee_id, mentor_id) pairs a lead set;
    ``config`` overrides the stored matching weights (the page's sliders).
    ``explain`` fills ``candidates`` with every feasible pair; ``people``: everyone
    as already encoded from the same data (``load_scoring_inputs``).  Raises
    ``OutOfScope`` for a cohort outside ``scope``, :class:`MatchRequestError`
    for an unknown cohort or a pin that a hard rule forbids.
    """
    with engine.connect() as connection, Session(bind=connection) as session:
        sides = _read_sides(session, scope, cohort_id)
        people, rules, cfg = load_scoring_inputs(session, config, people=people)
        minimum = load_minimum_score(session) if minimum_score is None else minimum_score
    kind_name = KIND_OF_PROGRAM.get(sides.cohort.program_type, "traditional")
    kind = kind_code(kind_name)
    pinned = _apply_pins(list(pins), sides, people, rules)
    all_cols = list(sides.col_ids)
    all_free = rules.free_capacity()
    capacity = {p: int(all_free[people.index[p]]) for p in all_cols}
    grid = _grid(people, rules, sides, cfg, kind, minimum, forbidden)
    assigned, warnings = _solve(grid, sides)
    proposals = [_proposal(people, kind, cfg, m, t, score=None, pinned=True) for m, t in pinned]
    proposals += _proposals(grid, sides, assigned)
    mentors_used = {p.mentor_id for p in proposals}
    unmatched = [
        Unmatched(pid, _unmatched_reason(grid, row, pid in sides.either))
        for row, pid in enumerate(sides.row_ids)
        if assigned[row] < 0 and not (pid in sides.either and pid in mentors_used)
    ]
    result = CohortMatch(
        cohort_id=cohort_id,
        cohort_name=sides.cohort.name,
        kind=kind_name,
        sign_ups=sides.sign_ups,
        proposals=proposals,
        unmatched=unmatched,
        capacity=capacity,
        minimum_score=round(float(minimum), 6),
        warnings=warnings,
    )
    if explain:
        r, c = np.nonzero(grid.feasible)
        result.candidates = [
            (sides.row_ids[i], sides.col_ids[j], int(grid.values[i, j]) / SCALE)
            for i, j in zip(r.tolist(), c.tolist(), strict=True)
        ]
    return result


def _proposals(grid: _Grid, sides: _Sides, assigned: np.ndarray) -> list[Proposal]:
    placed = np.nonzero(assigned >= 0)[0]
    cols = assigned[placed]
    # Every proposal's parts at once (one vectorised pass, not one call per pair).
    people, config = grid.people, grid.config
    parts = score_components(people, grid.cols[cols], grid.rows[placed], grid.kind, config)
    options = np.where(grid.feasible[placed], grid.values[placed], -1)
    options[np.arange(len(placed)), cols] = -1
    runners = options.argmax(axis=1) if options.shape[1] else np.zeros(0, dtype=np.int64)
    out = []
    for k, (row, col) in enumerate(zip(placed.tolist(), cols.tolist(), strict=True)):
        runner = int(runners[k]) if options[k, runners[k]] >= 0 else -1
        out.append(
            Proposal(
                mentee_id=sides.row_ids[row],
                mentor_id=sides.col_ids[col],
                score=int(grid.values[row, col]) / SCALE,
                components={name: round(float(parts[name][k]), 4) for name in COMPONENTS},
                runner_up_mentor_id=sides.col_ids[runner] if runner >= 0 else None,
                runner_up_score=int(grid.values[row, runner]) / SCALE if runner >= 0 else None,
            )
        )
    out.sort(key=lambda p: (-p.score, p.mentee_id))
    return out


def _proposal(
    people: People,
    kind: int,
    config: MatchConfig,
    mentee_id: str,
    mentor_id: str,
    *,
    score: float | None,
    pinned: bool,
) -> Proposal:
    mentor, mentee = people.index[mentor_id], people.index[mentee_id]
    value = int(quantise(np.reshape(score_of(people, mentor, mentee, kind, config), 1))[0]) / SCALE
    return Proposal(
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        score=value if score is None else score,
        components=pair_components(people, mentor, mentee, kind, config),
        pinned=pinned,
    )


def _apply_pins(
    pins: list[tuple[str, str]], sides: _Sides, people: People, rules: HardRules
) -> list[tuple[str, str]]:
    """Check each pin and take it out of the problem (its mentee, one of its mentor's slots)."""
    done: list[tuple[str, str]] = []
    for mentee_id, mentor_id in pins:
        if mentee_id not in sides.row_ids:
            raise MatchRequestError(f"{mentee_id} is not a waiting mentee of this cohort")
        if mentor_id not in sides.col_ids:
            raise MatchRequestError(f"{mentor_id} is not a mentor of this cohort")
        mentor, mentee = people.index[mentor_id], people.index[mentee_id]
        broken = rules.broken(mentor, mentee)
        if broken:
            raise MatchRequestError(f"{mentee_id} cannot be pinned to {mentor_id}: {broken[0]}")
        rules.load[mentor] += 1  # the pin takes one of the mentor's slots
        sides.row_ids.remove(mentee_id)
        if mentee_id in sides.col_ids and mentee_id in sides.either:
            sides.col_ids.remove(mentee_id)  # a pinned mentee mentors nobody here
        if mentor_id in sides.row_ids and mentor_id in sides.either:
            sides.row_ids.remove(mentor_id)  # a pinned mentor is nobody's mentee here
        done.append((mentee_id, mentor_id))
    return done

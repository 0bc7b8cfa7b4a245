"""Exact max-weight b-matching of rows (mentees) to columns (mentors), in bounded memory.

Rebalancing and rotation both ask the same question: give each row at most
one column, each column at most its open slots, maximising the total match
value.  :func:`solve_b_matching` solves it exactly over a list of candidate
edges; :func:`optimal_assignment` decides *which* edges to list.

**Candidates.**  Rows are scored against every column once, in blocks of
:data:`CHUNK_CELLS` cells (memory stays bounded whatever the program size,
and :class:`BlockScorer` gives bit-for-bit the values of
:func:`tandem.matching.scoring.score`).  Each row keeps its best columns holding
:data:`DEEP_SLOTS` open slots in reserve, and offers the solver only those
holding :data:`FIRST_SLOTS` (with every tie of the last one), plus its own
*stay* edge when it has one.
(The earlier rule kept, per row, enough columns to hold one slot per
movable pairing: provably safe by an exchange argument, but at 50,000
pairings that was ~10,000 columns per row and about 9 GB of edges.)

**Why that is still exact: a certificate.**  After solving the candidate
problem, linear-programming duality checks the answer against *every* edge.
The b-matching LP (bipartite, so its optimum is integral) has the dual
``min Σ u_r + Σ b_c v_c`` subject to ``u_r + v_c ≥ w_rc`` for every edge and
``u, v ≥ 0``.  From the optimal candidate matching, :func:`_duals` builds
``v`` as the least longest-path potentials over the columns (``v_c`` is what
one slot of a full column is worth to the others) and ``u_r`` as what row
*r* keeps.
They satisfy every candidate edge and complementary slackness, and the code
checks that ``Σ u + Σ b v`` equals the total.  An edge left out of row *r*
has a value of at most ``bound_r`` (the best value it cut off), so when
``u_r ≥ bound_r`` it satisfies ``u_r + v_c ≥ w_rc`` too
(``v_c ≥ 0``): the duals are feasible for the full problem, and by weak
duality no assignment of the full problem beats the candidate one.  A row
that fails the check first looks four times deeper into the best options
kept from the scoring pass (:data:`DEEP_SLOTS`), then, once those are used
up, is scored again for every column worth more than ``u_r`` (floor
``u_r + 1``); the problem is solved again after each step.  Lists only
grow, so this ends (after :data:`MAX_ROUNDS` rounds a failing row simply
gets all its columns).  Should the duals ever fail their own checks, the
failing rows are handled the same way.

Values are integers (micro-units), so every comparison above is exact.  When
several assignments reach the same total, which one is returned depends on
the candidate lists; all of them are optimal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from tandem.matching.config import COMPONENTS, MatchConfig
from tandem.matching.people import People
from tandem.matching.scoring import _level_table

SCALE = 1_000_000  # values are solved in micro-units: exact integer arithmetic
#: Open slots a row's first candidate list holds.  Longer lists pass the
#: optimality check more often, shorter ones make a smaller problem (at
#: 50,000 pairings 32 needs 6 solves, 8 needed 9: 7 s more in all).
FIRST_SLOTS = 32
#: Open slots of best options kept per row from the one full scoring pass; a
#: row that fails the check looks 4× deeper into them before being rescored.
DEEP_SLOTS = 512
#: Score-matrix cells per block: bounds memory whatever the program size.
CHUNK_CELLS = 1_500_000
#: After this many rounds, rows that still fail the check get all their columns
#: (never reached in practice: the 50,000-pairing demo needs 6 rounds).
MAX_ROUNDS = 20

#: ``extra_forbidden(rows, columns) -> mask`` over aligned (row, column) pairs.
PairFilter = Callable[[np.ndarray, np.ndarray], np.ndarray]


def quantise(values: np.ndarray) -> np.ndarray:
    """Scores (0–1 floats) as integer micro-units (round half to even, as ``np.round``)."""
    scaled = np.multiply(values, SCALE, dtype=np.float64)
    np.rint(scaled, out=scaled)  # in place: one temporary less on large blocks
    return scaled.astype(np.int64)


# --- The exact solver -------------------------------------------------------------


def solve_b_matching(
    n_rows: int,
    edge_rows: np.ndarray,
    edge_cols: np.ndarray,
    edge_values: np.ndarray,
    capacity: np.ndarray,
) -> np.ndarray:
    """Max-weight b-matching: the column chosen for each row, -1 for none.

    Each row takes at most one edge, column *c* at most ``capacity[c]``.
    ``edge_values`` are non-negative integers (micro-units); (row, column)
    pairs must be unique.  Exact: slot expansion plus one zero-value dummy
    column per row turns it into a rectangular assignment problem, solved by
    LAPJVsp.
    """
    edge_rows = np.asarray(edge_rows, dtype=np.int64)
    edge_cols = np.asarray(edge_cols, dtype=np.int64)
    edge_values = np.asarray(edge_values, dtype=np.int64)
    assigned = np.full(n_rows, -1, dtype=np.int64)
    if n_rows == 0 or len(edge_rows) == 0:
        return assigned
    if (edge_values < 0).any():
        raise ValueError("edge values must be non-negative")
    capacity = np.asarray(capacity, dtype=np.int64)
    # A column never needs more slots than it has edges.
    degree = np.bincount(edge_cols, minlength=len(capacity))
    slots = np.minimum(capacity, degree)
    keep = slots[edge_cols] > 0
    edge_rows, edge_cols, edge_values = edge_rows[keep], edge_cols[keep], edge_values[keep]
    if len(edge_rows) == 0:
        return assigned
    offset = np.concatenate(([0], np.cumsum(slots)))
    total_slots = int(offset[-1])
    # Expand each edge into one edge per slot of its column, rows in order.
    order = np.argsort(edge_rows, kind="stable")
    edge_rows, edge_cols, edge_values = edge_rows[order], edge_cols[order], edge_values[order]
    repeat = slots[edge_cols]
    rows = np.repeat(edge_rows, repeat)
    values = np.repeat(edge_values, repeat)
    run_start = np.cumsum(repeat) - repeat
    slot_cols = np.repeat(offset[edge_cols] - run_start, repeat) + np.arange(len(rows))
    slot_owner = np.repeat(np.arange(len(slots)), slots)
    # Build the CSR matrix directly: each row's slot edges, then its private
    # "unassigned" column.  Costs must be non-zero for a sparse matrix, so
    # every value is shifted below `big` (a constant per row: same optimum).
    big = int(values.max()) + 1
    per_row = np.bincount(rows, minlength=n_rows) + 1
    indptr = np.concatenate(([0], np.cumsum(per_row)))
    nnz = int(indptr[-1])
    indices = np.empty(nnz, dtype=np.int64)
    costs = np.empty(nnz, dtype=np.float64)
    edge_positions = np.arange(len(rows)) + rows  # one dummy before each later row
    dummy_positions = indptr[1:] - 1
    indices[edge_positions] = slot_cols
    costs[edge_positions] = big - values
    indices[dummy_positions] = total_slots + np.arange(n_rows)
    costs[dummy_positions] = big
    matrix = csr_array((costs, indices, indptr), shape=(n_rows, total_slots + n_rows))
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    real = col_ind < total_slots
    assigned[row_ind[real]] = slot_owner[col_ind[real]]
    return assigned


def _duals(
    n_rows: int,
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    capacity: np.ndarray,
    assigned: np.ndarray,
) -> np.ndarray | None:
    """Row duals ``u`` proving ``assigned`` optimal over the edges, or None if it is not.

    Column prices ``v`` must satisfy ``v_a ≤ v_c + w_ra − w_rc`` for every
    row *r* on column *a* and other edge (r, c) — an arc a → c — with price 0
    for columns with a free slot and for an extra node standing for
    "unassigned" (value 0).  The least such prices are longest-path
    potentials (Bellman–Ford, vectorised); an optimal matching has no
    positive cycle, so it converges.  Every dual constraint and the duality gap are
    then checked outright, so a None here means "not proven", never a wrong
    proof.
    """
    n_cols = len(capacity)
    unassigned = n_cols  # the extra node
    if n_rows == 0:
        return np.zeros(0, dtype=np.int64)
    on = np.where(assigned >= 0, assigned, unassigned)
    own_value = np.zeros(n_rows, dtype=np.int64)
    hit = assigned[rows] == cols
    own_value[rows[hit]] = values[hit]
    if np.count_nonzero(hit) != np.count_nonzero(assigned >= 0):
        return None
    used = np.bincount(assigned[assigned >= 0], minlength=n_cols)
    if (used > capacity).any():
        return None
    # Arcs: every other edge of a row, and each assigned row's way out to "unassigned".
    other = ~hit
    placed = np.nonzero(assigned >= 0)[0]
    src = np.concatenate([on[rows[other]], assigned[placed]])
    dst = np.concatenate([cols[other], np.full(len(placed), unassigned)])
    length = np.concatenate([own_value[rows[other]] - values[other], own_value[placed]]).astype(
        np.int64
    )
    free = np.append(used < capacity, True)  # columns with a free slot, and "unassigned"
    # The *least* prices: a full column costs only what another row would pay
    # for its slot.  Cheaper columns leave each row more (u), so fewer rows
    # need a second look.  Longest paths from price 0, relaxed until stable.
    price = np.zeros(n_cols + 1, dtype=np.int64)
    order = np.argsort(dst, kind="stable")
    src_sorted, dst_sorted, length_sorted = src[order], dst[order], length[order]
    targets, starts = np.unique(dst_sorted, return_index=True)
    for _ in range(n_cols + 2):
        reach = np.maximum.reduceat(price[src_sorted] - length_sorted, starts)
        higher = reach > price[targets]
        if not higher.any():
            break
        if free[targets[higher]].any():  # a free slot someone would pay for: not optimal
            return None
        price[targets[higher]] = reach[higher]
    else:
        return None
    if not (price[src] <= price[dst] + length).all():
        return None
    row_dual = own_value - price[on]
    row_dual[assigned < 0] = 0
    if (row_dual < 0).any() or (row_dual[rows] + price[cols] < values).any():
        return None
    total = int(own_value[assigned >= 0].sum())
    if int(row_dual.sum()) + int((capacity * price[:n_cols]).sum()) != total:
        return None
    return row_dual


# --- Candidates and the exact loop -----------------------------------------------------


@dataclass
class Edges:
    """Candidate edges (row, column position, value in micro-units)."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray

    @classmethod
    def empty(cls) -> Edges:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, nothing.copy(), nothing.copy())

    def masked(self, keep: np.ndarray) -> Edges:
        return Edges(self.rows[keep], self.cols[keep], self.values[keep])

    def best_first(self, n_rows: int) -> tuple[Edges, np.ndarray]:
        """The edges by row, each row's best first, and where each row's run starts
        (row ``r``'s edges are ``bounds[r]:bounds[r + 1]``)."""
        ranked = self.masked(np.lexsort((-self.values, self.rows)))
        return ranked, np.searchsorted(ranked.rows, np.arange(n_rows + 1))

    def plus(self, other: Edges) -> Edges:
        """These edges followed by ``other``'s."""
        return Edges(
            np.concatenate([self.rows, other.rows]),
            np.concatenate([self.cols, other.cols]),
            np.concatenate([self.values, other.values]),
        )


class BlockScorer:
    """:func:`tandem.matching.scoring.score` for rows × a fixed set of columns, by table look-ups.

    Every float operation of :func:`~tandem.matching.scoring.score` is kept, in the
    same order, but done once per distinct value (per row: each goal overlap,
    each mentor tenure, each level gap) instead of once per cell; the cells
    only gather and add.  The values are therefore bit-for-bit the same (a
    test checks it), about twice as fast, which matters at 13,000 × 70,000.
    """

    def __init__(self, people: People, columns: np.ndarray, config: MatchConfig) -> None:
        total = sum(config.weights[name] for name in COMPONENTS)
        self.weight = {name: config.weights[name] / total for name in COMPONENTS}
        self.people, self.config = people, config
        self.strengths = people.strengths[columns]
        self.division = people.division[columns]
        self.geography = people.geography[columns]
        self.level = people.level[columns].astype(np.int64)
        self.function = people.function[columns]
        self.function_unknown = self.function < 0
        tenure = people.tenure[columns]
        self.tenures, tenure_code = np.unique(tenure, return_inverse=True)
        self.tenure_code3 = (tenure_code.reshape(-1) * 3).astype(np.int64)
        hours = people.hours[columns][None, :]
        self.availability = np.where(
            np.isnan(hours),
            0.5,
            1.0 - np.exp(-np.maximum(hours, 0.0) / config.availability_scale_hours),
        )
        self.level_table = _level_table(config.level_sigma)

    def values(self, mentees: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        """Scores (float64, rows × columns) of ``mentees`` with pairing ``kinds``."""
        people, weight = self.people, self.weight
        n, n_cols = len(mentees), len(self.level)
        result: np.ndarray | None = None

        def add(part: np.ndarray) -> np.ndarray:
            nonlocal result
            if result is None:
                result = part  # 0.0 + x == x: same as score()'s zero start
            else:
                result += part
            return result

        if weight["skills"]:
            overlap = np.zeros((n, n_cols), dtype=np.int64)
            for w in range(self.strengths.shape[1]):
                overlap += np.bitwise_count(
                    self.strengths[None, :, w] & people.goals[mentees, w][:, None]
                )
            wanted = people.goal_count[mentees].astype(np.float64)
            inverse = np.divide(1.0, wanted, out=np.zeros_like(wanted), where=wanted > 0)
            width = int(people.goal_count[mentees].max(initial=0)) + 1
            table = np.arange(width)[None, :] * inverse[:, None]
            table += np.where(wanted > 0, 0.0, 0.5)[:, None]
            table = weight["skills"] * table
            overlap += (np.arange(n) * width)[:, None]
            add(table.reshape(-1)[overlap])
        if weight["diversity"]:
            differ = (self.division[None, :] != people.division[mentees][:, None]).astype(np.int8)
            differ += self.geography[None, :] != people.geography[mentees][:, None]
            diversity = np.array([0.0, 1.0, 2.0])
            diversity *= 0.5
            add((weight["diversity"] * diversity)[differ])
        if weight["breadth"]:
            span = np.abs(self.tenures[None, :] - people.tenure[mentees][:, None])
            span *= 1.0 / self.config.tenure_scale_years
            np.minimum(span, 1.0, out=span)
            np.nan_to_num(span, copy=False, nan=0.5)
            # (row, tenure, function case 0 / 0.5 / 1) → weight × (span + case) × 0.5
            table = span[:, :, None] + np.array([0.0, 0.5, 1.0])[None, None, :]
            table *= 0.5
            table = weight["breadth"] * table
            own = people.function[mentees]
            case = (self.function[None, :] != own[:, None]).astype(np.int64) * 2
            unknown = self.function_unknown[None, :] | (own < 0)[:, None]
            case[np.broadcast_to(unknown, case.shape)] = 1
            case += self.tenure_code3[None, :]
            case += (np.arange(n) * table.shape[1] * 3)[:, None]
            add(table.reshape(-1)[case])
        if weight["level"]:
            table = weight["level"] * self.level_table[kinds]  # (rows, 15 gaps)
            gap = self.level[None, :] - people.level[mentees].astype(np.int64)[:, None]
            gap += (np.arange(n) * table.shape[1] + 7)[:, None]
            add(table.reshape(-1)[gap])
        if weight["availability"]:
            part = np.multiply(weight["availability"], self.availability)
            if result is None:
                result = np.broadcast_to(part, (n, n_cols)).copy()
            else:
                result += part
        assert result is not None  # at least one weight is above 0 (MatchConfig checks)
        return result


@dataclass
class _Problem:
    people: People
    config: MatchConfig
    mentees: np.ndarray
    kinds: np.ndarray
    columns: np.ndarray
    capacity: np.ndarray
    forbidden: np.ndarray  # sorted keys row * n_cols + col
    stay_cols: np.ndarray  # -1: no stay edge
    stay_values: np.ndarray
    extra_forbidden: PairFilter | None
    scorer: BlockScorer


def _block(problem: _Problem, row_ids: np.ndarray) -> np.ndarray:
    """Values of ``row_ids`` × every column (micro-units); -1 where no edge may be."""
    q = quantise(problem.scorer.values(problem.mentees[row_ids], problem.kinds[row_ids]))
    n_cols = len(problem.columns)
    # Each row's forbidden keys are one run of the sorted key array.
    lo = np.searchsorted(problem.forbidden, row_ids * n_cols)
    count = np.searchsorted(problem.forbidden, (row_ids + 1) * n_cols) - lo
    starts = np.repeat(lo - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    keys = problem.forbidden[starts]
    q[np.repeat(np.arange(len(row_ids)), count), keys % n_cols] = -1
    stay = problem.stay_cols[row_ids]
    has = np.nonzero(stay >= 0)[0]
    q[has, stay[has]] = -1  # the stay edge is added on its own, with its own value
    if problem.extra_forbidden is not None:
        grid_rows = np.repeat(row_ids, n_cols)
        grid_cols = np.tile(np.arange(n_cols), len(row_ids))
        q[problem.extra_forbidden(grid_rows, grid_cols).reshape(q.shape)] = -1
    return q


def _first_candidates(problem: _Problem) -> tuple[Edges, np.ndarray]:
    """Each row's best edges holding DEEP_SLOTS open slots, best first, and the best value
    left out of them.

    Rows are scored in blocks of CHUNK_CELLS cells, so memory stays bounded;
    only these edges outlive their block.
    """
    n_rows, n_cols = len(problem.mentees), len(problem.columns)
    bound = np.full(n_rows, -1, dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    step = max(1, CHUNK_CELLS // n_cols)
    for r0 in range(0, n_rows, step):
        row_ids = np.arange(r0, min(n_rows, r0 + step))
        q = _block(problem, row_ids)
        rows, cols = _prune(q, problem.capacity, DEEP_SLOTS)
        values = q[rows, cols]
        q[rows, cols] = -1
        bound[row_ids] = q.max(axis=1)
        parts.append((row_ids[rows], cols, values))
    rows, cols, values = (np.concatenate([p[i] for p in parts]) for i in range(3))
    order = np.lexsort((cols, -values, rows))
    return Edges(rows[order], cols[order], values[order]), bound


def _row_cumulative(rows: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Running sum of ``amounts`` within each run of equal (sorted) ``rows``."""
    running = np.cumsum(amounts)
    first = np.concatenate(([True], rows[1:] != rows[:-1]))
    base = np.maximum.accumulate(np.where(first, running - amounts, 0))
    return running - base


def _prefix(
    reserve: Edges, before: np.ndarray, depth: np.ndarray, reserve_bound: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which reserve edges make each row's first ``depth`` slots (with every tie of the
    last one), the best value left out per row, and whether the row took its whole reserve.
    """
    n = len(depth)
    take = before < depth[reserve.rows]
    top = np.iinfo(np.int64).max
    cut = np.full(n, top, dtype=np.int64)
    np.minimum.at(cut, reserve.rows[take], reserve.values[take])
    take |= reserve.values >= cut[reserve.rows]
    left = ~take
    bound = reserve_bound.copy()
    np.maximum.at(bound, reserve.rows[left], reserve.values[left])
    whole = np.ones(n, dtype=bool)
    whole[reserve.rows[left]] = False
    return take, bound, whole


def _prune(q: np.ndarray, capacity: np.ndarray, need: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the best allowed columns until their open slots reach ``need``."""
    n_local, n_cols = q.shape
    k = min(need, n_cols)  # every column has ≥ 1 slot, so `need` columns always suffice
    if k < n_cols:
        top = np.argpartition(q, n_cols - k, axis=1)[:, n_cols - k :]
    else:
        top = np.broadcast_to(np.arange(n_cols), (n_local, n_cols))
    top_values = np.take_along_axis(q, top, axis=1)
    order = np.argsort(-top_values, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    top_values = np.take_along_axis(top_values, order, axis=1)
    feasible = top_values >= 0
    slots = np.where(feasible, capacity[top], 0)
    before = np.cumsum(slots, axis=1) - slots
    keep = feasible & (before < need)
    rows, positions = np.nonzero(keep)
    return rows, top[rows, positions]


def _candidates_above(
    problem: _Problem, rows: np.ndarray, floors: np.ndarray
) -> tuple[Edges, np.ndarray]:
    """Every allowed edge of ``rows`` worth at least the row's floor (the rest are below it)."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    step = max(1, CHUNK_CELLS // len(problem.columns))
    for r0 in range(0, len(rows), step):
        row_ids = rows[r0 : r0 + step]
        q = _block(problem, row_ids)
        local, cols = np.nonzero((q >= floors[r0 : r0 + step, None]) & (q >= 0))
        parts.append((row_ids[local], cols, q[local, cols]))
    if not parts:
        return Edges.empty(), floors - 1
    return Edges(*(np.concatenate([p[i] for p in parts]) for i in range(3))), floors - 1


def _with_stays(problem: _Problem, edges: Edges, rows: np.ndarray) -> Edges:
    stay = rows[problem.stay_cols[rows] >= 0]
    return edges.plus(Edges(stay, problem.stay_cols[stay], problem.stay_values[stay]))


def optimal_assignment(
    people: People,
    config: MatchConfig,
    mentees: np.ndarray,
    kinds: np.ndarray,
    columns: np.ndarray,
    capacity: np.ndarray,
    forbid_rows: np.ndarray,
    forbid_cols: np.ndarray,
    *,
    stay_cols: np.ndarray | None = None,
    stay_values: np.ndarray | None = None,
    extra_forbidden: PairFilter | None = None,
) -> tuple[np.ndarray, Edges]:
    """The optimal column per row (-1: none) and the candidate edges that prove it.

    Rows are (mentee, pairing kind); columns are mentor positions with
    ``capacity`` open slots.  ``forbid_rows/cols`` are pairs a hard rule
    forbids, ``extra_forbidden`` a further rule on (row, column) pairs.  A
    row's stay edge (``stay_cols``, value ``stay_values``) is always a
    candidate and replaces the score of that column.  The returned edges hold
    every option the solver weighed: re-solving them gives the same total,
    and no option outside them could raise it (see the module docstring).
    """
    n_rows, n_cols = len(mentees), len(columns)
    mentees = np.asarray(mentees, dtype=np.int64)
    kinds = np.asarray(kinds, dtype=np.int64)
    capacity = np.asarray(capacity, dtype=np.int64)
    if stay_cols is None or stay_values is None:
        stay_cols = np.full(n_rows, -1, dtype=np.int64)
        stay_values = np.zeros(n_rows, dtype=np.int64)
    if n_rows == 0 or n_cols == 0:
        stay = np.nonzero(stay_cols >= 0)[0]
        edges = Edges(stay, stay_cols[stay], stay_values[stay])
        return solve_b_matching(n_rows, edges.rows, edges.cols, edges.values, capacity), edges
    forbidden = np.unique(np.asarray(forbid_rows, np.int64) * n_cols + np.asarray(forbid_cols))
    problem = _Problem(
        people,
        config,
        mentees,
        kinds,
        np.asarray(columns, dtype=np.int64),
        capacity,
        forbidden,
        np.asarray(stay_cols, dtype=np.int64),
        np.asarray(stay_values, dtype=np.int64),
        extra_forbidden,
        BlockScorer(people, np.asarray(columns, dtype=np.int64), config),
    )
    return _solve_until_proven(problem, n_rows, capacity)


def _solve_until_proven(
    problem: _Problem, n_rows: int, capacity: np.ndarray
) -> tuple[np.ndarray, Edges]:
    """Solve on a prefix of each row's candidates, widening the rows the dual check fails.

    Each round solves the b-matching on the edges taken so far and checks
    every row's dual against the bound on what it left out; only the failing
    rows look further (deeper into their reserve, or scored again).
    """
    reserve, reserve_bound = _first_candidates(problem)
    slots = np.minimum(capacity[reserve.cols], DEEP_SLOTS)
    before = _row_cumulative(reserve.rows, slots) - slots
    depth = np.full(n_rows, FIRST_SLOTS, dtype=np.int64)
    rescanned = np.zeros(n_rows, dtype=bool)
    rescan_bound = np.full(n_rows, -1, dtype=np.int64)
    extra = Edges.empty()
    rounds = 0
    while True:
        take, bound, whole = _prefix(reserve, before, depth, reserve_bound)
        take &= ~rescanned[reserve.rows]
        bound[rescanned] = rescan_bound[rescanned]
        edges = _with_stays(problem, reserve.masked(take).plus(extra), np.arange(n_rows))
        assigned = solve_b_matching(n_rows, edges.rows, edges.cols, edges.values, capacity)
        row_dual = _duals(n_rows, edges.rows, edges.cols, edges.values, capacity, assigned)
        rounds += 1
        if row_dual is None:  # not proven (never expected): give rows all their columns
            row_dual = np.full(n_rows, -1, dtype=np.int64)
            rounds = MAX_ROUNDS
        failing = row_dual < bound
        if not failing.any():
            return assigned, edges
        # Rows with more reserve left look deeper into it; the others are scored again
        # against every column worth more than what they keep (all of them, late on).
        grow = failing & ~whole & ~rescanned & (rounds < MAX_ROUNDS)
        depth[grow] *= 4
        again = np.nonzero(failing & ~grow)[0]
        if len(again):
            floors = np.maximum(row_dual[again] + 1, 0)
            if rounds >= MAX_ROUNDS:
                floors[:] = 0
            found, found_bound = _candidates_above(problem, again, floors)
            keep = ~np.isin(extra.rows, again)
            extra = extra.masked(keep).plus(found)
            rescanned[again] = True
            rescan_bound[again] = found_bound

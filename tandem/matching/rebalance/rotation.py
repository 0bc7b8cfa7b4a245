"""Rotation: the next mentor for mentees whose pairing completed and who have no open one.

For each such mentee, :func:`compute_rotation` proposes the best next mentor
with a different perspective — a division *or* a geography none of their
previous mentors had — respecting the hard rules and current free capacity,
assigned jointly with the exact solver (:mod:`tandem.matching.assignment`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from tandem.matching.assignment import SCALE, optimal_assignment
from tandem.matching.rebalance.model import ClosedPairing, RotationSuggestion
from tandem.matching.scoring import (
    CLOSED_STATUSES,
    LOAD_STATUSES,
    HardRules,
    MatchConfig,
    People,
    kind_code,
    load_match_config,
    load_people,
    pair_components,
)
from tandem.program.db import connected
from tandem.program.models import (
    Pairing,
)


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
            base.reasons.append(f"a new division ({division})")
        if people.geography[target] not in seen_geographies[r]:
            geography = people.geography_names[people.geography[target]]
            base.reasons.append(f"a new geography ({geography})")
        wanted = int(people.goal_count[mentee])
        if wanted:
            covered = int(np.bitwise_count(people.strengths[target] & people.goals[mentee]).sum())
            base.reasons.append(f"covers {covered} of {wanted} development goals")
        base.suggested_mentor_id = people.ids[target]
        base.score = value / SCALE
        base.components = pair_components(people, target, mentee, latest.kind, config)
        out.append(base)
    return out

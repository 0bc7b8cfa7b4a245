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

from tandem.matching.assignment import SCALE
from tandem.matching.config import MatchConfig
from tandem.matching.people import People
from tandem.matching.rebalance.model import ClosedPairing, RotationSuggestion
from tandem.matching.rebalance.slots import OpenSlots
from tandem.matching.rules import LOAD_STATUSES, HardRules
from tandem.matching.scoring import kind_code, load_scoring_inputs, pair_components
from tandem.program.db import connected
from tandem.program.models import (
    CLOSED_STATUSES,
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
        people, rules, cfg = load_scoring_inputs(connection, config)
        history = load_closed_pairings(connection)
    return plan_rotation(people, rules, history, cfg)


_Row = tuple[str, ClosedPairing, list[int]]  # mentee id, latest completed pairing, previous mentors


def plan_rotation(
    people: People, rules: HardRules, history: list[ClosedPairing], config: MatchConfig
) -> list[RotationSuggestion]:
    """Jointly optimal next mentors, each bringing a division or geography not seen before.

    Rows are mentees with at least one *completed* pairing (and, by the loader,
    no open one); previous mentors are those of every closed pairing (ended
    or completed), which the repeat rule forbids anyway.
    """
    rows = _rows(people, history)
    if not rows:
        return []
    row_mentees = np.array([people.index[m] for m, _, _ in rows], dtype=np.int64)
    row_kinds = np.array([kind_code(latest.kind) for _, latest, _ in rows], dtype=np.int64)
    slots = OpenSlots.of(rules, row_mentees, row_kinds, rules.free_capacity())
    columns = slots.columns
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

    assigned, ranked, bounds = slots.solve(people, config, extra_forbidden=same_perspective)
    e_cols, e_values = ranked.cols, ranked.values
    return [
        _explain(
            people,
            config,
            rows,
            r,
            assigned,
            columns,
            e_cols[bounds[r] : bounds[r + 1]],
            e_values[bounds[r] : bounds[r + 1]],
        )
        for r in range(len(rows))
    ]


def _rows(people: People, history: list[ClosedPairing]) -> list[_Row]:
    """One row per mentee with a completed pairing: its latest one and every previous mentor."""
    by_mentee: dict[str, list[ClosedPairing]] = {}
    for item in history:
        if item.mentee_id in people.index and item.mentor_id in people.index:
            by_mentee.setdefault(item.mentee_id, []).append(item)
    rows: list[_Row] = []
    for mentee_id, items in sorted(by_mentee.items()):
        completed = [i for i in items if i.status == "completed"]
        if not completed:
            continue
        latest = max(completed, key=lambda i: (i.ended or dt.date.min, i.pairing_id))
        previous = sorted({people.index[i.mentor_id] for i in items})
        rows.append((mentee_id, latest, previous))
    return rows


def _explain(
    people: People,
    config: MatchConfig,
    rows: list[_Row],
    r: int,
    assigned: np.ndarray,
    columns: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
) -> RotationSuggestion:
    """Row ``r``'s next mentor, runner-up and reasons; ``cols`` and ``values`` are its
    options, best first."""
    mentee_id, latest, previous = rows[r]
    mentee = people.index[mentee_id]
    base = RotationSuggestion(
        mentee_id=mentee_id,
        previous_pairing_id=latest.pairing_id,
        previous_mentor_ids=[people.ids[p] for p in previous],
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
            "the free places of every suitable mentor went to mentees they suit better"
            if len(cols)
            else "no mentor with a free place brings a new division or geography "
            "and passes the hard rules"
        ]
        return base
    target = int(columns[assigned[r]])
    others = cols != assigned[r]
    if others.any():
        best = int(np.argmax(others))  # options are sorted by value, descending
        column = int(cols[best])
        base.runner_up_mentor_id = people.ids[int(columns[column])]
        base.runner_up_score = int(values[best]) / SCALE
        holders = np.nonzero(assigned == column)[0].tolist()
        base.runner_up_taken_by = [rows[h][0] for h in holders if h != r]
    if people.division[target] not in people.division[previous]:
        base.reasons.append(f"a new division ({people.division_names[people.division[target]]})")
    if people.geography[target] not in people.geography[previous]:
        geography = people.geography_names[people.geography[target]]
        base.reasons.append(f"a new geography ({geography})")
    wanted = int(people.goal_count[mentee])
    if wanted:
        covered = int(np.bitwise_count(people.strengths[target] & people.goals[mentee]).sum())
        base.reasons.append(f"covers {covered} of {wanted} goals")
    base.suggested_mentor_id = people.ids[target]
    base.score = int(values[cols == assigned[r]][0]) / SCALE
    base.components = pair_components(people, target, mentee, latest.kind, config)
    return base

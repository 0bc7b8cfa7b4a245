"""Mentees against the mentors' open slots (``tandem.matching.rebalance.slots``): the
columns, what the hard rules forbid, and the solve both the plan and rotation read."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from tandem.matching.assignment import optimal_assignment
from tandem.matching.config import MatchConfig
from tandem.matching.people import load_people
from tandem.matching.rebalance.slots import OpenSlots
from tandem.matching.rules import HardRules
from tandem.matching.scoring import kind_code

CONFIG = MatchConfig()


def _slots(program: Engine, mentees: list[str]) -> tuple[OpenSlots, HardRules]:
    people = load_people(program)
    rules = HardRules.from_db(program, people)
    rows = np.array([people.index[m] for m in mentees], dtype=np.int64)
    kinds = np.full(len(rows), kind_code("traditional"), dtype=np.int64)
    return OpenSlots.of(rules, rows, kinds, rules.free_capacity()), rules


def test_columns_are_the_mentors_with_a_free_slot_and_the_rules_forbid_cells(
    program: Engine,
) -> None:
    slots, rules = _slots(program, ["dir", "e1", "fan"])
    people = rules.people
    free = rules.free_capacity()
    assert slots.columns.tolist() == np.flatnonzero(free > 0).tolist()
    assert slots.capacity.tolist() == free[slots.columns].tolist()
    assert people.index["full"] not in slots.columns  # full is full
    forbidden = set(zip(slots.forbid_rows.tolist(), slots.forbid_cols.tolist(), strict=True))
    for row, mentee in enumerate(slots.mentees.tolist()):
        for col, mentor in enumerate(slots.columns.tolist()):
            broken = rules.broken(int(mentor), int(mentee), check_capacity=False)
            assert ((row, col) in forbidden) == bool(broken), (row, col)


def test_forbidding_adds_cells_and_leaves_the_slots_as_they_were(program: Engine) -> None:
    slots, _ = _slots(program, ["dir", "e1"])
    more = slots.forbidding(np.array([0, 1]), np.array([0, 0]))
    assert len(more.forbid_rows) == len(slots.forbid_rows) + 2
    assert more.forbid_rows[-2:].tolist() == [0, 1] and more.forbid_cols[-2:].tolist() == [0, 0]
    assert more.columns is slots.columns  # only the forbidden cells change


def test_solve_is_the_exact_assignment_with_each_rows_options_best_first(
    program: Engine,
) -> None:
    slots, rules = _slots(program, ["dir", "e1", "e2", "fan"])
    people = rules.people
    assigned, ranked, bounds = slots.solve(people, CONFIG)
    expected, _ = optimal_assignment(
        people,
        CONFIG,
        slots.mentees,
        slots.kinds,
        slots.columns,
        slots.capacity,
        slots.forbid_rows,
        slots.forbid_cols,
    )
    assert assigned.tolist() == expected.tolist()
    used = np.bincount(assigned[assigned >= 0], minlength=len(slots.columns))
    assert (used <= slots.capacity).all()
    forbidden = set(zip(slots.forbid_rows.tolist(), slots.forbid_cols.tolist(), strict=True))
    assert not any((r, int(c)) in forbidden for r, c in enumerate(assigned) if c >= 0)
    assert len(bounds) == len(slots.mentees) + 1
    for r in range(len(slots.mentees)):
        run = ranked.values[bounds[r] : bounds[r + 1]]
        assert (np.diff(run) <= 0).all()  # best first
        assert (ranked.rows[bounds[r] : bounds[r + 1]] == r).all()
        if assigned[r] >= 0:
            assert assigned[r] in ranked.cols[bounds[r] : bounds[r + 1]]

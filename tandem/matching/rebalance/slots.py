"""Mentees against the mentors' open slots: the assignment the plan and rotation both solve.

Rows are mentees (with the kind of pairing each would be), columns the mentors
with at least one open slot, and the hard rules forbid some cells.  The plan
also forbids the moves a lead declined and gives each row a stay option;
rotation adds a rule of its own (a perspective not seen before).  Both then
solve exactly and read each row's options best first, so that reading is here
once rather than in each of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tandem.matching.assignment import Edges, PairFilter, optimal_assignment
from tandem.matching.config import MatchConfig
from tandem.matching.people import People
from tandem.matching.rules import HardRules


@dataclass(frozen=True)
class OpenSlots:
    """Rows (mentee position, pairing kind code) against mentors with open slots."""

    mentees: np.ndarray
    kinds: np.ndarray
    #: person position of each mentor column, and its open slots
    columns: np.ndarray
    capacity: np.ndarray
    #: (row, column) cells no suggestion may use
    forbid_rows: np.ndarray
    forbid_cols: np.ndarray

    @classmethod
    def of(
        cls, rules: HardRules, mentees: np.ndarray, kinds: np.ndarray, free: np.ndarray
    ) -> OpenSlots:
        """The mentors with ``free`` slots (per person position) as columns, and the cells
        the hard rules forbid."""
        columns = np.nonzero(free > 0)[0]
        forbid_rows, forbid_cols = rules.forbidden_pairs(mentees, columns)
        capacity = free[columns].astype(np.int64)
        return cls(mentees, kinds, columns, capacity, forbid_rows, forbid_cols)

    def forbidding(self, rows: np.ndarray, cols: np.ndarray) -> OpenSlots:
        """The same slots with the (row, column) cells ``rows`` × ``cols`` forbidden too."""
        return replace(
            self,
            forbid_rows=np.concatenate([self.forbid_rows, np.asarray(rows, dtype=np.int64)]),
            forbid_cols=np.concatenate([self.forbid_cols, np.asarray(cols, dtype=np.int64)]),
        )

    def solve(
        self,
        people: People,
        config: MatchConfig,
        *,
        stay_cols: np.ndarray | None = None,
        stay_values: np.ndarray | None = None,
        extra_forbidden: PairFilter | None = None,
    ) -> tuple[np.ndarray, Edges, np.ndarray]:
        """The optimal column of each row (-1: none), the options the solver weighed by
        row, each row's best first, and where each row's run starts (row ``r``'s are
        ``bounds[r]:bounds[r + 1]``).  The options are ``optimal_assignment``'s."""
        assigned, edges = optimal_assignment(
            people,
            config,
            self.mentees,
            self.kinds,
            self.columns,
            self.capacity,
            self.forbid_rows,
            self.forbid_cols,
            stay_cols=stay_cols,
            stay_values=stay_values,
            extra_forbidden=extra_forbidden,
        )
        ranked, bounds = edges.best_first(len(self.mentees))
        return assigned, ranked, bounds

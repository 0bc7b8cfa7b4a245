"""The hard rules of pairing, never traded against the score.

* nobody mentors themself;
* no pairing inside one reporting line, in either direction and at any depth
  (the ``manager_id`` chain is walked; a cycle in bad data stops the walk at
  the first repeated person instead of looping);
* no repeat of an ended pairing: a mentor–mentee pair that already has a
  pairing with status ``ended`` or ``completed`` is not proposed again;
* no duplicate: a pair that already has an open pairing (proposed, active,
  paused) is not proposed a second one;
* no mentor beyond ``max_mentees``.  A mentor's *load* counts every
  ``active``, ``paused`` and ``proposed`` pairing: paused pairings are
  expected to resume and proposed ones are promises made, so both hold a
  slot; ``completed`` and ``ended`` do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from tandem.matching.people import People
from tandem.program.db import connected
from tandem.program.models import CLOSED_STATUSES, OPEN_STATUSES, Pairing

# Pairing statuses that hold a mentor slot (those that forbid a repeat are CLOSED_STATUSES).
LOAD_STATUSES: tuple[str, ...] = OPEN_STATUSES


@dataclass
class HardRules:
    """What may never be proposed, in a form that masks whole score matrices.

    ``from_db`` counts each mentor's load (active + paused + proposed pairings),
    the closed pairs (ended or completed: never repeated) and the open pairs
    (never duplicated).
    """

    people: People
    load: np.ndarray  # int32 per person
    closed_pairs: set[tuple[int, int]]  # (mentor, mentee)
    open_pairs: set[tuple[int, int]]  # (mentor, mentee)

    @classmethod
    def from_db(cls, bind: Engine | Connection | Session, people: People) -> HardRules:
        load_of = np.zeros(len(people), dtype=np.int32)
        count_statement = (
            select(Pairing.mentor_id, func.count())
            .where(Pairing.status.in_(LOAD_STATUSES))
            .group_by(Pairing.mentor_id)
        )
        pairs_statement = select(Pairing.mentor_id, Pairing.mentee_id, Pairing.status).where(
            Pairing.status.in_(LOAD_STATUSES + CLOSED_STATUSES)
        )

        def run(connection: Connection | Session) -> None:
            for mentor_id, count in connection.execute(count_statement):
                position = people.index.get(mentor_id)
                if position is not None:
                    load_of[position] = count
            for mentor_id, mentee_id, status in connection.execute(pairs_statement):
                mentor, mentee = people.index.get(mentor_id), people.index.get(mentee_id)
                if mentor is None or mentee is None:
                    continue
                target = closed if status in CLOSED_STATUSES else opened
                target.add((mentor, mentee))

        closed: set[tuple[int, int]] = set()
        opened: set[tuple[int, int]] = set()
        with connected(bind) as connection:
            run(connection)
        return cls(people=people, load=load_of, closed_pairs=closed, open_pairs=opened)

    def free_capacity(self) -> np.ndarray:
        """Slots each person can still take as a mentor (never negative)."""
        return np.maximum(self.people.max_mentees - self.load, 0)

    def broken(
        self, mentor: int, mentee: int, *, check_capacity: bool = True, allow_open: bool = False
    ) -> list[str]:
        """Every hard rule a *new* pairing mentor→mentee would break, in words."""
        reasons = []
        if mentor == mentee:
            reasons.append("nobody mentors themself")
        relation = self.people.reporting_relation(mentor, mentee)
        if relation:
            reasons.append(f"same reporting line: {relation}")
        if (mentor, mentee) in self.closed_pairs:
            reasons.append("this pair already had a pairing that ended or completed")
        if not allow_open and (mentor, mentee) in self.open_pairs:
            reasons.append("this pair already has an open pairing")
        if check_capacity and self.load[mentor] >= self.people.max_mentees[mentor]:
            reasons.append(
                f"mentor has {int(self.load[mentor])} mentees, capacity "
                f"{int(self.people.max_mentees[mentor])}"
            )
        return reasons

    def forbidden_pairs(
        self, mentee_positions: np.ndarray, mentor_positions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) cells of a mentee × mentor matrix that a hard rule forbids.

        Rows are ``mentee_positions`` (a mentee may appear on several rows),
        columns ``mentor_positions``.  Covers self, reporting line (both
        directions, any depth), closed and open pairs.  Capacity is the
        caller's business: it depends on what is being freed.
        """
        n = len(self.people)
        mentee_positions = np.asarray(mentee_positions, dtype=np.int64)
        mentor_positions = np.asarray(mentor_positions, dtype=np.int64)
        column_of = np.full(n, -1, dtype=np.int64)
        column_of[mentor_positions] = np.arange(len(mentor_positions))

        persons, above = self.people.reporting_line_pairs()
        pair_mentors = [persons, above, np.arange(n)]
        pair_mentees = [above, persons, np.arange(n)]
        if self.closed_pairs or self.open_pairs:
            both = np.array(sorted(self.closed_pairs | self.open_pairs), dtype=np.int64)
            pair_mentors.append(both[:, 0])
            pair_mentees.append(both[:, 1])
        mentors = np.concatenate(pair_mentors)
        mentees = np.concatenate(pair_mentees)
        columns = column_of[mentors]
        keep = columns >= 0
        mentees, columns = mentees[keep], columns[keep]
        # A mentee may sit on several rows: expand each pair to all of them.
        row_order = np.argsort(mentee_positions, kind="stable")
        sorted_mentees = mentee_positions[row_order]
        lo = np.searchsorted(sorted_mentees, mentees, side="left")
        hi = np.searchsorted(sorted_mentees, mentees, side="right")
        count = hi - lo
        starts = np.repeat(lo, count)
        within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        return row_order[starts + within], np.repeat(columns, count)

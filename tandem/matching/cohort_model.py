"""What matching a cohort answers: sign-ups, proposals, the unmatched, and its refusals.

The solver that fills these is :mod:`tandem.matching.cohort`; approving the
proposals is :mod:`tandem.matching.cohort_approve`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tandem.matching.assignment import SCALE

#: The pairing kind a cohort's program type asks for (the score's level band).
KIND_OF_PROGRAM: dict[str, str] = {
    "executive": "traditional",
    "reciprocal": "reciprocal",
    "reverse": "reverse",
    "peer": "peer",
}


class MatchConflict(RuntimeError):
    """A proposal no longer holds (the data changed since it was made); nothing was written."""


class MatchRequestError(ValueError):
    """A pin or a cohort that cannot be used as asked; the message says why, for a person."""


# --- What the cohort holds --------------------------------------------------------


@dataclass(frozen=True)
class SignUp:
    """One participant of the cohort and where they stand."""

    person_id: str
    role: str
    joined_on: dt.date | None
    #: ``waiting`` (no open pairing in the cohort yet), ``mentee`` or ``mentor``
    #: (has an open pairing in it in that role).
    status: str


@dataclass(frozen=True)
class Proposal:
    mentee_id: str
    mentor_id: str
    score: float
    components: dict[str, float]
    runner_up_mentor_id: str | None = None
    runner_up_score: float | None = None
    pinned: bool = False


@dataclass(frozen=True)
class Unmatched:
    person_id: str
    reason: str


@dataclass
class CohortMatch:
    """The proposals for one cohort, and everything needed to check them."""

    cohort_id: str
    cohort_name: str
    kind: str
    sign_ups: list[SignUp]
    proposals: list[Proposal]
    unmatched: list[Unmatched]
    #: mentor id → free slots for this cohort (before the proposals).
    capacity: dict[str, int]
    minimum_score: float
    #: Every feasible pair weighed: (mentee_id, mentor_id, score).
    candidates: list[tuple[str, str, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total_score(self) -> float:
        return round(sum(round(p.score * SCALE) for p in self.proposals) / SCALE, 6)

    def to_json(self, *, explain: bool = False) -> dict[str, Any]:
        """The shape ``python -m tandem match --json [--explain]`` prints."""
        out: dict[str, Any] = {
            "cohort_id": self.cohort_id,
            "proposals": [
                {"mentee_id": p.mentee_id, "mentor_id": p.mentor_id, "score": p.score}
                for p in self.proposals
            ],
            "total_score": self.total_score,
            "minimum_score": self.minimum_score,
            "unmatched": [{"person_id": u.person_id, "reason": u.reason} for u in self.unmatched],
        }
        if explain:
            out["candidates"] = [
                {"mentee_id": mentee, "mentor_id": mentor, "score": value}
                for mentee, mentor, value in self.candidates
            ]
            out["capacity"] = dict(self.capacity)
        return out

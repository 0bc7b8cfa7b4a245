"""What rebalancing reads and answers: open pairings, suggestions, the plan, rotation.

Plain data shared by every rebalancing module — the plan and rotation that
compute them, the store that keeps them, the view that shapes them, the moves
that act on them — so none of those has to import another for its types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from tandem.program.models import (
    RUNNING_STATUSES,
)

#: The pairings a plan may move: the running ones (``tandem.program.models``).
MOVABLE_STATUSES: tuple[str, ...] = RUNNING_STATUSES


class SuggestionConflict(RuntimeError):
    """The pairing or the target mentor changed since the suggestion was made."""


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
    # The same story in parts, for a sentence (``tandem.matching.rebalance.words``):
    # why the pairing may move, why this mentor suits the mentee better, and who
    # holds the runner-up's free places in the plan (its mentees, by id).
    why_move: list[str] = field(default_factory=list)
    why_better: list[str] = field(default_factory=list)
    runner_up_taken_by: list[str] = field(default_factory=list)
    runner_up_slots: int = 0

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
    #: the mentees who get the runner-up's free places in the joint assignment
    runner_up_taken_by: list[str] = field(default_factory=list)


@dataclass
class ClosedPairing:
    pairing_id: str
    mentee_id: str
    mentor_id: str
    kind: str
    status: str
    cohort_id: str | None
    ended: dt.date | None

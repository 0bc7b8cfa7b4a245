"""The demo's tables and the plans its story is drawn from, shared by the story
(``story.py``) and the careers it tells (``careers.py``): both fill or read these,
neither imports the other's internals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Table:
    """One table's rows as equal-length column lists (Python values, ready to bind)."""

    name: str
    columns: dict[str, list[Any]]

    def __len__(self) -> int:
        first = next(iter(self.columns.values()), [])
        return len(first)

    def rows(self, start: int, stop: int) -> list[dict[str, Any]]:
        keys = list(self.columns)
        slices = [self.columns[k][start:stop] for k in keys]
        return [dict(zip(keys, values, strict=True)) for values in zip(*slices, strict=True)]


@dataclass
class People:
    ids: list[str]
    level: np.ndarray
    division: np.ndarray  # index into DIVISIONS, -1 for the executive office
    manager: np.ndarray  # index, -1 for none
    max_mentees: np.ndarray
    names: list[str]
    first_names: list[str]
    ancestors: list[set[int]]
    strengths: list[list[str]]
    goals: list[list[str]]


@dataclass(frozen=True)
class CohortPlan:
    cohort_id: str
    name: str
    program_type: str
    kind: int  # index into KINDS
    start: int  # day offset
    end: int | None
    sponsor: int  # person index
    weight: float
    completed: bool


@dataclass
class Pairings:
    ids: list[str]
    cohort: np.ndarray
    kind: np.ndarray
    status: np.ndarray
    start: np.ndarray
    planned_end: np.ndarray
    ended: np.ndarray  # day it completed or ended; meaningful only where has_ended
    has_ended: np.ndarray
    pause: np.ndarray  # last day a paused pairing met
    cadence: np.ndarray
    mentor: np.ndarray
    mentee: np.ndarray
    health: np.ndarray
    stall_kind: np.ndarray  # -1 unless stalled
    overloaded: np.ndarray  # bool: the overloaded mentor's pairing
    hollow_contract: np.ndarray  # bool: milestones without success criteria
    objectives: list[str | None]
    overloaded_mentor: int | None
    reporting_line: int | None

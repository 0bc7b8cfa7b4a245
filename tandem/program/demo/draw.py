"""Drawing tools every stage of the demo story uses: one generator per stage, day
offsets turned into dates, a category per row, and optional (``None``) cells."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np


class Days:
    """Day offsets (relative to today) → ``datetime.date``, through a lookup list."""

    LOW, HIGH = -3000, 1500

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._dates = [today + dt.timedelta(days=d) for d in range(self.LOW, self.HIGH)]

    def one(self, offset: int) -> dt.date:
        return self._dates[int(offset) - self.LOW]

    def many(self, offsets: np.ndarray) -> list[dt.date]:
        table = self._dates
        return [table[i] for i in (np.asarray(offsets, dtype=np.int64) - self.LOW).tolist()]

    def many_optional(self, offsets: np.ndarray, present: np.ndarray) -> list[dt.date | None]:
        values = self.many(np.where(present, offsets, 0))
        return [v if p else None for v, p in zip(values, present.tolist(), strict=True)]


def stage_rng(seed: int, stage: int) -> np.random.Generator:
    # One generator per stage: a change in one stage does not reshuffle the others.
    return np.random.default_rng([seed, stage])


def choice_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One category per row of a (rows × categories) weight matrix."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cumulative[:, -1]
    return (cumulative < u[:, None]).sum(axis=1)


def optional(values: list[Any], present: np.ndarray) -> list[Any]:
    return [v if p else None for v, p in zip(values, present.tolist(), strict=True)]

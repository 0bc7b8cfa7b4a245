"""One report's units as arrays, made once and shared by its estimates, curves and breakdown.

A report with its breakdown makes 4 headline estimates, 2 retention curves and
about 160 breakdown rows from one frame of units.  Each used to number the
matching strata again (text keys of every row), work out the outcome window
again, and slice the frame with its text columns; at 50,000 pairings that was
most of a report's 49 CPU seconds.  Here the strata, the outcome windows and
the colleagues' person numbers are worked out once per report, and every
estimate is made from index arrays (``estimate_arrays``).

The numbers are the same to the last bit: strata are renumbered in the order a
fresh ``strata`` of the same rows would number them (the order of the strata
decides the order of floating-point sums), colleagues are numbered in the
sorted order of their ids (which ``variance`` clusters by), and rows keep their
order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from tandem.impact.estimate import (
    PARTICIPANT,
    Estimate,
    Side,
    estimate_arrays,
    outcome_frame,
    strata,
)
from tandem.impact.strata import renumber


class Prepared:
    """``units`` (``impact_units``' frame of one view and window) as arrays."""

    def __init__(
        self,
        units: pd.DataFrame,
        *,
        months: int,
        as_of: dt.date,
        memo: dict[object, Any] | None = None,
        keys: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.units = units
        #: What depends on the participants alone, kept across windows
        #: (``CareerData.memo``); a report alone starts with an empty one.
        self.memo = memo if memo is not None else {}
        self.months = months
        self.as_of = as_of
        self.is_p = (units["arm"] == PARTICIPANT).to_numpy()
        self.group = units["group"].to_numpy(dtype=object)
        if keys is None:  # ``keys``: these two, already worked out (``CareerData.keys``)
            # People numbered in sorted order of ids: the variance clusters in that order.
            people = units["person_id"].to_numpy(dtype=object)
            keys = strata(units), pd.factorize(people, sort=True)[0]
        self.codes, self.person = keys
        self.dates = units["index_date"].to_numpy()
        self._outcomes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._groups: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def outcome(self, outcome: str) -> tuple[np.ndarray, np.ndarray]:
        """Each row's ``complete`` (window observed) and ``y`` (``outcome_frame``'s)."""
        if outcome not in self._outcomes:
            columns = ["index_date", "promoted_at", "left_at"]
            frame = outcome_frame(self.units[columns], outcome, self.months, self.as_of)
            complete = frame["complete"].to_numpy(dtype=bool)
            self._outcomes[outcome] = (complete, frame["y"].to_numpy(dtype=float))
        return self._outcomes[outcome]

    def participants(self, group: str) -> np.ndarray:
        """The rows of ``group``'s participants, in order."""
        return np.flatnonzero(self.is_p & (self.group == group))

    def rows_of(self, group: str) -> np.ndarray:
        """Whether each row is in ``group``'s frame: its participants and every colleague."""
        return (self.is_p & (self.group == group)) | ~self.is_p

    def estimate(
        self,
        rows: np.ndarray,
        colleagues: np.ndarray,
        codes: np.ndarray,
        *,
        group: str,
        outcome: str,
        threshold: int,
    ) -> Estimate:
        """``estimate_prepared`` of participant ``rows`` against ``colleagues`` (row
        numbers; colleagues with a complete window), strata numbered by ``codes``."""
        complete, y = self.outcome(outcome)
        done = rows[complete[rows]]
        return estimate_arrays(
            Side(codes[done], y[done]),
            Side(codes[colleagues], y[colleagues]),
            self.person[colleagues],
            not_yet=len(rows) - len(done),
            group=group,
            outcome=outcome,
            months=self.months,
            threshold=threshold,
        )

    def headline(self, group: str, outcome: str, threshold: int) -> Estimate:
        """``estimate`` of ``group``'s frame: its participants against the colleagues at
        their index dates, strata numbered over that frame as ``estimate`` numbers them."""
        rows, codes, at_dates = self._group_frame(group)
        complete, _ = self.outcome(outcome)
        colleagues = np.flatnonzero(at_dates & complete)
        return self.estimate(
            rows, colleagues, codes, group=group, outcome=outcome, threshold=threshold
        )

    def _group_frame(self, group: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``group``'s participant rows, strata numbered over its frame, and which rows
        are colleagues at its index dates: the same for both outcomes, so made once."""
        if group not in self._groups:
            mine = self.rows_of(group)
            codes = np.full(len(mine), -1, dtype=np.int64)
            codes[mine] = renumber(self.codes[mine])
            rows = self.participants(group)
            at_dates = ~self.is_p & np.isin(self.dates, np.unique(self.dates[rows]))
            self._groups[group] = (rows, codes, at_dates)
        return self._groups[group]

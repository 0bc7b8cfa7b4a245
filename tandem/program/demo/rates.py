"""The HR system's rates the demo's careers are drawn from, the effect planted for
the impact estimate to find, and what is drawn once per person (``Lives``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HISTORY_YEARS = 5
MONTH_DAYS = 30.4375

#: Yearly promotion rate by level (index = level; 0 unused), before tenure,
#: performance and mentoring.  About 12% a year over the whole company.
PROMOTION_RATE = np.array([0.0, 0.19, 0.16, 0.13, 0.10, 0.07, 0.05, 0.02, 0.0])
#: Yearly rates of leaving by choice and not, by level.  About 9% + 3.5%.
VOLUNTARY_LEAVE_RATE = np.array([0.0, 0.12, 0.11, 0.09, 0.08, 0.07, 0.06, 0.05, 0.0])
INVOLUNTARY_LEAVE_RATE = np.array([0.0, 0.04, 0.035, 0.035, 0.03, 0.03, 0.03, 0.03, 0.0])
MOVE_RATE = 0.05
#: Performance (a standard normal per person) on the log of each yearly rate.
PERFORMANCE_ON_PROMOTION = 0.45
PERFORMANCE_ON_VOLUNTARY_LEAVE = -0.25
PERFORMANCE_ON_INVOLUNTARY_LEAVE = -0.6


@dataclass(frozen=True)
class Effect:
    """The real effect of being mentored, as multipliers of yearly rates, with noise."""

    promotion: float  # median multiplier of the promotion rate, from the first pairing's start
    voluntary_leave: float  # median multiplier of the rate of leaving by choice
    noise: float  # standard deviation of each mentee's log multiplier


TRUE_EFFECT = Effect(promotion=1.3, voluntary_leave=0.8, noise=0.3)

#: "Never" as a day offset: no pairing, or not leaving.
NEVER = np.iinfo(np.int64).max


def yearly_to_monthly(rate: np.ndarray) -> np.ndarray:
    return 1.0 - np.power(1.0 - np.clip(rate, 0.0, 0.95), 1.0 / 12.0)


@dataclass
class Lives:
    """Per person (base organisation first, then the comparison colleagues)."""

    hire: np.ndarray  # day hired
    performance: np.ndarray  # standard normal: raises promotion, lowers leaving
    promote_boost: np.ndarray  # the planted effect on promotion, should they be mentored
    leave_damp: np.ndarray  # the planted effect on leaving by choice
    left: np.ndarray  # bool
    left_day: np.ndarray  # meaningful where ``left``
    voluntary: np.ndarray  # bool, meaningful where ``left``


def history_month(m: int) -> tuple[int, int]:
    """First and last-plus-one day offsets of month ``m`` of the history."""
    history_start = -round(HISTORY_YEARS * 365.25)
    return history_start + int(m * MONTH_DAYS), history_start + int((m + 1) * MONTH_DAYS)

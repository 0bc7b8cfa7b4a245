"""Retention over time: Kaplan–Meier curves for participants and comparable colleagues.

A small, tested implementation (weighted, so the colleagues can carry the
matching weights of ``tandem.impact.estimate``): at each time a departure is
recorded, survival is multiplied by ``1 − departed ÷ at risk``.  People whose
observation ends before ``months`` (the data stop at ``as_of``) are *censored*
there: they count as at risk until then and are neither a departure nor a
stay afterwards — this is how the curves use everyone, including cohorts too
recent for the retention rate.

Time is in months after the index date (days ÷ 30.4375).  A curve stops where
fewer people than the privacy threshold are still under observation: its tail
would describe a handful of named colleagues.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tandem.impact.estimate import COMPARISON, GROUPS, PARTICIPANT, horizon, matched_weights

DAYS_PER_MONTH = 30.4375
COMPARISON_LABEL = "Comparable colleagues"


def kaplan_meier(
    durations: np.ndarray,
    events: np.ndarray,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """The survival function: ``time``, ``survival``, ``at_risk`` (people, unweighted).

    ``durations`` are follow-up times, ``events`` 1 for a departure at that time
    and 0 for censoring; one row at time 0 and one per distinct event time,
    plus the last follow-up time so a curve reaches the end of what is observed.
    """
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    weights = np.ones(len(durations)) if weights is None else np.asarray(weights, dtype=float)
    times = np.unique(durations[events])
    at_risk = len(durations) - np.searchsorted(np.sort(durations), times, side="left")
    risk_weight, departed = _weighted_counts(durations, events, weights, times, at_risk)
    some = risk_weight > 0
    factor = np.where(some, 1.0 - departed / np.where(some, risk_weight, 1.0), 1.0)
    # A running product, multiplied in time order as a loop would: the same last bit.
    survival = np.cumprod(factor)
    rows = [(0.0, 1.0, len(durations))]
    rows += zip(times.tolist(), survival.tolist(), at_risk.tolist(), strict=True)
    if len(durations):
        last = float(durations.max())
        if last > rows[-1][0]:
            rows.append((last, rows[-1][1], int((durations >= last).sum())))
    return pd.DataFrame(rows, columns=["time", "survival", "at_risk"])


def _weighted_counts(
    durations: np.ndarray,
    events: np.ndarray,
    weights: np.ndarray,
    times: np.ndarray,
    at_risk: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """At each event time, the weight at risk and the weight departing, each summed over
    the rows in their order (a different order of a float sum can change its last bit)."""
    rows = np.flatnonzero(events)
    rows = rows[np.argsort(durations[rows], kind="stable")]
    ends = np.searchsorted(durations[rows], times, side="right")
    starts = np.searchsorted(durations[rows], times, side="left")
    if bool((weights == 1.0).all()):  # participants: sums of ones are counts, exactly
        return at_risk.astype(float), (ends - starts).astype(float)
    departed = [weights[rows[a:b]].sum() for a, b in zip(starts, ends, strict=True)]
    risk = [weights[durations >= time].sum() for time in times]
    return np.array(risk, dtype=float), np.array(departed, dtype=float)


def _follow_up(frame: pd.DataFrame, months: int, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    start = pd.to_datetime(frame["index_date"])
    # ``clip``, not ``np.minimum``: the ufunc compares Timestamps one by one in Python.
    end = horizon(frame["index_date"], months).clip(upper=pd.Timestamp(as_of))
    left = pd.to_datetime(frame["left_at"])
    departed = left.notna() & (left <= end)
    stop = left.where(departed, end)
    duration = (stop - start).dt.days.to_numpy(dtype=float) / DAYS_PER_MONTH
    # A calendar year is 12.0–12.03 "months" of average length: draw it as 12.
    return np.minimum(duration, months), departed.to_numpy()


def survival_curves(
    units: pd.DataFrame,
    *,
    group: str,
    months: int,
    as_of: dt.date,
    threshold: int,
    codes: np.ndarray | None = None,
) -> pd.DataFrame:
    """Matched participants and their weighted colleagues: ``series``, ``month``, ``survival``.

    Empty when either side has fewer than ``threshold`` people under observation.
    ``codes``: the rows' matching strata when a report has numbered them already.
    """
    begun = (pd.to_datetime(units["index_date"]) < pd.Timestamp(as_of)).to_numpy()
    started = units[begun]
    weights = matched_weights(started, None if codes is None else codes[begun])
    kept = started[weights > 0]
    kept_weights = weights[weights > 0]
    curves = []
    for arm, label in ((PARTICIPANT, GROUPS.get(group, group)), (COMPARISON, COMPARISON_LABEL)):
        mask = (kept["arm"] == arm).to_numpy()
        side = kept[mask]
        if side["person_id"].nunique() < threshold:
            return pd.DataFrame(columns=["series", "month", "survival", "at_risk"])
        duration, departed = _follow_up(side, months, as_of)
        curve = kaplan_meier(duration, departed, kept_weights[mask])
        curve = curve[curve["at_risk"] >= threshold]
        curves.append(
            curve.rename(columns={"time": "month"}).assign(series=label)[
                ["series", "month", "survival", "at_risk"]
            ]
        )
    return pd.concat(curves, ignore_index=True)

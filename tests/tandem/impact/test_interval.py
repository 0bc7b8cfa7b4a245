"""The adjusted difference's 95 % interval, on cases whose right answer is known.

The interval is for the effect on those who took part: their outcomes are
observed, what they would have done without the program is not.  These tests
fail with the bootstrap of participants used until session 8, which measured
the spread of the observed outcomes instead (bench/findings.md, "The interval").
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tandem.impact import estimate
from tandem.impact.estimate import Z_95, variance

INDEX = dt.date(2024, 1, 15)
AS_OF = dt.date(2026, 6, 1)


def _codes(values: list[str]) -> np.ndarray:
    return pd.Categorical(values).codes.astype(np.int64)


def test_one_stratum_gives_the_textbook_variance() -> None:
    y_p = np.array([1.0, 1.0, 1.0, 0.0])
    y_c = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    n, m = len(y_p), len(y_c)
    found = variance(
        np.zeros(n, dtype=np.int64), y_p, np.zeros(m, dtype=np.int64), y_c, np.arange(m), 1
    )
    assert found is not None
    s2 = y_c.var(ddof=1)  # the colleagues' sample variance: 0.3
    # Each participant's untreated outcome as uncertain as a colleague's: s² / n.
    assert np.isclose(found.these, s2 / n)
    # The colleagues' mean: s² / m.
    assert np.isclose(found.colleagues, s2 / m)
    # The participants' matched differences (outcome - colleagues' rate): their variance / n.
    assert np.isclose(found.like, y_p.var(ddof=1) / n)
    assert np.isclose(found.total, max(s2 / n, y_p.var(ddof=1) / n) + s2 / m)


def test_a_colleague_at_two_cohort_starts_counts_as_one_person() -> None:
    # Two strata (two cohort starts), one participant each; colleague "a" stands in both.
    strata_p, y_p = np.array([0, 1]), np.array([1.0, 1.0])
    strata_c, y_c = np.array([0, 0, 1, 1]), np.array([1.0, 0.0, 1.0, 0.0])
    together = variance(strata_p, y_p, strata_c, y_c, _codes(["a", "b", "a", "c"]), 2)
    apart = variance(strata_p, y_p, strata_c, y_c, _codes(["a", "b", "d", "c"]), 2)
    assert together is not None and apart is not None
    # Per stratum: weight n/m = 1/2, residual of "a" +1/2, scaled by sqrt(m/(m-1)) = sqrt 2;
    # "a"'s two rows move together, adding twice their product over N² = 4.
    row = 0.5 * 0.5 * np.sqrt(2.0)
    assert np.isclose(together.colleagues - apart.colleagues, 2 * row * row / 4)
    assert together.these == apart.these and together.like == apart.like


def test_a_lone_colleague_still_carries_uncertainty() -> None:
    # One stratum with a single colleague: their residual is 0 by construction, so the
    # matched colleagues' rate r(1-r) stands in for the variance nobody could measure.
    strata_p, y_p = np.array([0, 0, 1]), np.array([1.0, 0.0, 1.0])
    strata_c, y_c = np.array([0, 1, 1, 1]), np.array([1.0, 1.0, 0.0, 0.0])
    found = variance(strata_p, y_p, strata_c, y_c, np.arange(4), 2)
    assert found is not None
    pooled = (2 * 1.0 + 1 * (1 / 3)) / 3
    lone = pooled * (1 - pooled)
    s2 = y_c[1:].var(ddof=1)
    assert np.isclose(found.these, (2 * lone + 1 * s2) / 9)
    assert np.isclose(found.colleagues, (4 * lone + s2 / 3) / 9)


def test_nothing_matched_has_no_variance() -> None:
    found = variance(np.array([0]), np.array([1.0]), np.array([1]), np.array([0.0]), [0], 2)
    assert found is None


def _units(stayed_participants: int, n_p: int, stayed_colleagues: int, n_c: int) -> pd.DataFrame:
    """One stratum: participants and colleagues, some of whom left within the year."""
    left = pd.Timestamp(INDEX) + pd.Timedelta(days=100)
    rows = []
    for arm, n, stayed in (
        ("participant", n_p, stayed_participants),
        ("comparison", n_c, stayed_colleagues),
    ):
        for i in range(n):
            rows.append(
                {
                    "person_id": f"{arm[0]}{i}",
                    "arm": arm,
                    "index_date": pd.Timestamp(INDEX),
                    "level": 3,
                    "division": "Risk",
                    "geography": "UK",
                    "tenure_band": "2–5 years",
                    "promoted_at": pd.NaT,
                    "left_at": pd.NaT if i < stayed else left,
                }
            )
    return pd.DataFrame(rows)


def test_participants_who_all_stayed_still_have_an_uncertain_counterfactual() -> None:
    # Every participant stayed: resampling them shows no spread at all, yet what they
    # would have done without the program is as uncertain as their colleagues' careers.
    units = _units(40, 40, 30, 40)
    result = estimate(units, group="mentees", outcome="retention", as_of=AS_OF, threshold=5)
    assert result.interval is not None and result.adjusted_difference is not None
    s2 = 0.75 * 0.25 * 40 / 39  # the colleagues' sample variance
    half = Z_95 * np.sqrt(s2 / 40 + s2 / 40)
    low, high = result.interval
    assert np.isclose(result.adjusted_difference, 0.25)
    assert np.isclose(low, 0.25 - half) and np.isclose(high, min(1.0, 0.25 + half))


def _simulated_errors(rng: np.random.Generator, replicates: int) -> tuple[np.ndarray, np.ndarray]:
    """Errors against the effect on these participants, and their standard errors.

    Fifty strata of fixed sizes; each participant's untreated and treated retention
    come from one random draw (the program halves the chance of leaving), so the
    effect on these participants is known exactly, as in tests/impact_external.py.
    """
    strata = 50
    n = rng.integers(1, 8, strata)
    m = rng.integers(2, 40, strata)
    stay = rng.uniform(0.80, 0.97, strata)
    strata_p, strata_c = np.repeat(np.arange(strata), n), np.repeat(np.arange(strata), m)
    errors, errors_se = np.empty(replicates), np.empty(replicates)
    for r in range(replicates):
        draw = rng.random(len(strata_p))
        untreated = (draw >= 1 - stay[strata_p]).astype(float)
        treated = (draw >= (1 - stay[strata_p]) * 0.5).astype(float)
        y_c = (rng.random(len(strata_c)) < stay[strata_c]).astype(float)
        rate_c = np.bincount(strata_c, weights=y_c, minlength=strata) / m
        adjusted = treated.mean() - (n * rate_c).sum() / n.sum()
        errors[r] = adjusted - (treated - untreated).mean()
        found = variance(strata_p, treated, strata_c, y_c, np.arange(len(strata_c)), strata)
        assert found is not None
        errors_se[r] = np.sqrt(found.total)
    return errors, errors_se


def test_the_interval_covers_the_effect_on_these_participants() -> None:
    errors, se = _simulated_errors(np.random.default_rng(16), 400)
    # The standard error is the spread the errors really have (the bootstrap's, the
    # participants' observed spread, was about 15 % short here), and coverage is 95 %.
    assert abs(np.sqrt((se**2).mean()) / errors.std() - 1) < 0.1
    covered = np.mean(np.abs(errors) <= Z_95 * se)
    assert 0.92 <= covered <= 0.98

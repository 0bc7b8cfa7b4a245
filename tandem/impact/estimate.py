"""Did taking part change careers? Participants against comparable colleagues.

Pure functions on frames, testable without a database.  The input is one row
per *unit* — a person at an index date — with the columns of ``UNIT_COLUMNS``:

- ``arm``: ``participant`` (a mentee or a mentor of the program, at the start
  of their cohort) or ``comparison`` (a colleague in no pairing at that date nor
  in the window's months before it, at the same date; see ``tandem.impact.query``);
- ``index_date``: when the program started for the participant; a comparison
  unit is the same colleague looked at from that date;
- ``level``, ``division``, ``geography``, ``tenure_band``: what was known
  *before* the index date (see ``tandem.impact.query``);
- ``promoted_at``, ``left_at``: the first promotion and the first departure
  after the index date (missing: none recorded).

Outcomes, ``months`` after the index date (the horizon):

- **promotion**: promoted on or before the horizon (a person who left first
  and was not promoted counts as not promoted);
- **retention**: no departure on or before the horizon.

**Incomplete windows are excluded and counted, never guessed.**  A unit whose
horizon lies after ``as_of`` (the data's date) has not been observed for
``months`` yet: it is left out of both rates, for participants and colleagues
alike, and ``not_yet_observable`` says how many participants that was.  (Only
keeping those who already left or were promoted would flatter one side.)
The Kaplan–Meier curves (``survival_curves``) use those units too, censored
where their observation ends.

**Adjustment: coarsened exact matching.**  Participants and colleagues are
grouped into strata by index date, level, division, geography and tenure band
(tenure coarsened into bands; the rest exact).  Within each stratum holding at
least one of each, the participants' outcome is compared with the colleagues'
mean outcome; the adjusted difference is the average of those differences over
matched participants (the effect on those who took part).  Colleagues are
weighted so each stratum counts as often as it has participants.  Matching,
rather than weighting by a fitted propensity model, because the four
characteristics are categorical and few, so exact strata need no model that
could be wrong, a sponsor can be told in one sentence what "comparable" means,
no weight can explode on a rare profile, and a participant with no comparable
colleague is *dropped and counted* (``unmatched``) instead of extrapolated.

**Interval: analytic, for the effect on those who took part.**  The estimate
is the effect on the matched participants, whose outcomes are observed; what is
unknown is what they would have done without the program.  The 95 % interval is
the difference ± 1.96 standard errors, from ``variance``: the participants'
untreated outcomes (each as uncertain as a comparable colleague's), or — when
larger — the spread of the participants' matched differences (so the interval
holds for participants like them too), plus the colleagues' side, counting how
often each colleague's outcome is reused and one colleague's rows at several
cohort starts together.  The same data always give the same interval, and it
costs no resampling.  It is conditional on who found a match (the unmatched are
counted apart).  Until session 8 this was a bootstrap of participants and
colleagues: it measured the spread of the participants' *observed* outcomes,
for retention about 60 % of the right one, and covered retention's truth 17
times in 20 on the external check (bench/findings.md, "The interval").

**Checked from outside.**  ``tests/impact_external.py`` writes an HR population
unrelated to the demo (attrition about 12 % and promotion about 10 % a year by
level, tenure, division and region; mentees picked among those likely to stay
and rise anyway; a planted effect on both) as a bundle;
``tests/tandem/impact/test_external_check.py`` imports it and reads
``python -m tandem impact --json``, and ``bench/bench_impact_external.py``
measures over twenty seeds how often the adjusted difference lies within 0.05
of the truth and how often its interval covers it (bench/findings.md).

**Honesty rules** live here, not on the screen: an estimate is refused, with a
reason in words, when participants or colleagues with a complete window are
fewer than the privacy threshold; the adjusted difference is withheld when
the matched participants or matched colleagues are fewer than it; and
``verdict`` calls a difference an effect only when the adjusted 95 % interval
excludes zero — never from the naive difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from tandem.impact.strata import MATCH_ON as MATCH_ON  # where it was always imported from
from tandem.impact.strata import compact_strata, strata

UNIT_COLUMNS = (
    "person_id",
    "arm",
    "index_date",
    "level",
    "division",
    "geography",
    "tenure_band",
    "promoted_at",
    "left_at",
)
OUTCOMES = {"promotion": "Promoted", "retention": "Still employed"}
GROUPS = {"mentees": "Mentees", "mentors": "Mentors"}
DEFAULT_MONTHS = 12
#: How the interval is made (``--json``'s ``interval_method``).
INTERVAL_FORMULA = (
    "normal, 1.96 standard errors: participants' untreated outcomes (or their matched "
    "differences' spread, the larger) plus colleagues clustered by person"
)
#: How the adjusted difference and its interval are made (``--json``'s ``method``).
METHOD = (
    "exact matching on cohort start, level, division, geography and tenure band; "
    f"95 % interval, {INTERVAL_FORMULA}"
)
#: The same, in words for a sponsor.
INTERVAL_METHOD = (
    "95 % intervals allow for what the participants would have done without the program "
    "(as uncertain as their comparable colleagues' careers) and for how many colleagues "
    "each comparison rests on; the same data always give the same interval."
)
PARTICIPANT = "participant"
COMPARISON = "comparison"


def excludes_zero(adjusted: float | None, interval: tuple[float, float] | None) -> bool:
    """Whether an adjusted difference has an interval that excludes zero: an effect."""
    if adjusted is None or interval is None:
        return False
    return interval[0] > 0 or interval[1] < 0


@dataclass(frozen=True)
class Estimate:
    """One outcome for one group: rates, naive and adjusted differences, interval."""

    group: str
    outcome: str
    months: int
    threshold: int
    #: Participants (comparison colleagues) whose window is complete.
    participants: int
    comparison: int
    #: Participants left out because ``months`` have not passed yet.
    not_yet_observable: int
    #: Participants with at least one comparable colleague, and those without.
    matched: int
    unmatched: int
    #: Distinct colleagues in the matched strata.
    matched_comparison: int
    participant_rate: float | None = None
    comparison_rate: float | None = None
    matched_participant_rate: float | None = None
    matched_comparison_rate: float | None = None
    adjusted_difference: float | None = None
    interval: tuple[float, float] | None = None
    #: Why nothing is estimated (too few participants or colleagues), in words.
    refused: str | None = None
    #: Why the adjusted difference is withheld while the counts are shown.
    not_adjusted: str | None = None

    @property
    def naive_difference(self) -> float | None:
        if self.participant_rate is None or self.comparison_rate is None:
            return None
        return self.participant_rate - self.comparison_rate

    @property
    def is_effect(self) -> bool:
        """Whether the adjusted 95 % interval excludes zero (never the naive one)."""
        return excludes_zero(self.adjusted_difference, self.interval)

    def to_json(self, cohort_id: str | None = None) -> dict[str, object]:
        """One result of ``python -m tandem impact --json`` (the issue's contract: outcome,
        group, cohort_id, counts, rates, differences as shares, ci_low/ci_high, unmatched,
        method, suppressed), with the page's extra detail after it."""
        low, high = self.interval if self.interval else (None, None)
        return {
            "outcome": self.outcome,
            "group": self.group,
            "cohort_id": cohort_id,
            "participants": self.participants,
            "comparison": self.comparison,
            "participant_rate": self.participant_rate,
            "comparison_rate": self.comparison_rate,
            "naive_difference": self.naive_difference,
            "adjusted_difference": self.adjusted_difference,
            "ci_low": low,
            "ci_high": high,
            "unmatched": self.unmatched,
            "method": METHOD,
            "suppressed": self.refused is not None,
            # more detail
            "months": self.months,
            "not_yet_observable": self.not_yet_observable,
            "matched": self.matched,
            "matched_comparison": self.matched_comparison,
            "matched_participant_rate": self.matched_participant_rate,
            "matched_comparison_rate": self.matched_comparison_rate,
            "interval_method": INTERVAL_FORMULA,
            "refused": self.refused,
            "not_adjusted": self.not_adjusted,
            "verdict": verdict(self),
        }


def horizon(index_dates: pd.Series, months: int) -> pd.Series:
    """The date ``months`` calendar months after each index date."""
    dates = pd.to_datetime(index_dates)
    # Adding a DateOffset is a Python call per row; a report's units have a
    # handful of index dates (cohort starts), so shift each distinct date once.
    codes, distinct = pd.factorize(dates)
    if (codes < 0).any():  # a missing date: the plain way keeps its NaT
        return dates + pd.DateOffset(months=months)
    shifted = pd.DatetimeIndex(distinct) + pd.DateOffset(months=months)
    return pd.Series(shifted.take(codes), index=dates.index, name=dates.name)


def outcome_frame(units: pd.DataFrame, outcome: str, months: int, as_of: dt.date) -> pd.DataFrame:
    """``units`` with ``complete`` (window observed) and ``y`` (1/0; NaN when incomplete)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if months < 1:
        raise ValueError("months must be at least 1")
    frame = units.copy()
    end = horizon(frame["index_date"], months)
    complete = end <= pd.Timestamp(as_of)
    if outcome == "promotion":
        event = pd.to_datetime(frame["promoted_at"])
        y = (event.notna() & (event <= end)).astype("float64")
    else:
        left = pd.to_datetime(frame["left_at"])
        y = (left.isna() | (left > end)).astype("float64")
    frame["complete"] = complete.to_numpy()
    frame["y"] = y.where(complete).to_numpy()
    return frame


def matched_weights(units: pd.DataFrame, codes: np.ndarray | None = None) -> np.ndarray:
    """Each row's matching weight: 1 for a matched participant, ``participants ÷
    colleagues`` of its stratum for a matched colleague, 0 for anyone unmatched.
    ``codes``: the rows' strata when already numbered (only equality matters)."""
    if units.empty:
        return np.zeros(0)
    codes = strata(units) if codes is None else codes
    # A row missing a key (stratum -1) matches nobody: weight 0, as in the headline.
    keyed = codes >= 0
    is_p = (units["arm"] == PARTICIPANT).to_numpy()
    size = int(codes.max()) + 1 if keyed.any() else 0
    n_p = np.bincount(codes[is_p & keyed], minlength=size).astype(float)
    n_c = np.bincount(codes[~is_p & keyed], minlength=size).astype(float)
    matched = (n_p > 0) & (n_c > 0)
    ratio = np.divide(n_p, n_c, out=np.zeros(size), where=n_c > 0)
    safe = np.where(keyed, codes, 0)
    if size == 0:
        return np.zeros(len(codes))
    return np.where(keyed & matched[safe], np.where(is_p, 1.0, ratio[safe]), 0.0)


def _att(
    strata_p: np.ndarray,
    y_p: np.ndarray,
    w_p: np.ndarray,
    strata_c: np.ndarray,
    y_c: np.ndarray,
    w_c: np.ndarray,
    size: int,
) -> tuple[float, float, float] | None:
    """(matched participant rate, matched comparison rate, difference), weights as counts."""
    n_p = np.bincount(strata_p, weights=w_p, minlength=size)
    s_p = np.bincount(strata_p, weights=w_p * y_p, minlength=size)
    n_c = np.bincount(strata_c, weights=w_c, minlength=size)
    s_c = np.bincount(strata_c, weights=w_c * y_c, minlength=size)
    both = (n_p > 0) & (n_c > 0)
    total = n_p[both].sum()
    if total == 0:
        return None
    rate_p = s_p[both].sum() / total
    rate_c = float((n_p[both] * (s_c[both] / n_c[both])).sum() / total)
    return float(rate_p), rate_c, float(rate_p - rate_c)


#: The normal quantile of a two-sided 95 % interval.
Z_95 = 1.959963984540054


class Variance(NamedTuple):
    """The adjusted difference's variance, in its three parts (see ``variance``)."""

    #: What these participants would have done without the program, unknown.
    these: float
    #: Which participants happened to take part: the spread of their matched differences.
    like: float
    #: The colleagues' side, clustered by person (one colleague stands at several starts).
    colleagues: float

    @property
    def total(self) -> float:
        # The larger participants' part: the interval holds for the effect on these
        # participants and on participants like them (a sponsor's next cohort).
        return max(self.these, self.like) + self.colleagues


def variance(
    strata_p: np.ndarray,
    y_p: np.ndarray,
    strata_c: np.ndarray,
    y_c: np.ndarray,
    person_c: np.ndarray,
    size: int,
) -> Variance | None:
    """The variance of the adjusted difference (``_att`` with unit weights); None when
    nothing is matched.  ``person_c``: each colleague row's person as a number 0..k-1.

    Why not a bootstrap of the participants (sessions 1–7): the adjusted difference
    estimates the effect on *those who took part*, and what is unknown about that
    effect is not their outcomes (observed) but what they would have done without the
    program.  Resampling the participants measures the spread of their observed
    outcomes instead, which for retention is smaller than the unknown ones' (mentees
    stay about 96 % of the time against about 90 % untreated: a standard deviation of
    0.20 against 0.30): on the external check those intervals covered retention's
    truth 17 times in 20 (bench/findings.md, "The interval").  Checked on a constructed
    case in tests/tandem/impact/test_interval.py.
    Per stratum s with n participants and m colleagues (rate r, variance v = the
    colleagues' sample variance, or the matched colleagues' r(1-r) when m < 2):

    - ``these`` = sum n·v / N²: the participants' untreated outcomes, unknown, each as
      uncertain as a comparable colleague's;
    - ``like`` = sample variance of (participant's outcome - r of their stratum) / N:
      which participants took part, the textbook variance of matched differences;
    - ``colleagues`` = sum over colleague persons of (sum of their rows' weights n/m
      times residuals, scaled by sqrt(m/(m-1)))² / N²: each colleague's outcome is
      reused by every participant of their stratum, and one person's rows at two
      cohort starts move together (Abadie–Imbens' variance of matching with
      replacement, clustered by person).
    """
    n = np.bincount(strata_p, minlength=size).astype(float)
    m = np.bincount(strata_c, minlength=size).astype(float)
    matched = (n > 0) & (m > 0)
    total = n[matched].sum()
    if total == 0:
        return None
    rate = np.divide(
        np.bincount(strata_c, weights=y_c, minlength=size), m, where=m > 0, out=np.zeros(size)
    )
    residual = y_c - rate[strata_c]
    pooled = float((n[matched] * rate[matched]).sum() / total)
    fallback = pooled * (1.0 - pooled)
    several = m >= 2
    squares = np.bincount(strata_c, weights=residual**2, minlength=size)
    spread = np.where(several, squares / np.where(several, m - 1, 1.0), fallback)
    these = float((n[matched] * spread[matched]).sum() / total**2)
    keep = matched[strata_p]
    differences = y_p[keep] - rate[strata_p[keep]]
    like = float(differences.var(ddof=1) / total) if total > 1 else 0.0
    # A stratum's colleague rows are reused n/m times each; the m/(m-1) makes the
    # squared residuals unbiased for the variance (their mean was estimated from them).
    scale = np.sqrt(np.where(several, m / np.where(several, m - 1, 1.0), 1.0))
    weighted = (n / np.where(m > 0, m, 1.0))[strata_c] * residual * scale[strata_c]
    per_person = np.bincount(person_c, weights=weighted)
    # A lone colleague's residual is 0 by construction: count their variance as pooled.
    lone = matched & ~several
    colleagues = float(((per_person**2).sum() + (n[lone] ** 2 * fallback).sum()) / total**2)
    return Variance(these, like, colleagues)


def normal_interval(difference: float, spread: Variance) -> tuple[float, float]:
    """The 95 % interval around ``difference``, within the -1 to +1 a difference of rates has."""
    half = Z_95 * float(np.sqrt(spread.total))
    return max(-1.0, difference - half), min(1.0, difference + half)


def _people(word: str, n: int) -> str:
    return f"{n:,} {word}" if n != 1 else f"1 {word.removesuffix('s')}"


def estimate(
    units: pd.DataFrame,
    *,
    group: str,
    outcome: str,
    months: int = DEFAULT_MONTHS,
    as_of: dt.date,
    threshold: int,
) -> Estimate:
    """The estimate for one group (its participant rows plus the comparison rows)."""
    frame = outcome_frame(units, outcome, months, as_of)
    frame["stratum"] = strata(frame)
    participants = frame[frame["arm"] == PARTICIPANT]
    # Colleagues only at the index dates this group's participants have.
    comparison = frame[
        (frame["arm"] == COMPARISON)
        & frame["complete"]
        & frame["index_date"].isin(set(participants["index_date"]))
    ]
    return estimate_prepared(
        participants,
        comparison,
        group=group,
        outcome=outcome,
        months=months,
        threshold=threshold,
    )


def _refusal(label: str, n_p: int, n_c: int, not_yet: int, months: int, threshold: int) -> str:
    """Why nothing is estimated, in words (too few participants or colleagues)."""
    if n_p == 0 and not_yet:
        return (
            f"Not yet: all {_people(label, not_yet)} started less than {months} months "
            "before the career data end, so none can be judged. A shorter window can be."
        )
    reasons = []
    if n_p < threshold:
        reasons.append(f"{_people(label, n_p)} observed for {months} months")
    if n_c < threshold:
        reasons.append(f"{_people('comparable colleagues', n_c)} who took no part")
    refused = (
        f"Not estimated: {' and '.join(reasons)}, fewer than the privacy threshold of {threshold}."
    )
    if not_yet:
        refused += (
            f" {_people(label, not_yet)} started less than {months} months before the career "
            "data end and cannot be judged yet."
        )
    return refused


class Side(NamedTuple):
    """One arm's rows with a complete window: stratum numbers and outcomes (1/0)."""

    strata: np.ndarray
    y: np.ndarray


def _distinct(ids: np.ndarray) -> tuple[int, np.ndarray]:
    """How many distinct ``ids``, and each one's rank among them (``pd.Categorical``'s
    codes); by a table when they are a report's person numbers (small integers)."""
    if ids.dtype.kind in "iu" and len(ids) and int(ids.min()) >= 0:
        seen = np.zeros(int(ids.max()) + 1, dtype=bool)
        seen[ids] = True
        return int(seen.sum()), np.cumsum(seen)[ids] - 1
    codes = pd.Categorical(ids)
    return len(codes.categories), np.asarray(codes.codes)


def estimate_prepared(
    participants: pd.DataFrame,
    comparison: pd.DataFrame,
    *,
    group: str,
    outcome: str,
    months: int,
    threshold: int,
) -> Estimate:
    """The estimate from frames ``outcome_frame`` made, with a ``stratum`` column.

    ``participants``: every participant of the group (complete window or not);
    ``comparison``: the colleagues with a complete window at their index dates.
    Strata may be numbered over a larger frame (a breakdown numbers them once
    for every subgroup): only equality matters.
    """
    complete = participants["complete"].to_numpy(dtype=bool)
    return estimate_arrays(
        Side(participants["stratum"].to_numpy()[complete], participants["y"].to_numpy()[complete]),
        Side(comparison["stratum"].to_numpy(), comparison["y"].to_numpy()),
        comparison["person_id"].to_numpy(),
        not_yet=int((~complete).sum()),
        group=group,
        outcome=outcome,
        months=months,
        threshold=threshold,
    )


def estimate_arrays(
    p: Side,
    c: Side,
    person_c: np.ndarray,
    *,
    not_yet: int,
    group: str,
    outcome: str,
    months: int,
    threshold: int,
) -> Estimate:
    """``estimate_prepared`` on arrays: what a breakdown calls for each of its rows, so
    no row pays for slicing frames.  ``person_c``: each colleague row's person (any
    sortable id; the variance clusters by it in sorted order)."""
    n_p, n_c = len(p.strata), _distinct(person_c)[0]
    base = {
        "group": group,
        "outcome": outcome,
        "months": months,
        "threshold": threshold,
        "participants": n_p,
        "comparison": n_c,
        "not_yet_observable": not_yet,
    }
    label = GROUPS.get(group, group).lower()
    if n_p < threshold or n_c < threshold:
        refused = _refusal(label, n_p, n_c, not_yet, months, threshold)
        return Estimate(**base, matched=0, unmatched=0, matched_comparison=0, refused=refused)  # type: ignore[arg-type]
    y_p, y_all = np.asarray(p.y, dtype=float), np.asarray(c.y, dtype=float)
    strata_p, strata_c, y_c, person, size = compact_strata(p.strata, c.strata, y_all, person_c)
    matched = int(np.isin(strata_p, strata_c).sum())
    matched_comparison, ranks = _distinct(person)
    values = {
        **base,
        "matched": matched,
        "unmatched": n_p - matched,
        "matched_comparison": matched_comparison,
        "participant_rate": float(y_p.mean()),
        "comparison_rate": float(y_all.mean()),
    }
    if matched < threshold or matched_comparison < threshold:
        values["not_adjusted"] = (
            f"Not adjusted: {_people(label, matched)} and "
            f"{_people('colleagues', matched_comparison)} share a level, division, geography "
            f"and tenure band, fewer than the privacy threshold of {threshold}."
        )
        return Estimate(**values)  # type: ignore[arg-type]
    att = _att(strata_p, y_p, np.ones(n_p), strata_c, y_c, np.ones(len(y_c)), size)
    assert att is not None
    spread = variance(strata_p, y_p, strata_c, y_c, ranks, size)
    interval = normal_interval(att[2], spread) if spread is not None else None
    values.update(
        matched_participant_rate=att[0],
        matched_comparison_rate=att[1],
        adjusted_difference=att[2],
        interval=interval,
    )
    return Estimate(**values)  # type: ignore[arg-type]


def points(value: float) -> str:
    """A difference of rates in percentage points, signed ("+8 points")."""
    rounded = round(value * 100)
    if rounded == 0:
        return "0 points"
    return f"{rounded:+d} point" + ("" if abs(rounded) == 1 else "s")


def interval_text(low: float, high: float) -> str:
    """A 95 % interval of a difference of rates, in points ("-4 to +6 points")."""

    def signed(value: float) -> str:
        # A bound just off zero keeps a decimal: "+0.3 to +21" must not read "0 to +21"
        # next to a verdict that the interval excludes zero.
        if value == 0:
            return "0"
        rounded = round(value * 100)
        return f"{value * 100:+.1f}" if rounded == 0 else f"{rounded:+d}"

    return f"{signed(low)} to {signed(high)} points"


_DID = {
    ("promotion", True): "were promoted more often than",
    ("promotion", False): "were promoted less often than",
    ("retention", True): "stayed more often than",
    ("retention", False): "left more often than",
}


def verdict(result: Estimate) -> str:
    """The estimate in one sentence: an effect only when the adjusted interval excludes 0."""
    if result.refused:
        return result.refused
    if result.not_adjusted:
        return (
            result.not_adjusted
            + " The naive difference alone says nothing about what the program did."
        )
    who = GROUPS.get(result.group, result.group)
    within = f"within {result.months} months"
    if result.adjusted_difference is None or result.interval is None:
        return "No interval could be computed, so no verdict."
    low, high = result.interval
    span = f"(95 % interval {interval_text(low, high)})"
    what = "promotion" if result.outcome == "promotion" else "retention"
    # Whom the adjusted difference describes, when not every participant had a match.
    among = (
        f" The adjusted difference covers the {result.matched:,} of "
        f"{result.participants:,} {who.lower()} who had a comparable colleague."
        if result.unmatched
        else ""
    )
    if not result.is_effect:
        return (
            f"No detectable difference in {what} {within} between {who.lower()} and comparable "
            f"colleagues: {points(result.adjusted_difference)} {span}, an interval that "
            f"includes zero.{among}"
        )
    more = result.adjusted_difference > 0
    return (
        f"{who} {_DID[(result.outcome, more)]} comparable colleagues {within}: "
        f"{points(result.adjusted_difference)} {span}.{among}"
    )

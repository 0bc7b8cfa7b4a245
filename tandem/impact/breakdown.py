"""The impact estimate broken down: by cohort, pairing kind, level band and people group.

For each dimension the *participants* are split (by the cohort and pairing
kind of the pairing that gave their index date, by their level band at that
date — ``tandem.access.filters.LEVEL_BANDS`` — and by the optional people ``group``
column); the comparison colleagues are **not** split: each subgroup is
matched against the same pool of comparable colleagues, and matching picks
the strata its participants stand in (a level band's participants meet only
colleagues of their levels).  Each row is ``estimate_prepared`` on that
subgroup, so the honesty rules are the headline's: an effect only when the
adjusted 95 % interval excludes zero.

**Privacy.**  A row whose participants with a complete window, matched
participants or matched colleagues are fewer than the privacy threshold is
*suppressed*: it is kept as a row that says so, and its numbers are removed
here (``BreakdownRow`` holds none), never merely hidden on the screen.  A
people group with fewer participants than the threshold is not named either:
such groups are pooled into one suppressed row, as on the Equity page.

**Cost.**  Strata are numbered once for every subgroup and the comparison
rows are grouped by index date once, so a subgroup costs its own rows; its
interval is the headline's formula (``tandem.impact.estimate.variance``), with
no resampling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tandem.access.filters import LEVEL_BANDS
from tandem.impact.estimate import GROUPS, OUTCOMES, PARTICIPANT, Estimate, excludes_zero
from tandem.impact.prepared import Prepared
from tandem.program.models import PAIRING_KINDS

DIMENSIONS = {
    "cohort": "Cohort",
    "kind": "Pairing kind",
    "level_band": "Level band",
    "group": "Group",
}
NO_COHORT = "No cohort"
NOT_STATED = "(not stated)"
POOLED = "Smaller groups (suppressed)"
LEVEL_BAND_NAMES = {band: f"Levels {low}–{high}" for band, (low, high) in LEVEL_BANDS.items()}
#: A row's verdict in a word or two (``verdict`` in ``tandem.impact`` says it in a sentence).
NO_DIFFERENCE = "no detectable difference"
SUPPRESSED = "suppressed"
NOT_YET = "not yet observable"
NO_INTERVAL = "no interval"
_WORDS = {
    ("promotion", True): "promoted more",
    ("promotion", False): "promoted less",
    ("retention", True): "stayed more",
    ("retention", False): "left more",
}


@dataclass(frozen=True)
class BreakdownRow:
    """One subgroup's estimate; every number is ``None`` when the row is suppressed."""

    dimension: str
    label: str
    group: str
    outcome: str
    verdict: str
    suppressed: bool = False
    participants: int | None = None
    comparison: int | None = None
    matched: int | None = None
    naive_difference: float | None = None
    adjusted_difference: float | None = None
    interval: tuple[float, float] | None = None

    @property
    def is_effect(self) -> bool:
        """Whether the adjusted 95 % interval excludes zero."""
        return excludes_zero(self.adjusted_difference, self.interval)

    def to_json(self) -> dict[str, object]:
        low, high = self.interval if self.interval else (None, None)
        return {
            "dimension": self.dimension,
            "subgroup": self.label,
            "group": self.group,
            "outcome": self.outcome,
            "participants": self.participants,
            "comparison": self.comparison,
            "matched": self.matched,
            "naive_difference": self.naive_difference,
            "adjusted_difference": self.adjusted_difference,
            "ci_low": low,
            "ci_high": high,
            "verdict": self.verdict,
            "suppressed": self.suppressed,
        }


def verdict_word(result: Estimate) -> str:
    """The verdict of one estimate in a word or two: an effect only when the interval excludes 0."""
    if result.participants == 0 and result.not_yet_observable and result.refused:
        return NOT_YET
    if result.refused or result.not_adjusted:
        return SUPPRESSED
    if result.adjusted_difference is None or result.interval is None:
        return NO_INTERVAL
    if not result.is_effect:
        return NO_DIFFERENCE
    return _WORDS[(result.outcome, result.adjusted_difference > 0)]


def row_of(dimension: str, label: str, result: Estimate) -> BreakdownRow:
    """The row for one subgroup: its numbers only when none describes too few people."""
    word = verdict_word(result)
    base = {
        "dimension": dimension,
        "label": label,
        "group": result.group,
        "outcome": result.outcome,
        "verdict": word,
    }
    if word in (SUPPRESSED, NOT_YET):
        return BreakdownRow(**base, suppressed=word == SUPPRESSED)  # type: ignore[arg-type]
    return BreakdownRow(
        **base,  # type: ignore[arg-type]
        participants=result.participants,
        comparison=result.matched_comparison,
        matched=result.matched,
        naive_difference=result.naive_difference,
        adjusted_difference=result.adjusted_difference,
        interval=result.interval,
    )


def level_band(levels: pd.Series) -> pd.Series:
    """The ``LEVEL_BANDS`` key of each level."""
    bands = pd.Series(None, index=levels.index, dtype=object)
    for band, (low, high) in LEVEL_BANDS.items():
        bands = bands.where(~levels.between(low, high), band)
    return bands


def _subgroups(
    participants: pd.DataFrame,
    dimension: str,
    cohort_names: Mapping[str, str],
    threshold: int,
) -> list[tuple[str, pd.Series]]:
    """(label, participant mask) per subgroup of ``dimension``, in reading order."""
    if dimension == "cohort":
        cohorts = participants["cohort_id"]
        order = [c for c in cohort_names if (cohorts == c).any()]
        result = [(str(cohort_names[c]), cohorts == c) for c in order]
        if cohorts.isna().any():
            result.append((NO_COHORT, cohorts.isna()))
        return result
    if dimension == "kind":
        kinds = participants["kind"]
        return [(kind.title(), kinds == kind) for kind in PAIRING_KINDS if (kinds == kind).any()]
    if dimension == "level_band":
        bands = level_band(participants["level"])
        return [
            (LEVEL_BAND_NAMES[band], bands == band) for band in LEVEL_BANDS if (bands == band).any()
        ]
    names = participants["group_name"].astype(object).where(participants["group_name"].notna(), "")
    names = names.map(lambda value: str(value).strip() or NOT_STATED)
    sizes = names.value_counts()
    # A group is named only when at least ``threshold`` people of it took part.
    named = sorted(name for name, size in sizes.items() if size >= threshold and name != NOT_STATED)
    result = [(name, names == name) for name in named]
    if sizes.get(NOT_STATED, 0) >= threshold:
        result.append((NOT_STATED, names == NOT_STATED))
    small = ~names.isin([label for label, _ in result])
    if small.any():
        result.append((POOLED, small))
    return result


def dimensions_for(units: pd.DataFrame, *, one_cohort: bool) -> tuple[str, ...]:
    """The dimensions worth a breakdown: no cohort split of one cohort, no group without groups."""
    found = []
    participants = units[units["arm"] == PARTICIPANT]
    for dimension in DIMENSIONS:
        if dimension == "cohort" and one_cohort:
            continue
        if dimension == "group":
            names = participants.get("group_name")
            if names is None or not names.dropna().astype(str).str.strip().ne("").any():
                continue
        found.append(dimension)
    return tuple(found)


def breakdown(
    units: pd.DataFrame,
    *,
    months: int,
    as_of: dt.date,
    threshold: int,
    cohort_names: Mapping[str, str],
    dimensions: tuple[str, ...] | None = None,
    prepared: Prepared | None = None,
) -> tuple[BreakdownRow, ...]:
    """Every row of the breakdown: per dimension, group (mentees, mentors), outcome, subgroup.

    ``units`` is ``impact_units``' frame; ``cohort_names`` maps cohort ids to
    names in the order to show them; ``prepared``: the units as arrays, when the
    report has made them already.
    """
    if units.empty:
        return ()
    dimensions = dimensions if dimensions is not None else dimensions_for(units, one_cohort=False)
    prepared = prepared if prepared is not None else Prepared(units, months=months, as_of=as_of)
    # The subgroups are the same for both outcomes and every window: split each group's
    # participants once per view.
    key = ("split", dimensions, threshold, tuple(cohort_names.items()))
    if key not in prepared.memo:
        prepared.memo[key] = {
            group: _split(prepared, group, dimensions, cohort_names, threshold) for group in GROUPS
        }
    split = prepared.memo[key]
    rows: list[BreakdownRow] = []
    for outcome in OUTCOMES:
        by_date = _colleagues_by_date(prepared, outcome)
        for group in GROUPS:
            for dimension, label, part, dates in split[group]:
                if label == POOLED:
                    rows.append(BreakdownRow(dimension, label, group, outcome, SUPPRESSED, True))
                    continue
                found = [by_date[d] for d in dates if d in by_date]
                colleagues = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
                result = prepared.estimate(
                    part,
                    colleagues,
                    prepared.codes,
                    group=group,
                    outcome=outcome,
                    threshold=threshold,
                )
                rows.append(row_of(dimension, label, result))
    return tuple(rows)


def _split(
    prepared: Prepared,
    group: str,
    dimensions: tuple[str, ...],
    cohort_names: Mapping[str, str],
    threshold: int,
) -> list[tuple[str, str, np.ndarray, set[pd.Timestamp]]]:
    """(dimension, label, participant rows, their index dates) per subgroup of ``group``."""
    rows = prepared.participants(group)
    mine = prepared.units.iloc[rows]
    found = []
    for dimension in dimensions:
        for label, mask in _subgroups(mine, dimension, cohort_names, threshold):
            part = rows[mask.to_numpy()]
            # A set built in the rows' order, as before: the colleagues are concatenated
            # in its order, which decides the order of floating-point sums.
            dates = set(pd.unique(pd.Series(prepared.dates[part])))
            found.append((dimension, label, part, dates))
    return found


def _colleagues_by_date(prepared: Prepared, outcome: str) -> dict[pd.Timestamp, np.ndarray]:
    """The rows of colleagues with a complete window, per index date, in order."""
    complete, _ = prepared.outcome(outcome)
    rows = np.flatnonzero(~prepared.is_p & complete)
    codes, dates = pd.factorize(pd.Series(prepared.dates[rows]))
    return {pd.Timestamp(date): rows[codes == k] for k, date in enumerate(dates)}


def suppressed_count(rows: tuple[BreakdownRow, ...] | list[BreakdownRow]) -> int:
    """How many rows are suppressed."""
    return int(np.sum([row.suppressed for row in rows]))

"""The impact report: every estimate and curve a page or the command line shows.

Aggregates only: counts, rates, differences, intervals and curves whose every
point covers at least the privacy threshold of people.  No person id, name or
date of an individual event leaves this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd
from sqlalchemy import Engine

from tandem.access.privacy import privacy_threshold
from tandem.access.scope import OutOfScope, Scope
from tandem.impact.breakdown import BreakdownRow, breakdown, dimensions_for
from tandem.impact.estimate import DEFAULT_MONTHS, GROUPS, OUTCOMES, Estimate
from tandem.impact.prepared import Prepared
from tandem.impact.query import CareerData, cohorts_in_scope, data_through
from tandem.impact.survival import survival_curves

#: The windows the page offers; the refresh stores a report for each.
WINDOWS = (3, 6, 9, 12, 18, 24, 36, 48, 60)
MIN_MONTHS, MAX_MONTHS = WINDOWS[0], WINDOWS[-1]
CURVE_COLUMNS = ["group", "series", "month", "survival", "at_risk"]

#: What the comparison can and cannot account for, in words for a sponsor.
CONTROLS_FOR = (
    "Each participant is compared with colleagues who, at the same start date, were in no "
    "pairing and had been in none for the window's length before it, and who had the same "
    "level, division, geography and tenure band. Colleagues who join a later cohort are "
    "compared too: at the start they had taken no part."
)
CANNOT_CONTROL_FOR = (
    "It cannot see what the data do not hold: motivation, a manager's support, "
    "performance ratings, or who chose to apply and who was nominated. People picked "
    "for a program are often those already on the way up, so even the adjusted "
    "difference is an association, not proof that the program caused it."
)
NO_EVENTS = (
    "No career events are in the database yet. Add an events.csv file to the program "
    "bundle (hired, promoted, moved and left, with dates, from the HR system) and "
    "import it on the Admin page; the comparison then appears here."
)


@dataclass(frozen=True)
class ImpactReport:
    cohort_id: str | None
    cohort_name: str | None
    months: int
    as_of: dt.date
    threshold: int
    has_events: bool
    estimates: tuple[Estimate, ...] = ()
    curves: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CURVE_COLUMNS))
    #: The breakdown's rows (``tandem.impact.breakdown``) and its dimensions, when asked for.
    breakdown: tuple[BreakdownRow, ...] = ()
    dimensions: tuple[str, ...] = ()

    def breakdown_rows(self, dimension: str, outcome: str) -> list[BreakdownRow]:
        """The breakdown's rows for one dimension and outcome (mentees first, then mentors)."""
        return [r for r in self.breakdown if r.dimension == dimension and r.outcome == outcome]

    @property
    def scope_label(self) -> str:
        return self.cohort_name if self.cohort_name is not None else "the whole program"

    def get(self, group: str, outcome: str) -> Estimate | None:
        for item in self.estimates:
            if item.group == group and item.outcome == outcome:
                return item
        return None

    def to_json(self) -> dict[str, object]:
        """``{"as_of": date, "months": N, "results": [...]}`` (see ``Estimate.to_json``)."""
        return {
            "as_of": self.as_of.isoformat(),
            "months": self.months,
            "results": [item.to_json(self.cohort_id) for item in self.estimates],
            "cohort_id": self.cohort_id,
            "cohort": self.scope_label,
            "privacy_threshold": self.threshold,
            "has_career_events": self.has_events,
            "controls_for": CONTROLS_FOR,
            "cannot_control_for": CANNOT_CONTROL_FOR,
            **({"breakdown": [row.to_json() for row in self.breakdown]} if self.breakdown else {}),
        }


def clamp_months(months: int) -> int:
    """``months`` within what the page and the command line accept."""
    return max(MIN_MONTHS, min(MAX_MONTHS, int(months)))


def _cohort_name(names: pd.DataFrame, cohort_id: str | None) -> str | None:
    """The chosen cohort's name (None: the whole program or a lead's cohorts)."""
    if cohort_id is None:
        return None
    if cohort_id not in set(names["cohort_id"]):
        raise OutOfScope("This cohort")
    return str(names.loc[names["cohort_id"] == cohort_id, "name"].iloc[0])


def _headline(prepared: Prepared, *, threshold: int) -> tuple[tuple[Estimate, ...], pd.DataFrame]:
    """Both outcomes for mentees and mentors, and each group's retention curves."""
    estimates: list[Estimate] = []
    curves: list[pd.DataFrame] = []
    # What the curves read, as plain arrays (people as numbers: the curves only count
    # them), so slicing it per group and arm copies no text.
    units = pd.DataFrame(
        {
            "arm": prepared.units["arm"].to_numpy(dtype=object),
            "person_id": prepared.person,
            "index_date": prepared.units["index_date"].to_numpy(),
            "left_at": prepared.units["left_at"].to_numpy(),
        }
    )
    for group in GROUPS:
        for outcome in OUTCOMES:
            estimates.append(prepared.headline(group, outcome, threshold))
        # Censoring lets the curves use people the retention rate must leave out.
        mine = prepared.rows_of(group)
        curve = survival_curves(
            units[mine],
            group=group,
            months=prepared.months,
            as_of=prepared.as_of,
            threshold=threshold,
            codes=prepared.codes[mine],
        )
        if not curve.empty:
            curves.append(curve.assign(group=GROUPS[group])[CURVE_COLUMNS])
    frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(columns=CURVE_COLUMNS)
    return tuple(estimates), frame


def _breakdown(prepared: Prepared, report: ImpactReport, names: pd.DataFrame) -> ImpactReport:
    """``report`` with its breakdown by cohort, pairing kind, level band and group."""
    units = prepared.units
    one_cohort = report.cohort_id is not None
    if ("dimensions", one_cohort) not in prepared.memo:  # the participants decide
        prepared.memo["dimensions", one_cohort] = dimensions_for(units, one_cohort=one_cohort)
    dimensions = prepared.memo["dimensions", one_cohort]
    ordered = names.sort_values(["start_date", "name"])
    rows = breakdown(
        units,
        months=report.months,
        as_of=report.as_of,
        threshold=report.threshold,
        cohort_names=dict(zip(ordered["cohort_id"], ordered["name"], strict=True)),
        dimensions=dimensions,
        prepared=prepared,
    )
    return replace(report, breakdown=rows, dimensions=dimensions)


def impact_report(
    engine: Engine,
    scope: Scope,
    *,
    cohort_id: str | None = None,
    months: int = DEFAULT_MONTHS,
    as_of: dt.date | None = None,
    with_breakdown: bool = False,
    data: CareerData | None = None,
) -> ImpactReport:
    """Promotion and retention for mentees and mentors of ``cohort_id`` (None: all in scope).

    The data are taken to stop at the last career event recorded, or at
    ``as_of`` (default: today) when that is earlier: an outcome window that
    ends after the data stop is not yet observable.  ``with_breakdown`` adds
    the breakdown by cohort, pairing kind, level band and group.  ``data``: careers already
    read for that data date (the refresh reads them once for every report).
    """
    months = clamp_months(months)
    threshold = privacy_threshold(engine)
    with engine.connect() as connection:
        names = cohorts_in_scope(connection, scope)
        through = data_through(connection)
        as_of = min(as_of or dt.date.today(), through or dt.date.max)
        name = _cohort_name(names, cohort_id)
        report = ImpactReport(cohort_id, name, months, as_of, threshold, through is not None)
        if through is None:
            return report
        if data is None or data.as_of != as_of:
            data = CareerData(connection, as_of)
    units = data.units(scope, cohort_id, months)
    prepared = Prepared(
        units,
        months=months,
        as_of=as_of,
        memo=data.memo(scope, cohort_id),
        keys=data.keys(scope, cohort_id, months),
    )
    estimates, curves = _headline(prepared, threshold=threshold)
    report = replace(report, estimates=estimates, curves=curves)
    return _breakdown(prepared, report, names) if with_breakdown else report

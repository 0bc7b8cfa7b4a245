"""The Impact page's sections: the chooser, the estimates, the retention curves, the caveats.

Aggregates only (counts, rates, differences, curves whose points cover at
least the privacy threshold of people): nothing here names anyone, so every
section is the same in presenter mode.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui.briefing import briefing_button
from components.ui.briefing import chart as exportable_chart
from components.ui.cache import cached_query
from components.ui.charts import difference_intervals, retention_curves
from components.ui.formatting import date_text, plain
from components.ui.tables import Column, show_table
from tandem.access import Scope
from tandem.impact import (
    CANNOT_CONTROL_FOR,
    COMPARISON_LABEL,
    CONTROLS_FOR,
    DEFAULT_MONTHS,
    DIMENSIONS,
    GROUPS,
    INTERVAL_METHOD,
    NO_EVENTS,
    OUTCOMES,
    WINDOWS,
    BreakdownRow,
    Estimate,
    ImpactReport,
    cohorts_in_scope,
    interval_text,
    points,
    read_impact_report,
    verdict,
)
from tandem.portfolio.briefing import impact_briefing_content

OUTCOME_WORDS = {"promotion": "Promotion", "retention": "Retention"}
TOOK_PART = "Took part (matched)"


@cached_query
def _cohorts(engine: Engine, scope: Scope) -> pd.DataFrame:
    return cohorts_in_scope(engine, scope)


@cached_query
def _report(
    engine: Engine, scope: Scope, cohort_id: str | None, months: int, today: dt.date
) -> ImpactReport:
    return read_impact_report(engine, scope, cohort_id=cohort_id, months=months, today=today)


def controls(engine: Engine, scope: Scope) -> tuple[str | None, int]:
    """The cohort (None: every cohort the viewer may see) and the horizon in months."""
    cohorts = _cohorts(engine, scope)
    names = dict(zip(cohorts["cohort_id"], cohorts["name"], strict=True))
    everything = "All your cohorts" if scope.limited else "Whole program"
    left, right = st.columns([3, 2])
    with left:
        cohort_id = st.selectbox(
            "Cohort",
            [None, *names],
            format_func=lambda value: everything if value is None else str(names[value]),
            key="impact_cohort",
        )
    with right:
        months = st.select_slider(
            "Months after the start",
            WINDOWS,
            value=DEFAULT_MONTHS,
            key="impact_months",
            help="Promotion and retention are judged this many months after a cohort starts.",
        )
    return cohort_id, int(months)


def load(engine: Engine, scope: Scope, cohort_id: str | None, months: int) -> ImpactReport:
    with st.spinner("Comparing careers…"):
        return _report(engine, scope, cohort_id, months, dt.date.today())


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _difference(value: float | None) -> str | None:
    """A difference in points, or nothing (the table says "—")."""
    return None if value is None else points(value)


def _interval(interval: tuple[float, float] | None) -> str | None:
    return None if interval is None else interval_text(*interval)


NAIVE_HELP = "The rate of those who took part minus colleagues' rate, with no adjustment."
ADJUSTED_HELP = (
    "The difference against colleagues of the same level, division, geography and tenure "
    "band at the start."
)


def _table(estimates: list[Estimate], label: str) -> None:
    """One group's estimates, naive and adjusted side by side."""
    frame = pd.DataFrame(
        [
            {
                "outcome": OUTCOME_WORDS[item.outcome],
                "participants": item.participants,
                "comparison": item.comparison,
                "participant_rate": item.participant_rate,
                "comparison_rate": item.comparison_rate,
                "naive": _difference(item.naive_difference),
                "adjusted": _difference(item.adjusted_difference),
                "interval": _interval(item.interval),
                "unmatched": item.unmatched,
            }
            for item in estimates
        ]
    )
    columns = {
        "outcome": Column("Outcome", pinned=True),
        "participants": Column(label, kind="count"),
        "comparison": Column("Colleagues", kind="count"),
        "participant_rate": Column(f"{label}' rate", kind="percent"),
        "comparison_rate": Column("Colleagues' rate", kind="percent"),
        "naive": Column("Naive", kind="text", help=NAIVE_HELP),
        "adjusted": Column("Adjusted", kind="text", help=ADJUSTED_HELP),
        "interval": Column(
            "95 % interval",
            kind="text",
            help="Where the adjusted difference plausibly lies (95 % of the time).",
        ),
        "unmatched": Column(
            "Unmatched",
            kind="count",
            help=f"{label} with no comparable colleague: left out of the adjusted difference.",
        ),
    }
    show_table(frame, columns, width="stretch")


def _caption(estimates: list[Estimate], label: str) -> str:
    item = estimates[0]
    parts = [
        f"Rates: {OUTCOMES['promotion'].lower()} or {OUTCOMES['retention'].lower()} "
        f"{item.months} months after the start. Naive: every {label.lower()[:-1]} against "
        "every colleague who took no part. Adjusted: matched "
        f"{label.lower()} against colleagues of the same level, division, geography and "
        "tenure band."
    ]
    adjusted = [e for e in estimates if e.matched_participant_rate is not None]
    for e in adjusted:
        parts.append(
            f"Matched for {e.outcome}: {e.matched:,} {label.lower()} "
            f"({_rate(e.matched_participant_rate)}) against {e.matched_comparison:,} "
            f"colleagues ({_rate(e.matched_comparison_rate)})."
        )
    if item.not_yet_observable:
        parts.append(
            f"{item.not_yet_observable:,} {label.lower()} started less than {item.months} "
            "months before the career data end and are left out until they can be judged."
        )
    return " ".join(parts)


def group_section(report: ImpactReport, group: str) -> None:
    """One group's table (naive and adjusted side by side) and its verdicts in words."""
    label = GROUPS[group]
    estimates = [e for e in report.estimates if e.group == group]
    st.subheader(label)
    if all(e.refused for e in estimates):
        for e in estimates:
            st.markdown(f"**{OUTCOME_WORDS[e.outcome]}.** {plain(verdict(e))}")
        return
    _table(estimates, label)
    st.caption(plain(_caption(estimates, label)))
    for e in estimates:
        st.markdown(f"**{OUTCOME_WORDS[e.outcome]}.** {plain(verdict(e))}")


def _breakdown_frame(rows: list[BreakdownRow], threshold: int) -> pd.DataFrame:
    """The chart's rows: differences in points, suppressed rows with no number at all."""
    records = []
    for row in rows:
        low, high = (row.interval[0] * 100, row.interval[1] * 100) if row.interval else (None, None)
        adjusted = row.adjusted_difference
        records.append(
            {
                "who": GROUPS[row.group],
                "subgroup": row.label,
                "adjusted": None if adjusted is None else adjusted * 100,
                "low": low,
                "high": high,
                "value": _difference(row.adjusted_difference) or "—",
                "interval": _interval(row.interval) or "—",
                "status": _status(row, threshold),
                "effect": row.is_effect,
            }
        )
    return pd.DataFrame(records)


def _status(row: BreakdownRow, threshold: int) -> str:
    if row.suppressed:
        return f"suppressed (fewer than {threshold})"
    return row.verdict


def _breakdown_table(rows: list[BreakdownRow], title: str, threshold: int) -> None:
    """The breakdown's rows as a table; a suppressed row shows no number at all."""
    frame = pd.DataFrame(
        [
            {
                "who": GROUPS[row.group],
                "subgroup": row.label,
                "participants": row.participants,
                "comparison": row.comparison,
                "naive": _difference(row.naive_difference),
                "adjusted": _difference(row.adjusted_difference),
                "interval": _interval(row.interval),
                "verdict": _status(row, threshold).capitalize(),
            }
            for row in rows
        ]
    )
    columns = {
        "who": Column("Who"),
        "subgroup": Column(title),
        "participants": Column("Participants", kind="count"),
        "comparison": Column("Matched colleagues", kind="count"),
        "naive": Column(
            "Naive",
            kind="text",
            help="The subgroup's rate minus every colleague's rate, with no adjustment.",
        ),
        "adjusted": Column("Adjusted", kind="text", help=ADJUSTED_HELP),
        "interval": Column("95 % interval", kind="text"),
        "verdict": Column("Verdict", kind="text"),
    }
    show_table(frame, columns, width="stretch")


def breakdown_section(report: ImpactReport) -> None:
    """The adjusted difference by cohort, pairing kind, level band or group, with intervals."""
    if not report.dimensions:
        return
    st.subheader("Breakdown")
    left, right = st.columns([3, 2])
    with left:
        dimension = st.segmented_control(
            "Break down by",
            list(report.dimensions),
            format_func=DIMENSIONS.__getitem__,
            default=report.dimensions[0],
            required=True,
            key="impact_breakdown_by",
        )
    with right:
        outcome = st.segmented_control(
            "Outcome",
            list(OUTCOMES),
            format_func=OUTCOME_WORDS.__getitem__,
            default="promotion",
            required=True,
            key="impact_breakdown_outcome",
        )
    dimension = dimension or report.dimensions[0]
    outcome = outcome or "promotion"
    rows = report.breakdown_rows(dimension, outcome)
    title = DIMENSIONS[dimension]
    what = OUTCOME_WORDS[outcome]
    if all(row.adjusted_difference is None for row in rows):
        st.caption(
            plain(
                f"No {title.lower()} has enough people for an estimate of "
                f"{what.lower()}: every row covers fewer than {report.threshold} people or "
                "cannot be judged yet."
            )
        )
    else:
        exportable_chart(
            partial(difference_intervals, _breakdown_frame(rows, report.threshold), title),
            f"impact-breakdown-{dimension}-{outcome}",
            title=f"{what} by {title.lower()}, {report.scope_label}",
            width="content",
        )
    suppressed = sum(row.suppressed for row in rows)
    hidden = (
        f" {suppressed} of {len(rows)} rows cover fewer than {report.threshold} people "
        "(participants, matched participants or matched colleagues) and are suppressed: "
        "their numbers are left out, not rounded."
        if suppressed
        else ""
    )
    st.caption(
        plain(
            f"{what} {report.months} months after the start, by {title.lower()} "
            "(a participant counts in the cohort and pairing kind of their first pairing, "
            "and in the level band they held at its start). Each row's participants are "
            "matched against the same comparable colleagues; the dot is the adjusted "
            "difference, the bar its 95 % interval, and a bar that crosses the zero "
            "line is no detectable difference. With many rows, about one in twenty can miss "
            "zero by chance: look for a difference that holds across outcomes and periods." + hidden
        )
    )
    _breakdown_table(rows, title, report.threshold)


def curves_section(report: ImpactReport) -> None:
    st.subheader("Retention over time")
    if report.curves.empty:
        st.caption(
            plain(
                "Too few people to draw the curves: each side needs at least "
                f"{report.threshold} people under observation."
            )
        )
        return
    exportable_chart(
        partial(retention_curves, report.curves, TOOK_PART, COMPARISON_LABEL, report.months),
        "impact-retention",
        title=f"Retention over time, {report.scope_label}",
        width="content",
    )
    st.caption(
        plain(
            "Share still employed each month after the start (Kaplan–Meier): participants "
            "with a comparable colleague against those colleagues, weighted to the same "
            "profiles. People observed for less time count until their data end; a curve "
            f"stops where fewer than {report.threshold} people remain under observation. "
            "Look for a gap between the lines that opens and stays open."
        )
    )


def caveats(report: ImpactReport) -> None:
    """What the comparison controls for and what it cannot, in plain words."""
    with st.container(border=True):
        st.markdown("**What this comparison can and cannot tell you**")
        st.markdown(plain(CONTROLS_FOR))
        st.markdown(plain(CANNOT_CONTROL_FOR))
        st.markdown(
            plain(
                "A difference is called an effect only when the adjusted 95 % interval "
                "excludes zero; the naive difference never decides. "
                + INTERVAL_METHOD
                + f" Groups of fewer than {report.threshold} people are not estimated."
            )
        )


def briefing(engine: Engine, report: ImpactReport) -> None:
    """The one-page PDF: headline differences with their intervals, the charts, the caveats."""
    if not report.has_events:
        return
    view, figures, paragraphs, note = impact_briefing_content(report)
    briefing_button(engine, "Impact", view, headlines=figures, paragraphs=paragraphs, note=note)


def report_sections(report: ImpactReport) -> None:
    """Everything below the controls: estimates, curves and caveats, or how to add events."""
    if not report.has_events:
        st.info(plain(NO_EVENTS), icon=":material/work_history:")
        return
    st.caption(
        plain(
            f"Careers of {report.scope_label}'s participants. The career data reach "
            f"{date_text(report.as_of)} (the last event recorded): a window ending later is "
            "not yet observable."
        )
    )
    for group in GROUPS:
        group_section(report, group)
    breakdown_section(report)
    curves_section(report)
    caveats(report)

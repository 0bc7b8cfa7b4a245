"""The Impact page's sections: the chooser, the estimates, the retention curves, the caveats.

Aggregates only (counts, rates, differences, curves whose points cover at
least the privacy threshold of people): nothing here names anyone, so every
section is the same in presenter mode.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.briefing import chart as exportable_chart
from components.cache import cached_query
from components.charts import retention_curves
from components.formatting import plain
from tandem.access import Scope
from tandem.impact import (
    CANNOT_CONTROL_FOR,
    COMPARISON_LABEL,
    CONTROLS_FOR,
    DEFAULT_MONTHS,
    GROUPS,
    INTERVAL_METHOD,
    NO_EVENTS,
    OUTCOMES,
    Estimate,
    ImpactReport,
    cohorts_in_scope,
    impact_report,
    interval_text,
    points,
    verdict,
)

MONTH_CHOICES = (3, 6, 9, 12, 18, 24, 36, 48, 60)
OUTCOME_WORDS = {"promotion": "Promotion", "retention": "Retention"}
TOOK_PART = "Took part (matched)"


@cached_query
def _cohorts(engine: Engine, scope: Scope) -> pd.DataFrame:
    return cohorts_in_scope(engine, scope)


@cached_query
def _report(
    engine: Engine, scope: Scope, cohort_id: str | None, months: int, today: dt.date
) -> ImpactReport:
    return impact_report(engine, scope, cohort_id=cohort_id, months=months, as_of=today)


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
            MONTH_CHOICES,
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


def _difference(value: float | None) -> str:
    return "—" if value is None else points(value)


def _table(estimates: list[Estimate], label: str) -> pd.DataFrame:
    rows = []
    for item in estimates:
        rows.append(
            {
                "Outcome": OUTCOME_WORDS[item.outcome],
                label: f"{item.participants:,}",
                "Colleagues": f"{item.comparison:,}",
                f"{label}' rate": _rate(item.participant_rate),
                "Colleagues' rate": _rate(item.comparison_rate),
                "Naive": _difference(item.naive_difference),
                "Adjusted": _difference(item.adjusted_difference),
                "95 % interval": "—" if item.interval is None else interval_text(*item.interval),
                "Unmatched": f"{item.unmatched:,}",
            }
        )
    return pd.DataFrame(rows)


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
    st.dataframe(
        _table(estimates, label),
        hide_index=True,
        width="stretch",
        column_config={
            "Naive": st.column_config.TextColumn(
                help=f"{label}' rate minus colleagues' rate, with no adjustment."
            ),
            "Adjusted": st.column_config.TextColumn(
                help="The difference against colleagues of the same level, division, "
                "geography and tenure band at the start."
            ),
            "95 % interval": st.column_config.TextColumn(
                help="Where the adjusted difference plausibly lies (bootstrap)."
            ),
            "Unmatched": st.column_config.TextColumn(
                help=f"{label} with no comparable colleague: left out of the adjusted difference."
            ),
        },
    )
    st.caption(plain(_caption(estimates, label)))
    for e in estimates:
        st.markdown(f"**{OUTCOME_WORDS[e.outcome]}.** {plain(verdict(e))}")


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
        retention_curves(report.curves, TOOK_PART, COMPARISON_LABEL, report.months),
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


def report_sections(report: ImpactReport) -> None:
    """Everything below the controls: estimates, curves and caveats, or how to add events."""
    if not report.has_events:
        st.info(plain(NO_EVENTS), icon=":material/work_history:")
        return
    st.caption(
        plain(
            f"Careers of {report.scope_label}'s participants. The career data reach "
            f"{report.as_of:%d %B %Y} (the last event recorded): a window ending later is "
            "not yet observable."
        )
    )
    for group in GROUPS:
        group_section(report, group)
    curves_section(report)
    caveats(report)

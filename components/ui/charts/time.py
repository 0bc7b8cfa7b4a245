"""Charts over time: every time axis shows the year; ratings run 1–5 in whole numbers;
a line chart colours at most a handful of series and greys the rest."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from components.ui.charts.palette import ACCENT, CATEGORICAL, MILESTONE_COLOURS, MUTED, LayeredChart
from components.ui.charts.shaping import long_form

MONTH_AXIS = alt.Axis(format="%b %Y", labelAngle=0, tickCount="month")
RATING_TICKS = [1, 2, 3, 4, 5]
MAX_SERIES = len(CATEGORICAL)
RATING_LABELS = {
    "clarity": "Clarity",
    "confidence": "Confidence",
    "influence": "Influence",
    "safety": "Safety",
    "mentor_learning": "Mentor learning",
}


def _milestone_fill() -> alt.Fill:
    return alt.Fill(
        "status_label:N",
        title="Milestone",
        scale=alt.Scale(domain=list(MILESTONE_COLOURS), range=list(MILESTONE_COLOURS.values())),
        legend=alt.Legend(orient="bottom"),
    )


def pairing_timeline(checkins: pd.DataFrame, milestones: pd.DataFrame) -> LayeredChart | None:
    """Rating lines over time (1–5, whole-number ticks) with the milestones below them."""
    layers: list[alt.Chart] = []
    x = alt.X("when:T", title=None, axis=MONTH_AXIS)
    if not checkins.empty:
        long = checkins.melt(
            id_vars=["date"], value_vars=list(RATING_LABELS), var_name="rating", value_name="score"
        ).dropna(subset=["score"])
        long["rating"] = long["rating"].map(RATING_LABELS)
        long["when"] = pd.to_datetime(long["date"])
        if not long.empty:
            layers.append(
                alt.Chart(long)
                .mark_line(point=True)
                .encode(
                    x=x,
                    y=alt.Y(
                        "score:Q",
                        title="Rating (1–5)",
                        scale=alt.Scale(domain=[0.5, 5.5], nice=False),
                        axis=alt.Axis(values=RATING_TICKS, format="d"),
                    ),
                    color=alt.Color(
                        "rating:N",
                        title="Rating",
                        scale=alt.Scale(range=CATEGORICAL),
                        legend=alt.Legend(orient="top"),
                    ),
                    tooltip=[
                        alt.Tooltip("when:T", title="Date", format="%d %b %Y"),
                        alt.Tooltip("rating:N", title="Rating"),
                        alt.Tooltip("score:Q", title="Score"),
                    ],
                )
            )
    if not milestones.empty:
        marks = milestones.assign(
            when=pd.to_datetime(milestones["completed_date"].fillna(milestones["due_date"])),
            y=0.75,
        )
        layers.append(
            alt.Chart(marks)
            .mark_point(shape="diamond", size=160, filled=True)
            .encode(
                x=x,
                y=alt.Y("y:Q"),
                fill=_milestone_fill(),
                tooltip=[
                    alt.Tooltip("title:N", title="Milestone"),
                    *_milestone_tooltip("due_date", "completed_date"),
                ],
            )
        )
    if not layers:
        return None
    return alt.layer(*layers).resolve_scale(color="independent").properties(height=320)


def burn_up_chart(frame: pd.DataFrame) -> alt.FacetChart:
    """Cumulative milestones due (the plan) against completed, one panel per cohort.

    Each line is a share of its cohort's milestones (the larger of its plan's and its
    completions' last figure), so the panels share one 0-100 % scale and a cohort of
    300 reads as clearly beside one of 25,000; each line ends in its count.
    """
    series = {"planned_total": "Due (plan)", "completed_total": "Completed"}
    long = long_form(frame, ["cohort", "month"], series, "series", "milestones")
    long["month"] = pd.to_datetime(long["month"] + "-01")
    totals = long.groupby("cohort")["milestones"].transform("max")
    long["share"] = (long["milestones"] / totals.where(totals > 0)).fillna(0.0)
    last = long["month"] == long.groupby(["cohort", "series"])["month"].transform("max")
    long["end"] = [
        f"{int(v):,}" if is_last else ""
        for v, is_last in zip(long["milestones"], last, strict=True)
    ]
    domain = ["Due (plan)", "Completed"]
    # One legend of line samples (dashed plan, solid completions): the colour and the
    # dash share it, so it shows what the panels draw.
    legend = alt.Legend(orient="top", symbolType="stroke", title=None)
    base = alt.Chart().encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=4)),
        y=alt.Y(
            "share:Q",
            title="Share of milestones",
            axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1]),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=alt.Color(
            "series:N", scale=alt.Scale(domain=domain, range=[MUTED, ACCENT]), legend=legend
        ),
    )
    lines = base.mark_line(point=True, interpolate="step-after").encode(
        strokeDash=alt.StrokeDash(
            "series:N", scale=alt.Scale(domain=domain, range=[[4, 3], [1, 0]]), legend=legend
        ),
        tooltip=[
            alt.Tooltip("cohort:N", title="Cohort"),
            alt.Tooltip("month:T", title="Month", format="%b %Y"),
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("milestones:Q", title="Milestones", format=","),
            alt.Tooltip("share:Q", title="Share of its milestones", format=".0%"),
        ],
    )
    # Only the last month carries a label: an empty label is still a drawn mark.
    ends = base.mark_text(align="left", dx=6).encode(text="end:N").transform_filter("datum.end")
    return (
        alt.layer(lines, ends, data=long)
        .properties(width=320, height=200)
        .facet(facet=alt.Facet("cohort:N", title=None), columns=2)
    )


def _milestone_tooltip(due: str, done: str) -> list[alt.Tooltip]:
    """A milestone's due and completed dates (the columns ``due`` and ``done``) and its
    status, as tooltip rows."""
    return [
        alt.Tooltip(f"{due}:T", title="Due", format="%d %b %Y"),
        alt.Tooltip(f"{done}:T", title="Completed", format="%d %b %Y"),
        alt.Tooltip("status_label:N", title="Status"),
    ]


def milestone_gantt(frame: pd.DataFrame, *, show_titles: bool = True) -> LayeredChart:
    """Each pairing a row; its milestones at their due dates, coloured by status."""
    data = frame.assign(
        due=pd.to_datetime(frame["due_date"]),
        done=pd.to_datetime(frame["completed_date"]),
        start=pd.to_datetime(frame["start_date"]),
    )
    pairs = data.groupby(["pairing_id", "pair"], as_index=False).agg(
        start=("start", "min"), last=("due", "max")
    )
    y = alt.Y("pair:N", title=None, sort=list(pairs["pair"]))
    span = (
        alt.Chart(pairs)
        .mark_rule(color="#C9D3D3", strokeWidth=6)
        .encode(y=y, x=alt.X("start:T", title=None, axis=MONTH_AXIS), x2="last:T")
    )
    points = (
        alt.Chart(data)
        .mark_point(shape="diamond", size=120, filled=True)
        .encode(
            y=y,
            x="due:T",
            fill=_milestone_fill(),
            tooltip=[
                alt.Tooltip("pair:N", title="Pairing"),
                *([alt.Tooltip("title:N", title="Milestone")] if show_titles else []),
                *_milestone_tooltip("due", "done"),
            ],
        )
    )
    return alt.layer(span, points).properties(height=alt.Step(28))


def highlighted_themes(change: pd.DataFrame, limit: int = 5) -> list[str]:
    """The themes that rose or fell most (the emerging and fading list's top), in order."""
    if change.empty:
        return []
    shown = change[~change["suppressed"]]
    ranked = shown.reindex(shown["change"].abs().sort_values(ascending=False).index)
    return [str(theme) for theme in ranked["theme"].head(min(limit, MAX_SERIES))]


def theme_lines(frame: pd.DataFrame, highlight: Sequence[str]) -> LayeredChart:
    """Each theme's share of notes by month: the ``highlight`` themes in colour (the
    legend), the others thin and grey; a theme that is hardly ever mentioned is left out."""
    shown = frame[~frame["suppressed"]].assign(when=lambda f: pd.to_datetime(f["month"] + "-01"))
    # A theme that never reaches 1 % of the notes would be a line flat at zero.
    mentioned = shown.groupby("theme")["share"].transform("max") >= 0.01
    shown = shown[mentioned]
    chosen = [theme for theme in highlight if theme in set(shown["theme"])]
    last = shown["when"] == shown["when"].max()
    shown = shown.assign(
        end=[
            f"{share:.0%}" if is_last and theme in chosen else ""
            for share, is_last, theme in zip(shown["share"], last, shown["theme"], strict=True)
        ]
    )
    x = alt.X("when:T", title=None, axis=MONTH_AXIS)
    y = alt.Y("share:Q", title="Share of notes", axis=alt.Axis(format=".0%"))
    tooltip = [
        alt.Tooltip("theme:N", title="Theme"),
        alt.Tooltip("when:T", title="Month", format="%b %Y"),
        alt.Tooltip("share:Q", title="Share", format=".0%"),
    ]
    in_colour = alt.FieldOneOfPredicate(field="theme", oneOf=chosen)
    others = (
        alt.Chart(shown)
        .transform_filter(alt.LogicalNotPredicate(**{"not": in_colour}))
        .mark_line(color=MUTED, strokeWidth=1, opacity=0.6)
        .encode(x=x, y=y, detail="theme:N", tooltip=tooltip)
    )
    coloured = alt.Chart(shown).transform_filter(in_colour)
    colour = alt.Color(
        "theme:N",
        title="Rising or falling most",
        scale=alt.Scale(domain=chosen, range=CATEGORICAL[: len(chosen)]),
        legend=alt.Legend(orient="right"),
    )
    lines = coloured.mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=y, color=colour, tooltip=tooltip
    )
    ends = coloured.mark_text(align="left", dx=6).encode(x=x, y=y, text="end:N", color=colour)
    return alt.layer(others, lines, ends).properties(height=320)

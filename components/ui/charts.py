"""Altair charts shared by pages. Charts receive prepared frames, never query."""

from __future__ import annotations

import altair as alt
import pandas as pd

RATING_LABELS = {
    "clarity": "Clarity",
    "confidence": "Confidence",
    "influence": "Influence",
    "safety": "Safety",
    "mentor_learning": "Mentor learning",
}
MILESTONE_COLOURS = {
    "Done on time": "#1A7F5A",
    "Done late": "#7FB069",
    "In progress": "#3E7CB1",
    "Due soon": "#E0A100",
    "Planned": "#9AA5B1",
    "Overdue": "#C0392B",
    "Missed": "#6D2E46",
}
#: Health verdicts on every health chart, keyed by ``tandem.health.VERDICT_LABELS``:
#: stalled red and at risk amber (the colours of "Overdue" and "Due soon"), the rest grey.
VERDICT_COLOURS = {
    "Stalled": MILESTONE_COLOURS["Overdue"],
    "At risk": MILESTONE_COLOURS["Due soon"],
    "Flagged": MILESTONE_COLOURS["In progress"],
    "Not at risk": MILESTONE_COLOURS["Planned"],
}

# What ``alt.layer(...).properties(...)`` is typed to return.
LayeredChart = alt.LayerChart | alt.FacetChart


def pairing_timeline(checkins: pd.DataFrame, milestones: pd.DataFrame) -> LayeredChart | None:
    """Rating lines over time with the milestones on the same time axis."""
    layers: list[alt.Chart] = []
    if not checkins.empty:
        long = checkins.melt(
            id_vars=["date"], value_vars=list(RATING_LABELS), var_name="rating", value_name="score"
        ).dropna(subset=["score"])
        long["rating"] = long["rating"].map(RATING_LABELS)
        long["date"] = pd.to_datetime(long["date"])
        if not long.empty:
            layers.append(
                alt.Chart(long)
                .mark_line(point=True)
                .encode(
                    x=alt.X("date:T", title=None),
                    y=alt.Y("score:Q", title="Rating (1–5)", scale=alt.Scale(domain=[0.5, 5.5])),
                    color=alt.Color("rating:N", title="Rating"),
                    tooltip=[
                        alt.Tooltip("date:T"),
                        alt.Tooltip("rating:N"),
                        alt.Tooltip("score:Q"),
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
                x=alt.X("when:T", title=None),
                y=alt.Y("y:Q"),
                fill=alt.Fill(
                    "status_label:N",
                    title="Milestone",
                    scale=alt.Scale(
                        domain=list(MILESTONE_COLOURS), range=list(MILESTONE_COLOURS.values())
                    ),
                ),
                tooltip=[
                    alt.Tooltip("title:N", title="Milestone"),
                    alt.Tooltip("due_date:T", title="Due"),
                    alt.Tooltip("completed_date:T", title="Completed"),
                    alt.Tooltip("status_label:N", title="Status"),
                ],
            )
        )
    if not layers:
        return None
    return alt.layer(*layers).resolve_scale(color="independent").properties(height=320)


SUPPRESSED_COLOUR = "#D5DBDB"


def _outcome_format(outcome: str) -> str:
    return "+.2f" if outcome == "rating_gain" else ".0%"


def outcome_heatmap(
    frame: pd.DataFrame,
    x: str,
    y: str,
    outcome: str,
    outcome_label: str,
    x_title: str,
    y_title: str,
) -> LayeredChart:
    """Cells coloured by the outcome, each labelled with its n; suppressed cells grey."""
    data = frame.assign(
        label=[
            "suppressed" if hidden else f"n={int(n)}"
            for hidden, n in zip(frame["suppressed"], frame["n"].fillna(0), strict=False)
        ]
    )
    select = alt.selection_point(name="cell", fields=[x, y], on="click")
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:N", title=x_title, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
        y=alt.Y(f"{y}:N", title=y_title, axis=alt.Axis(labelLimit=160)),
    )
    cells = (
        base.mark_rect(stroke="white", invalid=None)  # suppressed cells stay drawn
        .encode(
            color=alt.condition(
                "datum.suppressed",
                alt.value(SUPPRESSED_COLOUR),
                alt.Color(f"{outcome}:Q", title=outcome_label, scale=alt.Scale(scheme="tealblues")),
            ),
            opacity=alt.condition(select, alt.value(1.0), alt.value(0.55)),
            tooltip=[
                alt.Tooltip(f"{x}:N", title=x_title),
                alt.Tooltip(f"{y}:N", title=y_title),
                alt.Tooltip(f"{outcome}:Q", title=outcome_label, format=_outcome_format(outcome)),
                alt.Tooltip("label:N", title="Pairings"),
            ],
        )
        .add_params(select)
    )
    text = base.mark_text(fontSize=11).encode(text="label:N")
    return alt.layer(cells, text).properties(height=max(220, 38 * data[y].nunique()))


def _bars_height(bars: int, per_bar: int) -> int:
    """A horizontal bar chart's height: ``per_bar`` pixels a bar plus the x axis and its
    title (about 70 px), which Vega counts in the height — a fixed height squashed
    four bars into ~50 px and dropped half their labels."""
    return 70 + per_bar * bars


def outcome_bars(
    frame: pd.DataFrame, column: str, outcome: str, outcome_label: str, title: str
) -> LayeredChart:
    """One bar per group with its n; suppressed groups shown as empty, labelled."""
    data = frame.assign(
        label=[
            "suppressed" if hidden else f"n={int(n)}"
            for hidden, n in zip(frame["suppressed"], frame["n"].fillna(0), strict=False)
        ],
        value=frame[outcome].fillna(0.0),
    )
    data[column] = data[column].astype(str)
    select = alt.selection_point(name="cell", fields=[column], on="click")
    # The section heading names the dimension; an axis title would repeat it.
    # Cohort names share long prefixes ("Executive Pairings 2025/2026"): show them whole.
    base = alt.Chart(data).encode(
        y=alt.Y(f"{column}:N", title=None, sort=None, axis=alt.Axis(labelLimit=200))
    )
    bars = (
        base.mark_bar()
        .encode(
            x=alt.X("value:Q", title=outcome_label, axis=alt.Axis(format=_outcome_format(outcome))),
            color=alt.condition(select, alt.value("#0F6E6E"), alt.value("#8FB9B9")),
            tooltip=[
                alt.Tooltip(f"{column}:N", title=title),
                alt.Tooltip(f"{outcome}:Q", title=outcome_label, format=_outcome_format(outcome)),
                alt.Tooltip("label:N", title="Pairings"),
            ],
        )
        .add_params(select)
    )
    text = base.mark_text(align="left", dx=4).encode(x="value:Q", text="label:N")
    return alt.layer(bars, text).properties(height=_bars_height(len(data), 30))


def learning_flow_bars(frame: pd.DataFrame) -> alt.Chart:
    """Per pairing kind: what the mentor learned next to the mentee's latest rating."""
    shown = frame[~frame["suppressed"]]
    long = shown.melt(
        id_vars=["kind", "n"],
        value_vars=["mentor_learning", "mentee_rating"],
        var_name="direction",
        value_name="score",
    )
    long["direction"] = long["direction"].map(
        {"mentor_learning": "Mentor learned (1–5)", "mentee_rating": "Mentee's latest rating (1–5)"}
    )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("kind:N", title=None),
            yOffset="direction:N",
            x=alt.X("score:Q", title="Mean score", scale=alt.Scale(domain=[0, 5])),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(range=["#0F6E6E", "#E07A5F"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["kind:N", "direction:N", alt.Tooltip("score:Q", format=".2f"), "n:Q"],
        )
        .properties(height=max(160, 70 * len(shown)))
    )


def level_heatmap(frame: pd.DataFrame) -> LayeredChart:
    """Pairings by mentor level × mentee level; suppressed cells grey and unlabelled."""
    data = frame.assign(
        label=[
            "" if hidden else f"{int(n)}"
            for hidden, n in zip(frame["suppressed"], frame["n"].fillna(0), strict=True)
        ]
    )
    base = alt.Chart(data).encode(
        x=alt.X("mentee_level:O", title="Mentee level"),
        y=alt.Y("mentor_level:O", title="Mentor level", sort="descending"),
    )
    # invalid=None: a suppressed cell has no value but must still be drawn (grey).
    cells = base.mark_rect(stroke="white", invalid=None).encode(
        color=alt.condition(
            "datum.suppressed",
            alt.value(SUPPRESSED_COLOUR),
            alt.Color("n:Q", title="Pairings", scale=alt.Scale(scheme="tealblues")),
        ),
        tooltip=["mentor_level:O", "mentee_level:O", alt.Tooltip("label:N", title="Pairings")],
    )
    return alt.layer(cells, base.mark_text().encode(text="label:N")).properties(height=320)


def equity_bars(frame: pd.DataFrame, measure: str, label: str) -> alt.Chart:
    shown = frame[~frame["suppressed"] & frame[measure].notna()]
    fmt = "+.2f" if measure == "rating_gain" else ".0%"
    return (
        alt.Chart(shown)
        .mark_bar(color="#0F6E6E")
        .encode(
            y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
            x=alt.X(f"{measure}:Q", title=None, axis=alt.Axis(format=fmt)),
            tooltip=["group:N", alt.Tooltip(f"{measure}:Q", format=fmt), "people:Q"],
        )
        .properties(height=max(120, 40 * len(shown)))
    )


def burn_up_chart(frame: pd.DataFrame) -> alt.FacetChart:
    """Cumulative milestones due (the plan) against completed, one panel per cohort."""
    long = frame.melt(
        id_vars=["cohort", "month"],
        value_vars=["planned_total", "completed_total"],
        var_name="series",
        value_name="milestones",
    )
    long["series"] = long["series"].map(
        {"planned_total": "Due (plan)", "completed_total": "Completed"}
    )
    long["month"] = pd.to_datetime(long["month"] + "-01")
    return (
        alt.Chart(long)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=alt.X("month:T", title=None),
            y=alt.Y("milestones:Q", title="Milestones (cumulative)"),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=["Due (plan)", "Completed"], range=["#9AA5B1", "#0F6E6E"]),
                legend=alt.Legend(orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=["Due (plan)", "Completed"], range=[[4, 3], [1, 0]]),
                legend=None,
            ),
            tooltip=[
                "cohort:N",
                alt.Tooltip("month:T", format="%Y-%m"),
                "series:N",
                "milestones:Q",
            ],
        )
        .properties(width=320, height=200)
        .facet(facet=alt.Facet("cohort:N", title=None), columns=2)
        .resolve_scale(y="independent")
    )


def rate_bars(frame: pd.DataFrame, title: str) -> LayeredChart:
    data = frame.assign(
        label=[
            "suppressed" if hidden else f"{rate:.0%} · n={int(n)}"
            for hidden, rate, n in zip(
                frame["suppressed"], frame["rate"].fillna(0), frame["n"].fillna(0), strict=True
            )
        ],
        value=frame["rate"].fillna(0.0),
    )
    base = alt.Chart(data).encode(
        y=alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=200))
    )
    bars = base.mark_bar(color="#0F6E6E").encode(
        # Room right of 100% for the "88% · n=32" labels, which would be clipped.
        x=alt.X(
            "value:Q",
            title=title,
            axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1]),
            scale=alt.Scale(domain=[0, 1.35]),
        ),
        tooltip=["group:N", alt.Tooltip("label:N", title="Completion")],
    )
    text = base.mark_text(align="left", dx=4).encode(x="value:Q", text="label:N")
    return alt.layer(bars, text).properties(height=_bars_height(len(data), 26))


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
    y = alt.Y("pair:N", title=None, sort=list(pairs["pair"]), axis=alt.Axis(labelLimit=260))
    span = (
        alt.Chart(pairs)
        .mark_rule(color="#C9D3D3", strokeWidth=6)
        .encode(y=y, x=alt.X("start:T", title=None), x2="last:T")
    )
    points = (
        alt.Chart(data)
        .mark_point(shape="diamond", size=120, filled=True)
        .encode(
            y=y,
            x="due:T",
            fill=alt.Fill(
                "status_label:N",
                title="Milestone",
                scale=alt.Scale(
                    domain=list(MILESTONE_COLOURS), range=list(MILESTONE_COLOURS.values())
                ),
            ),
            tooltip=[
                "pair:N",
                *([alt.Tooltip("title:N", title="Milestone")] if show_titles else []),
                alt.Tooltip("due:T", title="Due"),
                alt.Tooltip("done:T", title="Completed"),
                alt.Tooltip("status_label:N", title="Status"),
            ],
        )
    )
    return alt.layer(span, points).properties(height=max(160, 26 * len(pairs)))


PARTICIPANT_COLOUR = "#0F6E6E"
COMPARISON_COLOUR = "#9AA5B1"


def retention_curves(
    frame: pd.DataFrame, participant_label: str, comparison_label: str, months: int
) -> alt.FacetChart:
    """Kaplan–Meier curves, one panel per group: those who took part against colleagues."""
    data = frame.assign(
        side=[
            comparison_label if series == comparison_label else participant_label
            for series in frame["series"]
        ]
    )
    domain = [participant_label, comparison_label]
    low = float(data["survival"].min()) if len(data) else 0.0
    return (
        alt.Chart(data)
        .mark_line(interpolate="step-after", strokeWidth=2.5)
        .encode(
            x=alt.X(
                "month:Q",
                title="Months after the start",
                scale=alt.Scale(domain=[0, months]),
                axis=alt.Axis(tickMinStep=1),
            ),
            y=alt.Y(
                "survival:Q",
                title="Still employed",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[min(0.8, max(0.0, low - 0.05)), 1.0]),
            ),
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[PARTICIPANT_COLOUR, COMPARISON_COLOUR]),
                legend=alt.Legend(orient="top", labelLimit=0, labelFontSize=14, symbolSize=300),
            ),
            strokeDash=alt.StrokeDash(
                "side:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 4]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("series:N", title="Who"),
                alt.Tooltip("month:Q", title="Months after the start", format=".1f"),
                alt.Tooltip("survival:Q", title="Still employed", format=".0%"),
                alt.Tooltip("at_risk:Q", title="Still observed", format=","),
            ],
        )
        .properties(width=360, height=240)
        .facet(
            column=alt.Column(
                "group:N",
                title=None,
                sort=["Mentees", "Mentors"],
                header=alt.Header(labelFontSize=15, labelFontWeight="bold"),
            )
        )
        .configure_axis(labelFontSize=13, titleFontSize=14)
    )


def difference_intervals(frame: pd.DataFrame, subgroup_title: str) -> alt.FacetChart:
    """Adjusted differences with their 95 % intervals, one row per subgroup, a zero line.

    ``frame``: ``who`` (panel), ``subgroup``, ``adjusted``, ``low``, ``high`` (points;
    missing when suppressed), ``value`` (the difference as text), ``status`` (the
    verdict word, or "suppressed"/"not yet observable"), ``effect`` (whether the
    interval excludes zero).  Suppressed rows are drawn as the word, at zero.
    """
    order = list(dict.fromkeys(frame["subgroup"]))
    shown, hidden_rows = "isValid(datum.adjusted)", "!isValid(datum.adjusted)"
    y = alt.Y(
        "subgroup:N",
        sort=order,
        title=subgroup_title,
        axis=alt.Axis(labelLimit=220),
    )
    x_title = "Adjusted difference, percentage points (95 % interval)"
    tooltip = [
        alt.Tooltip("who:N", title="Who"),
        alt.Tooltip("subgroup:N", title=subgroup_title),
        alt.Tooltip("value:N", title="Adjusted difference"),
        alt.Tooltip("interval:N", title="95 % interval"),
        alt.Tooltip("status:N", title="Verdict"),
    ]
    base = alt.Chart().encode(y=y)
    # An interval that excludes zero (an effect) in the participants' colour, else grey.
    effect_colour = alt.Color(
        "effect:N",
        scale=alt.Scale(domain=[True, False], range=[PARTICIPANT_COLOUR, COMPARISON_COLOUR]),
        legend=None,
    )
    zero = alt.Chart().mark_rule(color=COMPARISON_COLOUR, strokeDash=[4, 3]).encode(x=alt.datum(0))
    interval = (
        base.transform_filter(shown)
        .mark_rule(strokeWidth=2.5)
        .encode(
            x=alt.X("low:Q", title=x_title),
            x2="high:Q",
            color=effect_colour,
            tooltip=tooltip,
        )
    )
    point = (
        base.transform_filter(shown)
        .mark_point(filled=True, size=90)
        .encode(
            x="adjusted:Q",
            color=effect_colour,
            tooltip=tooltip,
        )
    )
    value = (
        base.transform_filter(shown)
        .mark_text(align="left", dx=6, fontSize=15)
        .encode(x="high:Q", text="value:N")
    )
    hidden = (
        base.transform_filter(hidden_rows)
        .mark_text(align="left", fontSize=15, fontStyle="italic", color="#5A6268")
        .encode(x=alt.datum(0), text="status:N", tooltip=tooltip)
    )
    rows = max(1, len(order))
    return (
        alt.layer(zero, interval, point, value, hidden, data=frame)
        .properties(width=330, height=max(90, 36 * rows))
        .facet(
            column=alt.Column(
                "who:N",
                title=None,
                sort=["Mentees", "Mentors"],
                header=alt.Header(labelFontSize=16, labelFontWeight="bold"),
            )
        )
        .configure_axis(labelFontSize=14, titleFontSize=15)
    )


def health_band_bars(frame: pd.DataFrame, at_risk_below: float) -> LayeredChart:
    """Scored pairings per health band, the count on each bar; bands under the
    at-risk line in amber, the rest in teal (the same colours as every page)."""
    data = frame.assign(
        shown=frame["pairings"].fillna(0).astype(int),
        label=[
            "–" if hidden else f"{int(n):,}"
            for hidden, n in zip(frame["suppressed"], frame["pairings"].fillna(0), strict=True)
        ],
        zone=[
            f"Below {at_risk_below:g} (at risk)" if below else f"{at_risk_below:g} or more"
            for below in frame["below_at_risk_line"]
        ],
    )
    zones = [f"Below {at_risk_below:g} (at risk)", f"{at_risk_below:g} or more"]
    base = alt.Chart(data).encode(
        x=alt.X(
            "band:O", title="Health (0–100)", sort=list(data["band"]), axis=alt.Axis(labelAngle=0)
        )
    )
    bars = base.mark_bar().encode(
        y=alt.Y("shown:Q", title="Pairings", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color(
            "zone:N",
            title=None,
            scale=alt.Scale(domain=zones, range=["#E0A100", "#0F6E6E"]),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("band:O", title="Health"),
            alt.Tooltip("label:N", title="Pairings"),
        ],
    )
    text = base.mark_text(dy=-7, fontSize=13).encode(y="shown:Q", text="label:N")
    return alt.layer(bars, text).properties(height=260)

"""Horizontal bar charts: one builder (``labelled_bars``) with the value at each bar's
end, a reference line for the program figure, suppressed groups said in words."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from components.ui.charts.palette import (
    ACCENT,
    ACCENT_LIGHT,
    CORAL,
    MUTED,
    RED,
    REFERENCE,
    LayeredChart,
)
from components.ui.charts.shaping import long_form

BAR_STEP = 30  # px per bar: room for a 16 px label in presenter mode
HALO = "#FFFFFF"  # the page's background (.streamlit/config.toml), behind bar-end labels
RATING_TICKS = [1, 2, 3, 4, 5]
PERCENT_TICKS = [0, 0.25, 0.5, 0.75, 1]
# Room right of 100 % for the "88% · n=32" labels, which would otherwise be clipped.
RATE_DOMAIN = (0.0, 1.4)


def _outcome_format(outcome: str) -> str:
    return "+.2f" if outcome == "rating_gain" else ".0%"


def value_text(value: float | None, fmt: str) -> str:
    """A value as the label at a bar's end ("72%", "+0.35")."""
    if value is None or pd.isna(value):
        return ""
    return format(value, fmt)


def hidden_text(threshold: int | None) -> str:
    return f"hidden: fewer than {threshold}" if threshold else "hidden (too few)"


def padded_domain(values: Sequence[float | None], *, room: float = 0.3) -> tuple[float, float]:
    """A scale from 0 (or the lowest value) to the highest, with room for the labels."""
    present = [float(v) for v in values if v is not None and not pd.isna(v)]
    low, high = min([0.0, *present]), max([0.0, *present])
    span = (high - low) or 1.0
    return (low - (room * span if low < 0 else 0.0), high + room * span)


def _label_expr(labels: Mapping[str, str]) -> str:
    """A Vega expression showing each code's words on an axis (the code if unknown)."""
    return f"{json.dumps(dict(labels))}[datum.value] || datum.value"


def reference_rule(value: float | None, label: str) -> list[alt.Chart]:
    """A dashed line at the program figure (its words go in the axis title), or nothing."""
    if value is None or pd.isna(value):
        return []
    data = pd.DataFrame({"reference": [value], "label": [label]})
    return [
        alt.Chart(data)
        .mark_rule(color=REFERENCE, strokeDash=[5, 3], strokeWidth=1.5)
        .encode(x="reference:Q", tooltip=[alt.Tooltip("label:N", title="Reference")])
    ]


def counted(value: str, n: float) -> str:
    """A bar's label: its value and how many it rests on, "72% · n=1,250"."""
    return f"{value} · n={int(n):,}"


def labelled_bars(
    data: pd.DataFrame,
    category: str,
    value: str,
    label: str,
    *,
    x_title: str | None,
    axis_format: str,
    domain: tuple[float, float],
    ticks: Sequence[float] | None = None,
    tick_step: float | None = None,
    reference: float | None = None,
    reference_label: str = "Program",
    colour: Any = ACCENT,
    sort: Any = None,
    select: bool = False,
    tooltip: Sequence[Any] = (),
    baseline: float = 0.0,
    category_labels: Mapping[str, str] | None = None,
) -> LayeredChart:
    """One bar per ``category`` row, ``label`` (text) at its end; a row whose ``value``
    is missing (suppressed) shows its ``label`` in grey italics at the baseline."""
    shown, hidden = f"isValid(datum['{value}'])", f"!isValid(datum['{value}'])"
    # The frame's order unless told otherwise (the layers split the rows between them).
    # Codes stay in the data (a click selects by code), the axis reads them as words.
    y = alt.Y(
        f"{category}:N",
        title=None,
        sort=sort if sort is not None else list(data[category]),
        axis=alt.Axis(labelExpr=_label_expr(category_labels)) if category_labels else alt.Undefined,
    )
    title: str | list[str] | None = x_title
    if reference is not None and not pd.isna(reference) and reference_label:
        # Said under the axis, on a line of its own so that a narrow chart never clips
        # it: "Milestone completion rate" / "(dashed line: program 77%)".
        title = [x_title, f"(dashed line: {reference_label})"] if x_title else reference_label
    x = alt.X(
        f"{value}:Q",
        title=title,
        scale=alt.Scale(domain=list(domain), nice=False, clamp=True),
        axis=alt.Axis(
            format=axis_format,
            values=list(ticks) if ticks else alt.Undefined,
            tickMinStep=tick_step or alt.Undefined,
            grid=True,
        ),
    )
    base = alt.Chart(data).encode(y=y)
    bar_colour = alt.value(colour) if isinstance(colour, str) else colour
    params: list[Any] = []
    if select:
        chosen = alt.selection_point(name="cell", fields=[category], on="click")
        params = [chosen]
        bar_colour = alt.condition(chosen, alt.value(ACCENT), alt.value(ACCENT_LIGHT))
    bars = (
        base.transform_filter(shown)
        .mark_bar()
        .encode(x=x, x2=alt.datum(baseline), color=bar_colour, tooltip=list(tooltip))
    )
    if params:
        bars = bars.add_params(*params)
    # The reference line goes under the labels, and each label over a halo of the
    # background: where the dashed line crosses a bar-end value it stops short of
    # the text instead of striking through it.
    labels = [
        layer
        for halo in (True, False)
        for layer in _bar_labels(base, shown, hidden, value, label, baseline, halo=halo)
    ]
    layers = [bars, *reference_rule(reference, reference_label), *labels]
    return alt.layer(*layers).properties(height=alt.Step(BAR_STEP))


def _bar_labels(
    base: alt.Chart,
    shown: str,
    hidden: str,
    value: str,
    label: str,
    baseline: float,
    *,
    halo: bool,
) -> list[alt.Chart]:
    """The value at each bar's end and the words of a hidden row; with ``halo``, the
    same texts stroked in the background colour (drawn first, under the text)."""
    style: dict[str, Any] = (
        {"stroke": HALO, "strokeWidth": 5, "strokeJoin": "round", "strokeOpacity": 0.9}
        if halo
        else {}
    )
    return [
        base.transform_filter(f"{shown} && datum['{value}'] >= {baseline}")
        .mark_text(align="left", dx=4, **style)
        .encode(x=f"{value}:Q", text=f"{label}:N"),
        base.transform_filter(f"{shown} && datum['{value}'] < {baseline}")
        .mark_text(align="right", dx=-4, **style)
        .encode(x=f"{value}:Q", text=f"{label}:N"),
        base.transform_filter(hidden)
        .mark_text(align="left", dx=4, fontStyle="italic", color="#5A6268", **style)
        .encode(x=alt.datum(baseline), text=f"{label}:N"),
    ]


def outcome_bars(
    frame: pd.DataFrame,
    column: str,
    outcome: str,
    outcome_label: str,
    title: str,
    *,
    domain: tuple[float, float] | None = None,
    reference: float | None = None,
    threshold: int | None = None,
    category_labels: Mapping[str, str] | None = None,
) -> LayeredChart:
    """What works: one bar per group, "72% · n=25" at its end, the program's figure as a
    dashed line; a click selects the group (the selection is named ``cell``)."""
    fmt = _outcome_format(outcome)
    data = frame.assign(value=frame[outcome])
    data[column] = data[column].astype(str)
    data["label"] = [
        hidden_text(threshold) if hidden or pd.isna(v) else counted(value_text(v, fmt), n)
        for hidden, v, n in zip(data["suppressed"], data["value"], data["n"].fillna(0), strict=True)
    ]
    if outcome != "rating_gain":
        domain = domain or RATE_DOMAIN
        ticks: list[float] | None = PERCENT_TICKS
    else:
        domain = domain or padded_domain([*data["value"], reference])
        ticks = None
    return labelled_bars(
        data,
        column,
        "value",
        "label",
        x_title=outcome_label,
        axis_format=fmt,
        domain=domain,
        ticks=ticks,
        reference=reference,
        reference_label=f"program {value_text(reference, fmt)}",
        select=True,
        category_labels=category_labels,
        tooltip=[
            alt.Tooltip(f"{column}:N", title=title),
            alt.Tooltip("value:Q", title=outcome_label, format=fmt),
            alt.Tooltip("n:Q", title="Pairings"),
        ],
    )


def rate_bars(
    frame: pd.DataFrame,
    title: str,
    *,
    reference: float | None = None,
    threshold: int | None = None,
) -> LayeredChart:
    """Milestone completion per group ("88% · n=32"), all on one 0–100 % scale."""
    data = frame.assign(
        value=frame["rate"],
        label=[
            hidden_text(threshold) if hidden or pd.isna(rate) else counted(f"{rate:.0%}", n)
            for hidden, rate, n in zip(
                frame["suppressed"], frame["rate"], frame["n"].fillna(0), strict=True
            )
        ],
    )
    data["group"] = data["group"].astype(str)
    return labelled_bars(
        data,
        "group",
        "value",
        "label",
        x_title=title,
        axis_format=".0%",
        domain=RATE_DOMAIN,
        ticks=PERCENT_TICKS,
        reference=reference,
        reference_label=f"program {value_text(reference, '.0%')}",
        tooltip=["group:N", alt.Tooltip("label:N", title="Completion")],
    )


def equity_bars(
    frame: pd.DataFrame,
    measure: str,
    label: str,
    *,
    domain: tuple[float, float] | None = None,
    reference: float | None = None,
    threshold: int | None = None,
) -> LayeredChart:
    """One equity measure per group; shares on a shared 0–100 % scale."""
    fmt = "+.2f" if measure == "rating_gain" else ".0%"
    data = frame.assign(
        value=frame[measure],
        text=[
            hidden_text(threshold) if hidden or pd.isna(v) else value_text(v, fmt)
            for hidden, v in zip(frame["suppressed"], frame[measure], strict=True)
        ],
    )
    if measure == "rating_gain":
        domain = domain or padded_domain([*data["value"], reference])
        ticks: list[float] | None = None
    else:
        domain, ticks = domain or (0.0, 1.25), PERCENT_TICKS
    return labelled_bars(
        data,
        "group",
        "value",
        "text",
        x_title=None,
        axis_format=fmt,
        domain=domain,
        ticks=ticks,
        reference=reference,
        # No axis title of its own: the line's words and value stand in it.
        reference_label=f"dashed line: everyone {value_text(reference, fmt)}",
        tooltip=["group:N", alt.Tooltip("value:Q", title=label, format=fmt), "people:Q"],
    )


def change_bars(frame: pd.DataFrame) -> LayeredChart:
    """Emerging and fading themes: the change in share, "+4.2 pts" at each bar's end."""
    shown = frame[~frame["suppressed"]]
    data = shown.assign(
        label=[
            f"{change:+.1f} pts" if round(change, 1) else "no change" for change in shown["change"]
        ],
        direction=["Emerging" if change > 0 else "Fading" for change in shown["change"]],
    )
    return labelled_bars(
        data,
        "theme",
        "change",
        "label",
        x_title="Change in share of notes (percentage points)",
        axis_format="+d",
        tick_step=1,
        domain=padded_domain(list(data["change"]), room=0.35),
        sort=alt.EncodingSortField("change", order="descending"),
        colour=alt.Color(
            "direction:N",
            title=None,
            scale=alt.Scale(domain=["Emerging", "Fading"], range=[ACCENT, MUTED]),
            legend=alt.Legend(orient="top"),
        ),
        reference=0.0,
        reference_label="",
        tooltip=[
            alt.Tooltip("theme:N", title="Theme"),
            alt.Tooltip("change:Q", format="+.1f", title="Change (points)"),
            alt.Tooltip("share_current:Q", format=".0%", title="Share now"),
            alt.Tooltip("share_previous:Q", format=".0%", title="Share before"),
        ],
    )


def sentiment_bars(frame: pd.DataFrame) -> LayeredChart:
    """Mean sentiment per theme on −1…+1, negative themes in red, the value at each end."""
    shown = frame[~frame["suppressed"]]
    data = shown.assign(label=[f"{value:+.2f}" for value in shown["mean_sentiment"]])
    return labelled_bars(
        data,
        "theme",
        "mean_sentiment",
        "label",
        x_title="Mean sentiment (−1 negative to +1 positive)",
        axis_format="+.1f",
        domain=(-1.0, 1.0),
        ticks=[-1, -0.5, 0, 0.5, 1],
        sort=alt.EncodingSortField("mean_sentiment", order="ascending"),
        colour=alt.condition("datum.mean_sentiment < 0", alt.value(RED), alt.value(ACCENT)),
        reference=0.0,
        reference_label="",
        tooltip=[
            alt.Tooltip("theme:N", title="Theme"),
            alt.Tooltip("mean_sentiment:Q", format="+.2f", title="Mean sentiment"),
            alt.Tooltip("share_negative:Q", format=".0%", title="Negative notes"),
        ],
    )


def learning_flow_bars(frame: pd.DataFrame) -> LayeredChart:
    """Per pairing kind: what the mentor learned next to the mentee's latest rating,
    both on the 1–5 rating scale, each value at its bar's end."""
    shown = frame[~frame["suppressed"]]
    directions = {"mentor_learning": "Mentor learned", "mentee_rating": "Mentee's latest rating"}
    long = long_form(shown, ["kind", "n"], directions, "direction", "score")
    long["kind"] = long["kind"].astype(str).str.title()
    long["label"] = [value_text(score, ".1f") for score in long["score"]]
    base = alt.Chart(long).encode(y=alt.Y("kind:N", title=None), yOffset="direction:N")
    bars = base.mark_bar().encode(
        x=alt.X(
            "score:Q",
            title="Mean rating (1–5)",
            scale=alt.Scale(domain=[1, 5.4], nice=False),
            axis=alt.Axis(values=RATING_TICKS, format="d"),
        ),
        x2=alt.datum(1),
        color=alt.Color(
            "direction:N",
            title=None,
            scale=alt.Scale(range=[ACCENT, CORAL]),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=["kind:N", "direction:N", alt.Tooltip("score:Q", format=".2f"), "n:Q"],
    )
    text = base.mark_text(align="left", dx=4).encode(x="score:Q", text="label:N")
    return alt.layer(bars, text).properties(height=alt.Step(56))

"""Chart builders shared by every page: one builder per chart kind, the palette in one place.

Builders receive prepared frames (never query) and set no font size: ``styled``
applies the house sizes when a chart is drawn (``components.ui.briefing.chart``),
larger in presenter mode.  A builder is a pure function of its arguments: the
drawn chart is kept by them, so a builder never reads the clock, the session or
the viewer (pass what it needs, e.g. ``show_titles``).

- ``bars``: horizontal bars with the value at each end and a reference line
  (What works, completion rates, equity, learning flows, theme change and sentiment);
- ``heatmaps``: cells with their value printed on them (What works, levels, themes);
- ``time``: lines and timelines, years on every time axis (burn-up, Gantt, a
  pairing's ratings, theme prevalence);
- ``health``: the health distribution and the stall trend (Stalled page, Overview);
- ``impact``: the Impact page's retention curves and difference intervals;
- ``palette``: colours, status colours, text sizes;
- ``renderer``: a chart of more than about a thousand marks drawn on a canvas, not
  as one SVG element per mark;
- ``altair_speed``: Altair's class lookup built once per process, not per encoding,
  no copies when layering lifts nothing, no check of each schema object as it is made,
  and the schema check of a drawn chart left to the tests (``unchecked``).
"""

from components.ui.charts import altair_speed
from components.ui.charts.altair_speed import building, unchecked
from components.ui.charts.bars import (
    change_bars,
    equity_bars,
    labelled_bars,
    learning_flow_bars,
    outcome_bars,
    padded_domain,
    rate_bars,
    sentiment_bars,
)
from components.ui.charts.health import health_distribution, verdict_trend
from components.ui.charts.heatmaps import heatmap, level_heatmap, outcome_heatmap, share_heatmap
from components.ui.charts.impact import difference_intervals, retention_curves
from components.ui.charts.palette import (
    ACCENT,
    AMBER,
    CATEGORICAL,
    COMPARISON_COLOUR,
    MILESTONE_COLOURS,
    MUTED,
    PARTICIPANT_COLOUR,
    RED,
    STATUS_COLOURS,
    SUPPRESSED_COLOUR,
    VERDICT_COLOURS,
    styled,
)
from components.ui.charts.renderer import sized_renderer
from components.ui.charts.time import (
    RATING_LABELS,
    burn_up_chart,
    highlighted_themes,
    milestone_gantt,
    pairing_timeline,
    theme_lines,
)

altair_speed.install()

__all__ = [
    "ACCENT",
    "AMBER",
    "CATEGORICAL",
    "COMPARISON_COLOUR",
    "MILESTONE_COLOURS",
    "MUTED",
    "PARTICIPANT_COLOUR",
    "RATING_LABELS",
    "RED",
    "STATUS_COLOURS",
    "SUPPRESSED_COLOUR",
    "VERDICT_COLOURS",
    "building",
    "burn_up_chart",
    "change_bars",
    "difference_intervals",
    "equity_bars",
    "health_distribution",
    "heatmap",
    "highlighted_themes",
    "labelled_bars",
    "learning_flow_bars",
    "level_heatmap",
    "milestone_gantt",
    "outcome_bars",
    "outcome_heatmap",
    "padded_domain",
    "pairing_timeline",
    "rate_bars",
    "retention_curves",
    "sentiment_bars",
    "share_heatmap",
    "sized_renderer",
    "styled",
    "theme_lines",
    "unchecked",
    "verdict_trend",
]

"""Large charts drawn on a canvas, so a page stays quick in the browser.

Vega draws a chart as SVG by default: one DOM element per mark.  At 50,000
pairings the milestone burn-up (26 cohorts × ~30 months × two lines, a point and a
label each) was 3,100 SVG elements, two thirds of its page's DOM.  A canvas draws
the same chart, tooltips included, as one element.  (Measured in Chromium: the page
went from 4,608 to 1,526 elements and its reload got faster; a warm click did not,
since Vega still parses and draws every mark: bench/RESULTS.md, "Perceived speed,
read".)  Small charts stay SVG: crisp at any zoom, and
their axes and labels can be read off the page (the browser tests do).  Streamlit
switches on its own only above 2,000 points in one layer.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

# Marks above which a chart is drawn on a canvas: the demo's charts (a few hundred
# marks) stay SVG, the 50,000-pairing burn-up (~3,000) does not.
CANVAS_ABOVE_MARKS = 1_000


def estimated_marks(chart: Any, inherited: int = 0) -> int:
    """Rows of data each drawn layer takes (a layer without data of its own draws its
    parent's): about one mark per row and layer."""
    data = getattr(chart, "data", alt.Undefined)
    own = len(data) if isinstance(data, pd.DataFrame) else inherited
    parts = [
        part
        for name in ("layer", "hconcat", "vconcat", "concat")
        for part in (getattr(chart, name, None) or [])
        if part is not alt.Undefined
    ]
    spec = getattr(chart, "spec", alt.Undefined)  # a facet's inner chart
    if spec is not alt.Undefined and spec is not None:
        parts.append(spec)
    if not parts:
        return own
    return sum(estimated_marks(part, own) for part in parts)


def sized_renderer(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` set to draw on a canvas when it has more than ``CANVAS_ABOVE_MARKS``
    marks; unchanged otherwise."""
    if estimated_marks(chart) <= CANVAS_ABOVE_MARKS:
        return chart
    meta = getattr(chart, "usermeta", None)
    meta = meta if isinstance(meta, dict) else {}
    return chart.properties(usermeta={**meta, "embedOptions": {"renderer": "canvas"}})

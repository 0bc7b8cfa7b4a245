"""Exports for a deck: each chart as PNG/SVG, and the page as a one-page PDF briefing.

``chart`` draws an Altair chart like ``st.altair_chart`` and adds a compact
"Export" popover with PNG and SVG downloads; it also remembers the chart for
this run so that ``briefing_button`` at the end of the page can put the
charts on a one-page PDF.  Files are built only when a button is clicked
(``download_button`` with a callable) and cached, bounded, by content.

The briefing is presenter-safe whatever the mode: the charts routed here hold
only aggregates that the queries already suppressed below the privacy
threshold, and the Portfolio briefing lists pairings by pseudonym, never by
name, with no objectives or notes.  A chart whose data names people is drawn
with ``exportable=False``.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui.cache import cached_file, cached_query
from components.ui.charts import sized_renderer, styled, unchecked
from components.ui.formatting import plural
from components.ui.navigation import RunContext, run_context
from tandem.access.filters import Filters
from tandem.access.privacy import SUPPRESSED_NOTE, presenter_key, privacy_threshold
from tandem.portfolio.briefing import (
    Briefing,
    ChartSpec,
    Figure,
    Table,
    build_pdf,
    chart_png,
    chart_svg,
    format_headline,
    pairings_table,
)
from tandem.portfolio.headlines import headline_metrics
from tandem.portfolio.portfolio import portfolio_page

PORTFOLIO_ROWS = 20

# Charts drawn in the current script run; a new run (a new RunContext) starts afresh,
# so a chart that a new filter left out never reaches the briefing.
_drawn = threading.local()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


class _LazySpec:
    """A chart's Vega-Lite JSON, built on first use: only a click on an export or the
    briefing needs it, and serialising (with Altair's schema validation) costs tens of
    milliseconds per chart on every run of a page otherwise."""

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        self._chart: alt.TopLevelMixin | None = chart
        self._json = ""
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:  # a click's callable runs outside the script's thread
            if self._chart is not None:
                self._json, self._chart = self._chart.to_json(), None
            return self._json


def _charts_this_run(context: RunContext) -> list[tuple[str, _LazySpec]]:
    if getattr(_drawn, "owner", None) is not context:
        _drawn.owner = context
        _drawn.charts = []
    return _drawn.charts


def _download(
    label: str, data: Callable[[], bytes | str], file_name: str, mime: str, chart: str
) -> None:
    """One format of a chart's Export menu; the file is made only when clicked, and
    the click does not rerun the page."""
    extension = file_name.rsplit(".", 1)[-1]
    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=mime,
        on_click="ignore",
        key=f"export_{extension}_{chart}",
    )


def _briefing_download(data: Callable[[], bytes], file_name: str, help: str, key: str) -> None:
    """The "Briefing for a deck (PDF)" button; the PDF is made only when clicked, and
    the click does not rerun the page."""
    st.download_button(
        "Briefing for a deck (PDF)",
        data=data,
        file_name=file_name,
        mime="application/pdf",
        on_click="ignore",
        icon=":material/slideshow:",
        help=help,
        key=key,
    )


@cached_file
def _png(spec: str) -> bytes:
    return chart_png(spec)


@cached_file
def _svg(spec: str) -> str:
    return chart_svg(spec)


@cached_file
def _pdf(briefing: Briefing) -> bytes:
    return build_pdf(briefing)


def chart(
    altair_chart: alt.TopLevelMixin,
    name: str,
    *,
    title: str | None = None,
    exportable: bool = True,
    **kwargs: Any,
) -> Any:
    """``st.altair_chart(altair_chart, **kwargs)`` plus PNG/SVG export; returns its event.

    ``name`` is unique on the page (it keys the buttons and names the files);
    ``title`` heads the chart in the briefing.  ``exportable=False`` only draws
    (for charts whose data hold names or free text).  Every chart is drawn through
    here, so that the house text sizes (larger in presenter mode) apply to all.
    """
    presenting = run_context().viewer.presenting
    altair_chart = unchecked(sized_renderer(styled(altair_chart, presenting=presenting)))
    event = st.altair_chart(altair_chart, **kwargs)  # type: ignore[call-overload]
    if not exportable:
        return event
    spec = _LazySpec(altair_chart)
    _charts_this_run(run_context()).append((title or name, spec))
    stem = f"tandem-{_slug(name)}"
    with st.popover("Export", icon=":material/download:", key=f"export_{name}"):
        _download("PNG (for slides)", lambda: _png(spec()), f"{stem}.png", "image/png", name)
        _download("SVG (vector)", lambda: _svg(spec()), f"{stem}.svg", "image/svg+xml", name)
    return event


def chart_or_say(
    frame: pd.DataFrame,
    build: Callable[[pd.DataFrame], alt.TopLevelMixin],
    name: str,
    *,
    title: str,
    empty: str,
    caption: Callable[[], str],
) -> None:
    """The chart ``build`` makes of ``frame`` with its caption, or ``empty`` in words
    when there is nothing that may be shown (no rows, or every row suppressed)."""
    if frame.empty or frame["suppressed"].all():
        st.caption(empty)
        return
    chart(build(frame), name, title=title, width="stretch")
    st.caption(caption())


@cached_query
def _threshold(engine: Engine) -> int:
    return privacy_threshold(engine)


def _note(engine: Engine) -> str:
    return SUPPRESSED_NOTE.format(threshold=_threshold(engine))


def briefing_button(
    engine: Engine,
    title: str,
    filters: Filters | str,
    *,
    headlines: Sequence[Figure] = (),
    charts: Sequence[ChartSpec] | None = None,
    table: Table | None = None,
    paragraphs: Sequence[str] = (),
    note: str | None = None,
    today: dt.date | None = None,
) -> None:
    """A download button for the one-page PDF briefing of this view.

    ``charts`` defaults to the exportable charts drawn so far in this run, so
    a page calls this after its charts.  ``filters`` is the filter bar's state,
    or the view in words for a page with its own choosers (Impact); ``note``
    replaces the footnote on suppressed cells when a page counts people.
    """
    drawn = tuple(_charts_this_run(run_context())) if charts is None else ()
    briefing = Briefing(
        title=title,
        filters=filters if isinstance(filters, str) else filters.describe(),
        date=today or dt.date.today(),
        headlines=tuple(headlines),
        charts=tuple(charts or ()),
        table=table,
        note=note or _note(engine),
        paragraphs=tuple(paragraphs),
    )

    def pdf() -> bytes:
        # The drawn charts' specs are built here, on the click, not on every run.
        shown = tuple(ChartSpec(name, spec()) for name, spec in drawn)
        return _pdf(replace(briefing, charts=shown) if drawn else briefing)

    _briefing_download(
        pdf,
        f"tandem-{_slug(title)}-briefing.pdf",
        "One presenter-safe page: the filters, the headline figures and the charts, "
        "with people as pseudonyms and small groups left out.",
        f"briefing_{_slug(title)}",
    )


@cached_query
def _portfolio_pdf(engine: Engine, filters: Filters, today: dt.date) -> bytes:
    period, metrics = headline_metrics(engine, filters, today)
    rows = portfolio_page(engine, filters, today=today, sort="health", limit=PORTFOLIO_ROWS).rows
    # Pseudonyms always, not only in presenter mode: the file leaves the room.
    table = pairings_table(
        rows,
        presenter_key(engine),
        caption=f"The {plural(len(rows), 'pairing')} with the lowest health",
    )
    briefing = Briefing(
        title="Portfolio",
        filters=filters.describe(),
        date=today,
        headlines=tuple(format_headline(metric) for metric in metrics),
        table=table,
        note=f"Period {period.describe()}, compared with {period.previous.describe()}. "
        + _note(engine),
    )
    return build_pdf(briefing)


def portfolio_briefing_button(engine: Engine, filters: Filters) -> None:
    """The Portfolio briefing: headline figures and the pairings worst health first."""
    today = dt.date.today()
    _briefing_download(
        lambda: _portfolio_pdf(engine, filters, today),
        "tandem-portfolio-briefing.pdf",
        "One presenter-safe page: the filters, the headline figures and the "
        f"{PORTFOLIO_ROWS} pairings with the lowest health, by pseudonym.",
        "briefing_portfolio",
    )

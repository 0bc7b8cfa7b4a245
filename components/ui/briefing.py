"""Exports for a deck: each chart as PNG/SVG, and the page as a one-page PDF briefing.

``chart`` draws a chart from its builder and the builder's arguments
(``functools.partial(burn_up_chart, frame)``) and adds a compact "Export"
popover with PNG and SVG downloads; it also remembers the chart for this run
so that ``briefing_button`` at the end of the page can put the charts on a
one-page PDF.  Files are built only when a button is clicked
(``download_button`` with a callable) and cached, bounded, by content.

The drawn chart is cached by its builder and arguments: building an Altair
chart, styling it and converting it for Streamlit was most of a warm run of a
chart page (What works: five charts, about 0.2 CPU s a click at 50,000
pairings), and the same arguments always give the same chart.

The briefing is presenter-safe whatever the mode: the charts routed here hold
only aggregates that the queries already suppressed below the privacy
threshold, and the Portfolio briefing lists pairings by pseudonym, never by
name, with no objectives or notes.  A chart whose data names people is drawn
with ``exportable=False``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

# Streamlit's own conversion of an Altair chart (what st.altair_chart does before
# drawing): private, so a Streamlit upgrade that moves it fails every chart test.
from streamlit.elements.vega_charts import (
    _convert_altair_to_vega_lite_spec as _altair_to_streamlit_spec,
)

from components.ui.cache import cached_file, cached_query
from components.ui.charts import building, sized_renderer, styled, unchecked
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


#: What ``chart`` draws: a module-level builder with its arguments bound.
Draw = functools.partial  # functools.partial[alt.TopLevelMixin | None]


def draw_key(draw: Draw) -> str:
    """A digest of the builder's name and its arguments' content: equal arguments,
    equal key (a frame read from the cache is a copy, equal but not the same object).

    Only a ``functools.partial`` of a module-level function is accepted: a lambda
    or closure could read anything, so its arguments would not say what it draws.
    """
    builder = getattr(draw, "func", None)
    if (
        not isinstance(draw, functools.partial)
        or not callable(builder)
        or "<" in getattr(builder, "__qualname__", "<")  # lambdas and nested functions
    ):
        raise TypeError(
            f"chart() takes functools.partial(builder, *args) of a module-level builder, "
            f"not {draw!r}: the builder's arguments key the drawn chart"
        )
    digest = hashlib.blake2b(digest_size=20)
    _digest((builder.__module__, builder.__qualname__, draw.args, draw.keywords), digest)
    return digest.hexdigest()


def _digest(value: Any, digest: Any) -> None:
    """Feed ``value``'s content (type and data, never its identity) to ``digest``."""
    digest.update(type(value).__qualname__.encode())
    if isinstance(value, pd.DataFrame):
        digest.update(repr((list(value.columns), [str(t) for t in value.dtypes])).encode())
        for _, column in value.items():
            _digest(column, digest)
        _digest(value.index.to_series(), digest)
    elif isinstance(value, pd.Series):
        try:  # every cell, its position included
            digest.update(pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists): their text
            digest.update(repr(value.tolist()).encode())
    elif isinstance(value, list | tuple):
        digest.update(str(len(value)).encode())
        for item in value:
            _digest(item, digest)
    elif isinstance(value, dict):
        digest.update(str(len(value)).encode())
        for name in sorted(value, key=repr):
            _digest(name, digest)
            _digest(value[name], digest)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _digest({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, digest)
    elif value is None or isinstance(value, str | int | float | bool | dt.date | enum.Enum):
        digest.update(repr(value).encode())
    else:
        raise TypeError(f"chart(): cannot tell what a {type(value).__name__} argument holds")


def _built(draw: Draw, presenting: bool) -> alt.TopLevelMixin | None:
    """The Altair chart as drawn: house text sizes, a canvas when it is large, no
    schema check.  ``None`` when the builder has nothing to draw."""
    with building():
        built = draw()
        if built is None:
            return None
        return unchecked(sized_renderer(styled(built, presenting=presenting)))


@cached_file  # by key and mode: the builder itself is named by the key
def _drawn_spec(key: str, presenting: bool, _draw: Draw) -> dict[str, Any] | None:
    """The Vega-Lite spec Streamlit draws for ``_draw`` (its data as Arrow), by key.

    Converted exactly as ``st.altair_chart`` converts (its own function), so a
    chart looks the same whichever way it is drawn."""
    built = _built(_draw, presenting)
    return None if built is None else _altair_to_streamlit_spec(built)  # type: ignore[arg-type]


class _LazySpec:
    """A chart's Vega-Lite JSON with its data inline, built on first use: only a click
    on an export or the briefing needs it."""

    def __init__(self, draw: Draw, presenting: bool) -> None:
        self._draw: Draw | None = draw
        self._presenting = presenting
        self._json = ""
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:  # a click's callable runs outside the script's thread
            if self._draw is not None:
                built = _built(self._draw, self._presenting)
                assert built is not None  # only a drawn chart is exported
                self._json, self._draw = built.to_json(), None
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
    draw: Draw,
    name: str,
    *,
    title: str | None = None,
    exportable: bool = True,
    **kwargs: Any,
) -> Any:
    """Draw ``draw()`` (``functools.partial(builder, *args)``) like ``st.altair_chart``
    with ``kwargs``, plus PNG/SVG export; returns its event.

    The drawn chart is cached by the builder and its arguments (module docstring);
    a builder that returns ``None`` (nothing to draw) draws nothing, and ``chart``
    returns ``None``.  ``name`` is unique on the page (it keys the buttons and names
    the files); ``title`` heads the chart in the briefing.  ``exportable=False``
    only draws (for charts whose data hold names or free text).  Every chart is
    drawn through here, so that the house text sizes (larger in presenter mode)
    apply to all.
    """
    presenting = run_context().viewer.presenting
    spec = _drawn_spec(draw_key(draw), presenting, draw)
    if spec is None:
        return None
    event = st.vega_lite_chart(spec=spec, **kwargs)
    if not exportable:
        return event
    lazy = _LazySpec(draw, presenting)
    _charts_this_run(run_context()).append((title or name, lazy))
    stem = f"tandem-{_slug(name)}"
    with st.popover("Export", icon=":material/download:", key=f"export_{name}"):
        _download("PNG (for slides)", lambda: _png(lazy()), f"{stem}.png", "image/png", name)
        _download("SVG (vector)", lambda: _svg(lazy()), f"{stem}.svg", "image/svg+xml", name)
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
    chart(functools.partial(build, frame), name, title=title, width="stretch")
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

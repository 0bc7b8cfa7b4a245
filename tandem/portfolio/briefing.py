"""Briefings for a deck: a one-page PDF of a view, and each chart as PNG or SVG.

A presenter drops these into slides, so everything here is *presenter-safe by
construction of its input*: callers hand over figures that the queries have
already suppressed below the privacy threshold, people as pseudonyms
(``pairings_table`` does that itself), and no free text (notes, objectives).
As a last line of defence every string that reaches a file has e-mail
addresses removed, because an address identifies a person even when the name
does not.

Charts are Vega-Lite specs (what ``altair.Chart.to_json()`` gives) rendered
offline by vl-convert; the PDF is composed with fpdf2 on one landscape A4 page.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import vl_convert
from fpdf import FPDF

from tandem.access.privacy import pseudonym
from tandem.impact import (
    CANNOT_CONTROL_FOR,
    CONTROLS_FOR,
    GROUPS,
    INTERVAL_METHOD,
    Estimate,
    ImpactReport,
    interval_text,
    points,
    verdict,
    verdict_word,
)
from tandem.portfolio.headlines import Headline
from tandem.program.words import date_text

# At most this many charts share the page; more would be too small to read on a slide.
MAX_CHARTS = 4
MAX_HEADLINES = 6
MAX_TABLE_ROWS = 20
PNG_SCALE = 2.0
# Static renders have no container to stretch into: give continuous axes a width.
EXPORT_VIEW_WIDTH = 420
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_REPLACEMENT = "[e-mail removed]"
# A Unicode font if the system has one; otherwise the PDF core font (Latin-1 only).
FONT_CANDIDATES: tuple[tuple[Path, Path], ...] = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ),
    (Path("/Library/Fonts/Arial.ttf"), Path("/Library/Fonts/Arial Bold.ttf")),
    (Path("C:/Windows/Fonts/arial.ttf"), Path("C:/Windows/Fonts/arialbd.ttf")),
)
SAFETY_LINE = (
    "Presenter-safe briefing: people appear as pseudonyms, groups below the privacy "
    "threshold are left out, and no notes or objectives are included."
)
CHART_GAP = 5.0
CHART_TITLE_HEIGHT = 6.0
TEAL = (15, 110, 110)
GREY = (90, 98, 104)


@dataclass(frozen=True)
class Figure:
    """One headline metric as it is printed: already formatted."""

    label: str
    value: str
    change: str | None = None
    #: Printed under the value as it is (an interval, a verdict), instead of
    #: ``change`` "vs previous period": a figure that is not a change over time.
    note: str | None = None


@dataclass(frozen=True)
class ChartSpec:
    """A chart for the briefing: its heading and its Vega-Lite JSON."""

    title: str
    spec: str


@dataclass(frozen=True)
class Table:
    """A small table of plain strings (already pseudonymised, no free text)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None


@dataclass(frozen=True)
class Briefing:
    """Everything one briefing page shows; hashable so a cache can key on it."""

    title: str
    filters: str
    date: dt.date
    headlines: tuple[Figure, ...] = ()
    charts: tuple[ChartSpec, ...] = ()
    table: Table | None = None
    note: str | None = None
    #: Short paragraphs printed beside the charts (what a figure means, its caveats).
    paragraphs: tuple[str, ...] = ()


# --- Making text and specs safe to export ----------------------------------


def scrub(text: str) -> str:
    """``text`` with e-mail addresses removed."""
    return EMAIL.sub(EMAIL_REPLACEMENT, text)


def _scrub_values(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_values(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_values(item) for key, item in value.items()}
    return value


def export_spec(spec: str | dict[str, Any]) -> dict[str, Any]:
    """The spec ready for a static render.

    Selection params (click-to-filter on "What works") stay: vl-convert renders
    them in their initial, empty state, which draws every mark as unselected
    would on screen before a click.  Continuous axes get a fixed width, and
    e-mail addresses in the inline data are removed.
    """
    loaded: dict[str, Any] = json.loads(spec) if isinstance(spec, str) else dict(spec)
    loaded = _scrub_values(loaded)
    config = dict(loaded.get("config") or {})
    view = dict(config.get("view") or {})
    view.setdefault("continuousWidth", EXPORT_VIEW_WIDTH)
    config["view"] = view
    loaded["config"] = config
    loaded.setdefault("background", "white")
    return loaded


def chart_png(spec: str | dict[str, Any], *, scale: float = PNG_SCALE) -> bytes:
    """The chart as a PNG (``scale`` 2 is sharp on a slide)."""
    return bytes(vl_convert.vegalite_to_png(export_spec(spec), scale=scale))


def chart_svg(spec: str | dict[str, Any]) -> str:
    """The chart as SVG text (vl-convert escapes every label as XML text)."""
    return str(vl_convert.vegalite_to_svg(export_spec(spec)))


# --- Turning query results into briefing content ---------------------------


def format_headline(headline: Headline) -> Figure:
    """A headline as the Portfolio page prints it (``Headline.shown``)."""
    return Figure(headline.label, headline.shown, headline.change_shown)


_OUTCOME_WORDS = {"promotion": "promotion", "retention": "retention"}


def estimate_figure(result: Estimate) -> Figure:
    """One impact estimate as a headline: the adjusted difference, its interval and verdict.

    Never "vs previous period": the note says what the number is, and the word
    is the estimator's (an effect only when the interval excludes zero).
    """
    label = f"{GROUPS[result.group]}: {_OUTCOME_WORDS[result.outcome]}, adjusted"
    word = verdict_word(result)
    if result.adjusted_difference is None or result.interval is None:
        reason = "not yet observable" if word == "not yet observable" else "too few people"
        if result.adjusted_difference is not None:
            reason = "no interval"
        return Figure(label, "–", note=f"Not estimated: {reason}.")
    return Figure(
        label,
        points(result.adjusted_difference),
        note=f"95 % interval {interval_text(*result.interval)}: {word}.",
    )


def impact_briefing_content(
    report: ImpactReport,
) -> tuple[str, tuple[Figure, ...], tuple[str, ...], str]:
    """The Impact page's briefing: (the view in words, figures, paragraphs, footnote)."""
    view = (
        f"{report.scope_label} · promotion and retention {report.months} months after "
        f"the start · career data to {date_text(report.as_of)}"
    )
    figures = tuple(estimate_figure(item) for item in report.estimates)
    paragraphs = (
        *(verdict(item) for item in report.estimates),
        CONTROLS_FOR,
        CANNOT_CONTROL_FOR,
        "A difference is called an effect only when the adjusted 95 % interval excludes "
        "zero; the naive difference never decides. " + INTERVAL_METHOD,
    )
    note = (
        f"Groups and breakdown rows covering fewer than {report.threshold} people are "
        "suppressed: left out, not rounded."
    )
    return view, figures, paragraphs, note


def pairings_table(
    rows: pd.DataFrame, key: bytes, *, limit: int = MAX_TABLE_ROWS, caption: str | None = None
) -> Table:
    """Portfolio rows as a presenter-safe table: pseudonyms, no objective or reasons.

    ``rows`` are ``tandem.portfolio.portfolio.portfolio_page`` rows, already in
    the order to print (worst health first).  Real names are never read: the
    pseudonym comes from the person id under the installation's presenter key.
    """
    columns = ("Mentor", "Mentee", "Kind", "Cohort", "Status", "Milestones", "Health")
    table_rows: list[tuple[str, ...]] = []
    for row in rows.head(limit).itertuples(index=False):
        progress = getattr(row, "milestone_progress", None)
        health = getattr(row, "health", None)
        flag = getattr(row, "stalled", None)
        stalled = flag is not None and not pd.isna(flag) and bool(flag)
        table_rows.append(
            (
                pseudonym(str(row.mentor_id), key),
                pseudonym(str(row.mentee_id), key),
                str(row.kind),
                "–" if pd.isna(row.cohort) else str(row.cohort),
                str(row.status),
                "–" if progress is None or pd.isna(progress) else f"{progress:.0%}",
                ("–" if health is None or pd.isna(health) else f"{health:.0f}")
                + (" · stalled" if stalled else ""),
            )
        )
    return Table(columns, tuple(table_rows), caption)


# --- The one-page PDF -------------------------------------------------------


class _Page(FPDF):
    """A landscape A4 page with a Unicode font when one is available."""

    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(12, 10, 12)
        self.unicode = False
        for regular, bold in FONT_CANDIDATES:
            if regular.is_file() and bold.is_file():
                self.add_font("Body", "", str(regular))
                self.add_font("Body", "B", str(bold))
                self.unicode = True
                break
        self.family = "Body" if self.unicode else "Helvetica"
        self.set_title("Tandem briefing")
        self.set_creator("Tandem")

    def text_of(self, text: str) -> str:
        """Printable text: e-mails removed; without a Unicode font, Latin-1 only."""
        text = scrub(" ".join(str(text).split()))
        if not self.unicode:
            text = text.replace("–", "-").replace("—", "-").replace("·", "-")
            text = text.encode("latin-1", "replace").decode("latin-1")
        return text

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis so it fits ``width`` on one line."""
        text = self.text_of(text)
        if self.get_string_width(text) <= width:
            return text
        ellipsis = "…" if self.unicode else "..."
        while text and self.get_string_width(text + ellipsis) > width:
            text = text[:-1]
        return text.rstrip() + ellipsis

    def font(
        self, size: float, bold: bool = False, colour: tuple[int, int, int] = (0, 0, 0)
    ) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)


def _header(pdf: _Page, briefing: Briefing) -> None:
    width = pdf.epw
    pdf.font(20, bold=True, colour=TEAL)
    pdf.cell(width, 9, pdf.fit(briefing.title, width), new_x="LMARGIN", new_y="NEXT")
    pdf.font(10, colour=GREY)
    filters = briefing.filters if len(briefing.filters) <= 300 else briefing.filters[:299] + "…"
    subtitle = f"Filters: {filters} · {briefing.date.isoformat()}"
    pdf.multi_cell(
        width, 4.6, pdf.text_of(subtitle), new_x="LMARGIN", new_y="NEXT", max_line_height=4.6
    )
    pdf.ln(2)


def _headlines(pdf: _Page, figures: Sequence[Figure]) -> None:
    if not figures:
        return
    shown = list(figures)[:MAX_HEADLINES]
    gap = 4.0
    width = (pdf.epw - gap * (len(shown) - 1)) / len(shown)
    top = pdf.get_y()
    height = 24.0 if any(figure.note for figure in shown) else 20.0
    for index, figure in enumerate(shown):
        x = pdf.l_margin + index * (width + gap)
        pdf.set_draw_color(200, 208, 208)
        pdf.rect(x, top, width, height)
        pdf.set_xy(x + 2, top + 1.5)
        pdf.font(8, colour=GREY)
        pdf.cell(width - 4, 4, pdf.fit(figure.label, width - 4))
        pdf.set_xy(x + 2, top + 6)
        pdf.font(16, bold=True)
        pdf.cell(width - 4, 8, pdf.fit(figure.value, width - 4))
        if figure.note:
            pdf.set_xy(x + 2, top + 14.5)
            pdf.font(7.5, colour=GREY)
            pdf.multi_cell(
                width - 4,
                3.4,
                pdf.text_of(figure.note),
                max_line_height=3.4,
                new_x="LEFT",
                align="L",
            )
        elif figure.change:
            pdf.set_xy(x + 2, top + 14)
            pdf.font(8, colour=GREY)
            pdf.cell(width - 4, 4, pdf.fit(f"{figure.change} vs previous period", width - 4))
    pdf.set_y(top + height + 4)


def _png_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def _grid(sizes: Sequence[tuple[int, int]], width: float, height: float) -> tuple[int, int]:
    """(columns, rows) that give the smallest chart the largest scale."""
    best, best_scale = (1, len(sizes)), -1.0
    for columns in range(1, len(sizes) + 1):
        rows = -(-len(sizes) // columns)
        cell_w = (width - CHART_GAP * (columns - 1)) / columns
        cell_h = (height - CHART_GAP * (rows - 1)) / rows - CHART_TITLE_HEIGHT
        if cell_h <= 0:
            continue
        scale = min(min(cell_w / w, cell_h / h) for w, h in sizes)
        if scale > best_scale:
            best, best_scale = (columns, rows), scale
    return best


def _charts(
    pdf: _Page, charts: Sequence[ChartSpec], x: float, y: float, w: float, h: float
) -> None:
    shown = list(charts)[:MAX_CHARTS]
    if not shown:
        return
    pngs = [chart_png(chart.spec) for chart in shown]
    sizes = [_png_size(png) for png in pngs]
    columns, rows = _grid(sizes, w, h)
    cell_w = (w - CHART_GAP * (columns - 1)) / columns
    cell_h = (h - CHART_GAP * (rows - 1)) / rows
    for index, (chart, png, (wide, high)) in enumerate(zip(shown, pngs, sizes, strict=True)):
        left = x + (index % columns) * (cell_w + CHART_GAP)
        top = y + (index // columns) * (cell_h + CHART_GAP)
        pdf.set_xy(left, top)
        pdf.font(10, bold=True)
        pdf.cell(cell_w, 5, pdf.fit(chart.title, cell_w))
        scale = min(cell_w / wide, (cell_h - CHART_TITLE_HEIGHT) / high)
        pdf.image(
            io.BytesIO(png),
            x=left + (cell_w - wide * scale) / 2,
            y=top + CHART_TITLE_HEIGHT,
            w=wide * scale,
            h=high * scale,
        )


def _table(pdf: _Page, table: Table, x: float, y: float, width: float, height: float) -> None:
    rows = list(table.rows)[:MAX_TABLE_ROWS]
    line = min(6.0, max(3.6, (height - 8) / (len(rows) + 1)))
    size = min(9.0, line * 1.9)
    pdf.set_xy(x, y)
    if table.caption:
        pdf.font(10, bold=True)
        pdf.cell(width, 5, pdf.fit(table.caption, width))
        y += 6
    # Column widths in proportion to the longest text each holds, a long column
    # capped so that it cannot squeeze the others below their headings.
    pdf.font(size, bold=True)
    headings = [pdf.get_string_width(pdf.text_of(name)) + 3 for name in table.columns]
    pdf.font(size)
    cap = width / max(2, len(table.columns)) * 1.6
    natural = [
        max(
            heading,
            min(cap, max([0.0] + [pdf.get_string_width(pdf.text_of(r[i])) + 3 for r in rows])),
        )
        for i, heading in enumerate(headings)
    ]
    total = sum(natural) or 1.0
    widths = [width * part / total for part in natural]
    pdf.set_xy(x, y)
    pdf.font(size, bold=True, colour=TEAL)
    for name, column_width in zip(table.columns, widths, strict=True):
        pdf.cell(column_width, line, pdf.fit(name, column_width - 1.5), border="B")
    y += line
    for number, row in enumerate(rows):
        pdf.set_xy(x, y)
        pdf.set_fill_color(242, 246, 246)
        pdf.font(size)
        for value, column_width in zip(row, widths, strict=True):
            pdf.cell(column_width, line, pdf.fit(value, column_width - 1.5), fill=number % 2 == 1)
        y += line


def _paragraphs(
    pdf: _Page, paragraphs: Sequence[str], x: float, y: float, width: float, height: float
) -> None:
    """Paragraphs from the top of the box; one that would not fit is left out, with the rest."""
    bottom = y + height
    line = 4.0
    for text in paragraphs:
        pdf.font(9)
        wrapped = pdf.multi_cell(
            width, line, pdf.text_of(text), dry_run=True, output="LINES", align="L"
        )
        lines = len(wrapped) if isinstance(wrapped, list) else 1
        if y + lines * line > bottom:
            break
        pdf.set_xy(x, y)
        pdf.multi_cell(width, line, pdf.text_of(text), max_line_height=line, align="L")
        y += lines * line + 2


def build_pdf(briefing: Briefing) -> bytes:
    """The briefing as a one-page landscape A4 PDF.

    Layout: title, the filters and date, a row of headline figures, then the
    charts (a grid of up to four) and the table or the paragraphs beside them
    (or alone).
    Anything that would not fit is cut (more charts, more rows, long text
    ends in an ellipsis) so the page count is always one.
    """
    pdf = _Page()
    pdf.add_page()
    _header(pdf, briefing)
    _headlines(pdf, briefing.headlines)
    footer_height = 10.0
    top = pdf.get_y()
    bottom = pdf.h - pdf.b_margin - footer_height
    height = max(20.0, bottom - top)
    left = pdf.l_margin
    width = pdf.epw
    if briefing.charts and briefing.table is not None:
        chart_width = width * 0.58
        _charts(pdf, briefing.charts, left, top, chart_width, height)
        _table(pdf, briefing.table, left + chart_width + 6, top, width - chart_width - 6, height)
    elif briefing.charts and briefing.paragraphs:
        chart_width = width * 0.6
        _charts(pdf, briefing.charts, left, top, chart_width, height)
        side = width - chart_width - 6
        _paragraphs(pdf, briefing.paragraphs, left + chart_width + 6, top, side, height)
    elif briefing.charts:
        _charts(pdf, briefing.charts, left, top, width, height)
    elif briefing.paragraphs:
        _paragraphs(pdf, briefing.paragraphs, left, top, width, height)
    elif briefing.table is not None:
        _table(pdf, briefing.table, left, top, width, height)
    pdf.set_xy(left, pdf.h - pdf.b_margin - footer_height + 2)
    pdf.font(7.5, colour=GREY)
    notes = [briefing.note] if briefing.note else []
    left_out = len(briefing.charts) - MAX_CHARTS
    if left_out > 0:
        notes.append(
            "1 more chart on the page is not included here."
            if left_out == 1
            else f"{left_out} more charts on the page are not included here."
        )
    notes.append(SAFETY_LINE)
    pdf.multi_cell(width, 3.4, pdf.text_of(" ".join(notes)), max_line_height=3.4)
    return bytes(pdf.output())

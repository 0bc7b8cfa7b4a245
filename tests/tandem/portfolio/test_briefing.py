"""The deck briefing: a valid one-page PDF that says the right things and nothing private."""

from __future__ import annotations

import datetime as dt
import io
import time
import unicodedata
import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.access.privacy import presenter_key, pseudonym
from tandem.portfolio import briefing as module
from tandem.portfolio.briefing import (
    EMAIL_REPLACEMENT,
    MAX_CHARTS,
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
from tandem.portfolio.headlines import Headline, headline_metrics
from tandem.portfolio.portfolio import portfolio_page
from tandem.program.models import Feedback, Milestone, Pairing, Person
from tests.factories import TODAY, small_program

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFC", text)


def bars(labels: list[str], *, hidden: str = "kept out") -> str:
    """A bar chart with a click selection, like the "What works" charts."""
    frame = pd.DataFrame(
        {"group": labels, "rate": [0.2 + 0.1 * i for i in range(len(labels))], "secret": hidden}
    )
    select_cell = alt.selection_point(name="cell", fields=["group"], on="click")
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("group:N"),
            x=alt.X("rate:Q"),
            color=alt.condition(select_cell, alt.value("#0F6E6E"), alt.value("#8FB9B9")),
        )
        .add_params(select_cell)
    )
    return chart.to_json()


def sample_briefing(**changes: object) -> Briefing:
    values: dict[str, object] = {
        "title": "What works",
        "filters": Filters(scope=EVERYTHING, kinds=("reverse",), cohorts=("c1",)).describe(),
        "date": dt.date(2026, 6, 1),
        "headlines": (Figure("Active pairings", "118", "+4"), Figure("Mean rating", "3.91")),
        "charts": (ChartSpec("By kind", bars(["reverse", "traditional"])),),
        "note": "Cells covering fewer than 5 pairings are suppressed.",
    }
    values.update(changes)
    return Briefing(**values)  # type: ignore[arg-type]


def test_the_pdf_is_one_page_with_the_title_headlines_and_filters() -> None:
    started = time.perf_counter()
    pdf = build_pdf(sample_briefing())
    print(f"one-chart briefing built in {time.perf_counter() - started:.2f}s")
    assert pdf.startswith(b"%PDF-")
    pages, text = pdf_text(pdf)
    assert pages == 1
    for expected in ("What works", "Active pairings", "118", "+4", "Mean rating", "3.91"):
        assert expected in text
    assert "kinds: reverse" in text and "cohorts: c1" in text
    assert "2026-06-01" in text
    assert "By kind" in text
    assert "fewer than 5 pairings are suppressed" in text


def test_a_crowded_briefing_still_fits_on_one_page() -> None:
    many = tuple(ChartSpec(f"Chart {i}", bars(["a", "b", "c"])) for i in range(MAX_CHARTS + 2))
    rows = tuple((f"Person {i}", "x" * 300, str(i)) for i in range(60))
    briefing = sample_briefing(
        title="A title " * 40,
        filters="; ".join(f"cohorts: cohort number {i}" for i in range(80)),
        headlines=tuple(Figure(f"Metric {i}", f"{i * 1000:,}", "+1") for i in range(10)),
        charts=many,
        table=Table(("Who", "Long", "N"), rows, "Many rows"),
    )
    pages, text = pdf_text(build_pdf(briefing))
    assert pages == 1
    assert "Chart 0" in text and f"Chart {MAX_CHARTS}" not in text
    assert "2 more charts on the page are not included" in text
    assert "Person 19" in text and "Person 20" not in text


def test_without_a_unicode_font_the_pdf_still_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "FONT_CANDIDATES", ())
    pages, text = pdf_text(build_pdf(sample_briefing(title="Zoë’s program – 東京")))
    assert pages == 1
    assert "Zoë" in text  # Latin-1 survives; what the core font lacks becomes "?"
    assert "?" in text


def test_email_addresses_never_reach_the_files() -> None:
    spec = bars(["ann.lee@example.com", "other"])
    briefing = sample_briefing(
        title="Ask bob@example.org",
        charts=(ChartSpec("By kind", spec),),
        table=Table(("Contact",), (("carol@example.net",),)),
    )
    _, text = pdf_text(build_pdf(briefing))
    assert "@example" not in text
    assert EMAIL_REPLACEMENT in text
    svg = chart_svg(spec)
    assert "ann.lee@example.com" not in svg
    assert EMAIL_REPLACEMENT in svg


def test_chart_exports_are_a_png_and_well_formed_svg_with_a_selection_param() -> None:
    spec = bars(["reverse", "traditional"], hidden="not drawn")
    assert '"params"' in spec  # the click-to-filter selection is exported as is
    assert chart_png(spec).startswith(PNG_SIGNATURE)
    root = ET.fromstring(chart_svg(spec))
    assert root.tag == f"{SVG}svg"
    labels = {"".join(node.itertext()) for node in root.iter(f"{SVG}text")}
    assert {"reverse", "traditional"} <= labels
    # Only drawn marks reach the file: a column the chart does not encode stays out.
    assert "not drawn" not in chart_svg(spec)


def test_hostile_text_in_a_label_is_escaped_in_the_svg() -> None:
    hostile = "<script>alert('x')</script>"
    svg = chart_svg(bars([hostile, "<b>bold</b> & co"]))
    assert "<script" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    assert not [node for node in root.iter() if node.tag.endswith("script")]
    labels = {"".join(node.itertext()) for node in root.iter(f"{SVG}text")}
    assert hostile in labels  # drawn as text, literally
    assert "<b>bold</b> & co" in labels


def test_headlines_are_formatted_as_on_the_page() -> None:
    rating = format_headline(Headline("Mean rating", 3.914, 3.8, "help", decimals=2))
    assert rating == Figure("Mean rating", "3.91", "+0.11")
    count = format_headline(Headline("Active pairings", 1204.0, 1204.0, "help"))
    assert count == Figure("Active pairings", "1,204", None)
    missing = format_headline(Headline("Meetings held", None, 3.0, "help"))
    assert missing == Figure("Meetings held", "–", None)


def test_pairings_table_formats_rows_without_names_or_free_text() -> None:
    rows = pd.DataFrame(
        {
            "mentor": ["Real Name"],
            "mentee": ["Other Name"],
            "mentor_id": ["p1"],
            "mentee_id": ["p2"],
            "kind": ["reverse"],
            "cohort": [None],
            "status": ["active"],
            "objective": ["Secret objective"],
            "reasons": ["No meeting for 90 days"],
            "milestone_progress": [0.5],
            "health": [41.6],
            "stalled": [True],
        }
    )
    table = pairings_table(rows, b"k" * 32, caption="Lowest health first")
    key = b"k" * 32
    assert table.rows == (
        (
            pseudonym("p1", key),
            pseudonym("p2", key),
            "reverse",
            "–",
            "active",
            "50%",
            "42 · stalled",
        ),
    )
    assert table.caption == "Lowest health first"
    empty = rows.assign(health=[None], milestone_progress=[None], stalled=[None])
    assert pairings_table(empty, key).rows[0][5:] == ("–", "–")


def private_text(engine: Engine) -> list[str]:
    """Every name, e-mail, objective, milestone title and note in the database."""
    with engine.connect() as connection:
        people = connection.execute(select(Person.name, Person.email)).all()
        texts = [
            *connection.execute(select(Pairing.objective)).scalars(),
            *connection.execute(select(Milestone.title)).scalars(),
            *connection.execute(select(Feedback.text)).scalars(),
        ]
    words = [part for name, _ in people for part in name.replace(",", " ").split() if len(part) > 3]
    emails = [email for _, email in people if email]
    return [*words, *emails, *(text for text in texts if text)]


def test_the_portfolio_briefing_shows_pseudonyms_and_no_private_text(engine: Engine) -> None:
    small_program(engine)
    filters = Filters(scope=EVERYTHING, cohorts=("c1",))
    _, metrics = headline_metrics(engine, filters, TODAY)
    rows = portfolio_page(engine, filters, today=TODAY, sort="health", limit=20).rows
    key = presenter_key(engine)
    table = pairings_table(rows, key, caption="Lowest health first")
    assert len(table.rows) == 2
    briefing = Briefing(
        title="Portfolio",
        filters=filters.describe(),
        date=TODAY,
        headlines=tuple(format_headline(metric) for metric in metrics),
        table=table,
    )
    started = time.perf_counter()
    pdf = build_pdf(briefing)
    print(f"portfolio briefing built in {time.perf_counter() - started:.2f}s")
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert pseudonym("p1", key) in text and pseudonym("p4", key) in text
    assert "Executive Pairings 2026" in text  # cohorts are not people
    private = private_text(engine)
    assert "Ångström" in private and "Present the strategic plan" in " ".join(private)
    assert leaks(text, private) == []
    # The check itself catches a leak: the same page with the real names would fail it.
    named = Table(table.columns, (("Zoë Ångström", "José Nuñez", "", "", "", "", ""),))
    _, named_text = pdf_text(build_pdf(sample_briefing(charts=(), table=named)))
    assert leaks(named_text, private) == ["Ångström", "José", "Nuñez"]


def leaks(text: str, private: list[str]) -> list[str]:
    flat = " ".join(text.split())
    return [item for item in private if " ".join(item.split())[:40] in flat]


def test_an_impact_figure_carries_its_interval_and_never_a_period() -> None:
    from tandem.impact import Estimate
    from tandem.portfolio.briefing import estimate_figure

    base = {
        "group": "mentees",
        "outcome": "promotion",
        "months": 12,
        "threshold": 5,
        "participants": 40,
        "comparison": 400,
        "not_yet_observable": 0,
        "matched": 40,
        "unmatched": 0,
        "matched_comparison": 300,
    }
    unclear = estimate_figure(Estimate(**base, adjusted_difference=0.04, interval=(-0.02, 0.1)))
    assert unclear.value == "+4 points" and unclear.change is None
    assert unclear.note == "95 % interval -2 to +10 points: no detectable difference."
    clear = estimate_figure(Estimate(**base, adjusted_difference=0.12, interval=(0.05, 0.2)))
    assert clear.note is not None and clear.note.endswith("promoted more.")
    refused = estimate_figure(Estimate(**base, refused="Not estimated: too few."))
    assert refused.value == "–" and refused.note == "Not estimated: too few people."
    pdf = build_pdf(
        Briefing(title="Impact", filters="the whole program", date=TODAY, headlines=(unclear,))
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "no detectable" in text and "vs previous period" not in text

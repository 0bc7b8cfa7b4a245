"""Deck exports on the sponsor pages: every chart as PNG/SVG, the page as a one-page PDF.

The download buttons build their files only on a click (``data`` is a
callable).  AppTest cannot click a download, so ``downloads`` wraps
``st.download_button`` to keep each button's callable, and the test calls it
as the server would on a click.
"""

from __future__ import annotations

import functools
import io
import time
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from pypdf import PdfReader
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from tandem.program.bundle import import_bundle
from tandem.program.db import get_engine
from tandem.program.models import Feedback, Milestone, Pairing, Person
from tests.app.conftest import open_as, run_page

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
CHART_PAGES = [
    "pages/what_works.py",
    "pages/milestones.py",
    "pages/learning_flows.py",
    "pages/equity.py",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BRIEFING = "Briefing for a deck (PDF)"


def sample(engine: Any) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)


def labels(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFC", text)


def private_text(url: str) -> list[str]:
    """Names (each part), e-mails, objectives, milestone titles and notes in the database."""
    with get_engine(url).connect() as connection:
        people = connection.execute(select(Person.name, Person.email)).all()
        texts = [
            *connection.execute(select(Pairing.objective)).scalars(),
            *connection.execute(select(Milestone.title)).scalars(),
            *connection.execute(select(Feedback.text)).scalars(),
        ]
    parts = [part for name, _ in people for part in name.replace(",", " ").split() if len(part) > 3]
    return [*parts, *(email for _, email in people if email), *(t for t in texts if t)]


@pytest.mark.parametrize(
    ("page", "present"),
    [(page, False) for page in CHART_PAGES]
    + [("pages/what_works.py", True), ("pages/learning_flows.py", True)],
)
def test_chart_pages_offer_exports_and_a_briefing(app_database, page: str, present: bool) -> None:  # type: ignore[no-untyped-def]
    app_database(sample)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    if present:
        at.query_params["present"] = "1"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = labels(at)
    assert shown.count("PNG (for slides)") == shown.count("SVG (vector)") >= 1
    assert shown.count("PNG (for slides)") == len(at.get("popover"))
    assert shown.count(BRIEFING) == 1


def test_empty_database_pages_still_run_with_their_briefing(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(None)
    for page in [*CHART_PAGES, "pages/portfolio.py"]:
        at = run_page(page)
        assert not at.exception, (page, [e.value for e in at.exception])
        assert BRIEFING in labels(at)


def test_what_works_exports_render_and_the_briefing_holds_its_charts(  # type: ignore[no-untyped-def]
    app_database, downloads
) -> None:
    app_database(sample)
    at = run_page("pages/what_works.py")
    assert not at.exception
    pngs = [key for key in downloads if key.startswith("export_png_")]
    assert pngs
    for key in pngs:
        assert downloads[key]().startswith(PNG_SIGNATURE)
        svg = downloads[key.replace("_png_", "_svg_")]()
        assert ET.fromstring(svg).tag.endswith("svg")
    started = time.perf_counter()
    pdf = downloads["briefing_what-works"]()
    print(f"What works briefing built in {time.perf_counter() - started:.2f}s")
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert "What works" in text and "Filters: all pairings" in text
    drawn = [key.removeprefix("export_png_what-works-") for key in pngs]
    assert ("Pairing kind" in text) == ("kind" in drawn)


def test_the_timeline_names_people_and_is_not_exported(app_database, downloads) -> None:  # type: ignore[no-untyped-def]
    app_database(sample)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    at.run()
    downloads.clear()  # the Overview's own charts, drawn on the first run
    at.switch_page("pages/milestones.py").run()
    assert not at.exception
    exported = [key for key in downloads if key.startswith("export_png_")]
    assert "export_png_completion-kind" in exported
    # Every chart but the timeline carries an export.
    assert len(at.get("vega_lite_chart")) == len(exported) + 1
    assert not [key for key in downloads if "timeline" in key]
    pages, text = pdf_text(downloads["briefing_milestone-progress"]())
    assert pages == 1 and "Completion by pairing kind" in text


@pytest.mark.parametrize("role", ["sponsor", "lead"])
def test_the_portfolio_briefing_uses_pseudonyms_outside_presenter_mode(  # type: ignore[no-untyped-def]
    app_database, downloads, role: str
) -> None:
    url = app_database(sample)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    at.session_state["tandem_demo_role"] = role
    # The session's filters come from the link it starts with (the Overview has the bar too).
    at.query_params["kind"] = "traditional"
    at.run()
    at.switch_page("pages/portfolio.py").run()
    assert not at.exception
    private = private_text(url)
    shown = " ".join(at.dataframe[0].value["Mentor"].astype(str))
    assert any(part in shown for part in private)  # the page shows real names ...
    started = time.perf_counter()
    pdf = downloads["briefing_portfolio"]()
    print(f"Portfolio briefing built in {time.perf_counter() - started:.2f}s")
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert "Portfolio" in text and "kinds: traditional" in text
    assert "Running pairings" in text and "Meetings" in text
    # ... the briefing never does, nor any objective, milestone title, note or e-mail.
    flat = " ".join(text.split())
    assert [item for item in private if " ".join(item.split())[:40] in flat] == []
    assert "@" not in text


def test_a_chart_is_built_once_for_the_same_data(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Building, styling and converting a chart was most of a warm run of a chart page:
    the drawn chart is kept for the same builder and arguments."""
    import components.portfolio.milestones as section
    from components.ui.briefing import _drawn_spec

    app_database(sample)
    _drawn_spec.clear()  # another test may have drawn the same chart
    built: list[str] = []
    real = section.rate_bars

    @functools.wraps(real)
    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(section, "rate_bars", counted)
    at = run_page("pages/milestones.py")
    first = len(built)
    assert first > 0
    charts = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    at.run()
    assert not at.exception
    assert len(built) == first  # served from the cache: the same charts, not rebuilt
    assert [chart.proto.spec for chart in at.get("vega_lite_chart")] == charts


# Every page that draws a chart, each as the least role that may open it.
DRAWING_PAGES = [
    ("pages/overview.py", "sponsor"),
    *[(page, "sponsor") for page in CHART_PAGES],
    ("pages/themes.py", "sponsor"),
    ("pages/impact.py", "sponsor"),
    ("pages/stalled.py", "lead"),
    ("pages/rebalancing.py", "lead"),
]


def drawn(page: str, role: str, present: bool) -> list[str]:
    st.cache_data.clear()  # drawn charts are cached: draw them afresh
    at = open_as(page, role, present=present)
    return [chart.proto.spec for chart in at.get("vega_lite_chart")]


def demo(engine: Any) -> None:
    """A demo program after its refresh: health, themes, plans and impact to chart."""
    from tandem.program.demo import generate_demo
    from tandem.refresh import refresh_all

    generate_demo(engine, pairings=120, seed=11)
    refresh_all(engine)


def test_every_drawn_chart_is_the_same_with_altair_as_shipped(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``altair_speed`` replaces Altair internals for speed (the class lookup, the
    copies when layering) and leaves its checks to the tests: every chart of every
    page, on screen and in presenter mode, drawn as a served page draws it, must be
    what Altair as shipped, checks and all, draws."""
    from components.ui.charts import altair_speed

    app_database(demo)
    views = [(page, role, present) for page, role in DRAWING_PAGES for present in (False, True)]
    with monkeypatch.context() as served:  # as on a served page: no schema checks
        served.delenv(altair_speed.CHECK_CHARTS)
        fast = {view: drawn(*view) for view in views}
    # Every page drew (the comparison below would pass on pages that draw nothing).
    assert all(fast[(page, role, False)] for page, role in DRAWING_PAGES), {
        view: len(specs) for view, specs in fast.items()
    }
    altair_speed.uninstall()
    try:
        shipped = {view: drawn(*view) for view in views}
    finally:
        assert altair_speed.install()
    assert fast == shipped

"""Feedback themes in a real browser: hostile note text stays inert; presenter mode is read-only."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tandem.program import migrate
from tandem.program.bundle import import_bundle
from tandem.program.db import dispose_engine, get_engine
from tandem.program.models import Feedback
from tandem.program.theme_tables import FeedbackAnalysis, Theme
from tandem.refresh import refresh_all
from tests.browser.conftest import RunningApp, start_app, stop_app, wait_for_app

pytestmark = pytest.mark.browser
SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
SCRIPT = "<script>alert(1)</script>"
HOSTILE = [SCRIPT, "<img src=x onerror=alert(2)> [link](javascript:alert(3)) **bold**"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    folder = tmp_path_factory.mktemp("themes")
    url = f"sqlite:///{folder / 'tandem.db'}"
    engine = get_engine(url)
    migrate.upgrade(engine)
    import_bundle(engine, SAMPLE_BUNDLE)
    refresh_all(engine, today=dt.date(2025, 12, 31))
    with engine.begin() as connection:
        theme_id = connection.execute(select(Theme.theme_id).order_by(Theme.theme_id)).scalar()
        for index, text in enumerate(HOSTILE):
            connection.execute(
                Feedback.__table__.insert().values(
                    feedback_id=f"hostile-{index}",
                    pairing_id="pr-001",
                    cohort_id="c-exec-2025",
                    date=dt.date(2025, 6, 1),
                    source="checkin_note",
                    author_role="mentee",
                    visibility="shareable",
                    text=text,
                )
            )
            connection.execute(
                FeedbackAnalysis.__table__.insert().values(
                    feedback_id=f"hostile-{index}",
                    theme_id=theme_id,
                    confidence=0.99,
                    sentiment=0.0,
                    method="test",
                    refreshed_at=dt.datetime(2025, 6, 1),
                )
            )
    dispose_engine(url)
    running = start_app(url, folder / "streamlit.log")
    yield running
    stop_app(running)


def test_quotes_show_hostile_text_as_inert_text(app: RunningApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{app.url}/themes")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Feedback themes")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Theme engine lexical"))).to_be_visible()
    page.get_by_role("tab", name="Quotes").click()
    expect(page.get_by_text(SCRIPT, exact=True)).to_be_visible()
    expect(page.get_by_text(HOSTILE[1], exact=True)).to_be_visible()
    # Nothing the notes say became markup: no injected image, no link, no bold.
    expect(page.locator("img[src='x']")).to_have_count(0)
    expect(page.locator("a[href^='javascript']")).to_have_count(0)
    page.wait_for_timeout(500)
    screenshot(page, "themes-quotes")
    assert dialogs == []
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_presenter_mode_shows_only_read_only_tabs(app: RunningApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app.url}/themes?present=1")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Feedback themes")).to_be_visible()
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(3)
    expect(page.get_by_role("tab", name="Codebook")).to_have_count(0)
    expect(page.get_by_role("button", name="Refresh themes now")).to_have_count(0)
    screenshot(page, "themes-presenter")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

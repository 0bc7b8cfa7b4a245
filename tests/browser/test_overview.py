"""The Overview page in a real browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import RunningApp, serve, start_app, stop_app, wait_for_app
from tests.factories import small_program

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    yield from serve(tmp_path_factory, "overview", small_program)


def test_overview_shows_headline_numbers(app: RunningApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.goto(app.url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    metrics = page.locator("[data-testid='stMetric']")
    expect(metrics.filter(has_text="Running pairings")).to_contain_text("2")
    expect(metrics.filter(has_text="Stalled")).to_contain_text("0")
    # st.dataframe draws on a canvas; its accessible grid cells carry the text.
    grid = page.locator("[data-testid='stDataFrame']")
    expect(grid).to_contain_text("Executive Pairings 2026")
    screenshot(page, "overview")
    # The one thing that must not happen: an exception box, or the legacy
    # auto-discovered page list from pages/ next to st.navigation's.
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    # The legacy list names pages after their files ("overview", lower case).
    nav_links = page.locator("[data-testid='stSidebarNavLink']")
    expect(nav_links.filter(has_text=re.compile(r"^overview$"))).to_have_count(0)


def test_unreachable_database_shows_a_clear_message(
    tmp_path: Path,
    page,  # type: ignore[no-untyped-def]
    screenshot,  # type: ignore[no-untyped-def]
) -> None:
    running = start_app("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path / "streamlit.log")
    try:
        page.goto(running.url)
        wait_for_app(page)
        expect(page.get_by_text("The database cannot be reached")).to_be_visible()
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        screenshot(page, "overview-unreachable")
    finally:
        stop_app(running)

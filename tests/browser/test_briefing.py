"""Deck exports in a real browser: a chart's PNG and the page's one-page PDF download."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import RunningApp, serve, wait_for_app

pytestmark = pytest.mark.browser
SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    yield from serve(tmp_path_factory, "briefing")


def download(page, button) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = info.value.path()
    return Path(path).read_bytes()


def test_a_chart_downloads_as_png_and_the_page_as_a_pdf(  # type: ignore[no-untyped-def]
    app: RunningApp, page, screenshot
) -> None:
    page.goto(f"{app.url}/what_works")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="What works")).to_be_visible()
    page.get_by_role("button", name="Export").first.click()
    png_button = page.get_by_role("button", name="PNG (for slides)")
    expect(png_button).to_be_visible()
    screenshot(page, "what-works-export")
    assert download(page, png_button).startswith(b"\x89PNG\r\n\x1a\n")
    page.keyboard.press("Escape")
    pdf = download(page, page.get_by_role("button", name="Briefing for a deck (PDF)"))
    assert pdf.startswith(b"%PDF-")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_presenter_mode_portfolio_briefing_downloads(  # type: ignore[no-untyped-def]
    app: RunningApp, page, screenshot
) -> None:
    page.goto(f"{app.url}/portfolio?present=1")
    wait_for_app(page)
    button = page.get_by_role("button", name="Briefing for a deck (PDF)")
    expect(button).to_be_visible()
    screenshot(page, "portfolio-briefing-presenter")
    pdf = download(page, button)
    assert pdf.startswith(b"%PDF-")
    assert b"/Count 1" in pdf  # one page
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

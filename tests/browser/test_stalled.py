"""Stalled pairings in a real browser: raise a flag from the queue; presenter mode."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tandem.program.db import dispose_engine, get_engine
from tandem.program.models import Flag
from tests.browser.conftest import RunningApp, serve, wait_for_app

pytestmark = pytest.mark.browser
NOTE = "Browser test: both asked for a new cadence"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    yield from serve(tmp_path_factory, "stalled")  # the sample bundle, health computed


def metric(page, label: str) -> str:  # type: ignore[no-untyped-def]
    box = page.locator("[data-testid='stMetric']").filter(has_text=label)
    return str(box.locator("[data-testid='stMetricValue']").inner_text())


def test_raise_a_flag_and_see_it_in_the_queue(app: RunningApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(f"{app.url}/stalled")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Stalled pairings")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Pairings 1–\d+ of \d+"))).to_be_visible()
    open_before = int(metric(page, "Open flags"))

    page.get_by_text("Raise a flag on this pairing").click()
    form = page.locator("[data-testid='stForm']").filter(has_text="Raise flag")
    form.locator("[data-testid='stSelectbox']").filter(has_text="Reason").click()
    page.get_by_role("option", name="Low ratings").click()
    form.get_by_role("textbox", name="Note (optional)").fill(NOTE)
    form.get_by_role("textbox", name="Owner (optional)").fill("Browser Lead")
    form.get_by_role("button", name=re.compile("Raise flag")).click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Flag F-\w+ raised \(Low ratings\)"))).to_be_visible(
        timeout=15_000
    )
    # The queue counts it, and its pairing now lists it for updates.
    expect(page.locator("[data-testid='stMetric']").filter(has_text="Open flags")).to_contain_text(
        str(open_before + 1)
    )
    expect(page.get_by_text(re.compile(r"Update flag F-\w+ · Low ratings · Open"))).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "stalled-flag-raised")

    engine = get_engine(app.database_url)
    with engine.connect() as connection:
        owners = connection.execute(select(Flag.owner).where(Flag.note == NOTE)).scalars().all()
    dispose_engine(app.database_url)
    assert owners == ["Browser Lead"]


def test_presenter_mode_shows_no_names_notes_or_controls(  # type: ignore[no-untyped-def]
    app: RunningApp, page, screenshot
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1900})
    page.goto(f"{app.url}/stalled?present=1")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Stalled pairings")).to_be_visible()
    expect(page.get_by_text("Presenter mode").first).to_be_visible()
    expect(page.locator("[data-testid='stMetric']")).to_have_count(4)
    expect(
        page.get_by_role("button", name=re.compile("Raise flag|Save flag|Recompute"))
    ).to_have_count(0)
    expect(page.get_by_text("Nuñez, José")).to_have_count(0)
    expect(page.get_by_text("No check-in since March")).to_have_count(0)
    expect(page.get_by_text("nudge list (names and e-mail addresses) is not shown")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "stalled-presenter")

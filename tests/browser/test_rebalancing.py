"""Rebalancing in a real browser: accept a suggestion; presenter mode shows no actions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from components.matching.rebalance.cards import PAGE_SIZE
from tests.browser.conftest import RunningApp, serve, wait_for_app

pytestmark = pytest.mark.browser
SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    yield from serve(tmp_path_factory, "rebalancing")


def test_presenter_mode_shows_the_plan_without_actions_or_names(  # type: ignore[no-untyped-def]
    app: RunningApp, page, screenshot
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1900})  # the plan in one screenshot
    page.goto(f"{app.url}/rebalancing?present=1")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Rebalancing")).to_be_visible()
    expect(page.get_by_text("Presenter mode").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Pairing pr-\d+ ")).first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Accept"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Save these weights"))).to_have_count(0)
    # Real names of the sample program stay off the shared screen.
    expect(page.get_by_text("Nuñez, José")).to_have_count(0)
    expect(page.get_by_text("Ingrid Johansson")).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "rebalancing-presenter")


def test_accept_the_first_suggestion(app: RunningApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1400, "height": 1900})
    page.goto(f"{app.url}/rebalancing")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Rebalancing")).to_be_visible()
    tab = page.get_by_role("tab", name=re.compile(r"^Suggestions \(\d+\)"))
    expect(tab).to_be_visible()
    offered = int(re.findall(r"\d+", tab.inner_text())[0])
    assert offered >= 1
    accept = page.get_by_role("button", name=re.compile("Accept"))
    shown = min(offered, PAGE_SIZE)
    expect(accept).to_have_count(shown)  # every card of the page drawn before clicking
    accept.first.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Accepted: pairing pr-\d+ ended"))).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_role("link", name="Open the new proposed pairing")).to_be_visible()
    # One fewer offered; the page fills from the next when there is one.
    left = min(offered - 1, PAGE_SIZE)
    expect(page.get_by_role("button", name=re.compile("Accept"))).to_have_count(left)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "rebalancing-accepted")

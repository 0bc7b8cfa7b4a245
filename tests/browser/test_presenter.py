"""Presenter mode and the demo role in a real browser, across reloads and edited URLs.

Presenter mode, once on, must hold for the browser session whatever the URL
says, from the very first paint of a reload: a MutationObserver installed
before any page script records every text the page ever shows, so a real
name that flashed for a moment would be caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import RunningApp, serve, wait_for_app

pytestmark = pytest.mark.browser

# pr-001 in the sample bundle: Zoë Ångström mentoring Tomás O'Brien.
PAIRING = "/pairing?pairing=pr-001"
REAL_NAMES = ("Zoë Ångström", "Tomás O'Brien")
SPONSOR_REFUSAL = "Stalled pairings is not open to the sponsor role"
COOKIE_SET = "document.cookie.split('; ').includes('tandem_present=1')"

# Every text ever added to the page, from before Streamlit's own scripts run.
RECORD_TEXT = """
window.__tandemSeen = [];
new MutationObserver((mutations) => {
  for (const m of mutations) {
    if (m.type === "characterData") window.__tandemSeen.push(m.target.textContent || "");
    for (const node of m.addedNodes) window.__tandemSeen.push(node.textContent || "");
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    yield from serve(tmp_path_factory, "presenter")


def seen(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.evaluate("window.__tandemSeen.join('\\n')"))


def badge(page):  # type: ignore[no-untyped-def]
    # The badge reads "Presenter mode" after its icon's name.
    return page.locator("[data-testid='stMain']").get_by_text(re.compile(r"Presenter mode$"))


def test_presenter_mode_holds_when_the_url_drops_it(app: RunningApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.add_init_script(RECORD_TEXT)
    page.goto(f"{app.url}{PAIRING}&present=1")
    wait_for_app(page)
    expect(badge(page)).to_be_visible()
    page.wait_for_function(COOKIE_SET)

    # The same address without ?present=1, typed into the address bar: a new
    # page load and a new Streamlit session.
    page.goto(f"{app.url}{PAIRING}")
    wait_for_app(page)
    expect(badge(page)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Leave presenter mode"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"present=1"))
    screenshot(page, "presenter-after-url-edit")
    ever_shown = seen(page)
    assert "mentoring" in ever_shown  # the observer did see the pairing's heading
    for name in REAL_NAMES:
        assert name not in ever_shown, f"{name} appeared while presenting after a reload"

    # Another page, opened by URL: still presenting.
    page.goto(f"{app.url}/portfolio")
    wait_for_app(page)
    expect(badge(page)).to_be_visible()

    # Leaving takes the confirmation; after it, a reload stays in normal mode.
    page.goto(f"{app.url}{PAIRING}")
    wait_for_app(page)
    page.get_by_role("button", name=re.compile("Leave presenter mode")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Real names, notes and editing come back")).to_be_visible()
    dialog.get_by_role("button", name="Leave presenter mode").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=re.compile(re.escape(REAL_NAMES[0])))).to_be_visible()
    expect(badge(page)).to_have_count(0)
    page.wait_for_function(f"!({COOKIE_SET})")
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=re.compile(re.escape(REAL_NAMES[0])))).to_be_visible()
    expect(badge(page)).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"present=1"))
    assert REAL_NAMES[0] in seen(page)  # the observer sees real names when they are shown
    screenshot(page, "presenter-left")


def test_the_presenter_button_also_holds_through_a_reload(app: RunningApp, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app.url}{PAIRING}")
    wait_for_app(page)
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Presenter mode").click()
    wait_for_app(page)
    expect(badge(page)).to_be_visible()
    page.wait_for_function(COOKIE_SET)
    page.add_init_script(RECORD_TEXT)
    page.goto(f"{app.url}{PAIRING}")
    wait_for_app(page)
    expect(badge(page)).to_be_visible()
    for name in REAL_NAMES:
        assert name not in seen(page)


def pick_role(page, label: str) -> None:  # type: ignore[no-untyped-def]
    picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']")
    picker.click()
    page.get_by_role("option", name=label).click()
    wait_for_app(page)


def test_the_demo_role_survives_a_reload_and_a_copied_link(app: RunningApp, page, browser) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app.url}/stalled?as=lead")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Stalled pairings")).to_be_visible()
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Stalled pairings")).to_be_visible()
    expect(page).to_have_url(re.compile(r"as=lead"))

    pick_role(page, "Sponsor")
    expect(page).to_have_url(re.compile(r"as=sponsor"))
    refusal = page.get_by_text(SPONSOR_REFUSAL)
    expect(refusal).to_be_visible()
    page.reload()
    wait_for_app(page)
    expect(refusal).to_be_visible()

    # The copied link, opened in another browser (no shared cookies or session).
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        copied = other.new_page()
        copied.goto(page.url)
        wait_for_app(copied)
        expect(copied.get_by_text(SPONSOR_REFUSAL)).to_be_visible()
        # The database's address is for admins only.
        expect(copied.get_by_text(re.compile(r"^Database: "))).to_have_count(0)
    finally:
        other.close()

"""Every page in a real browser, as admin and in presenter mode, and ten sessions at once.

The page list comes from the navigation itself, so a new page is covered the
moment it is registered.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from components.ui.navigation import PAGES
from tests.browser.conftest import RunningApp, serve, wait_for_app
from tests.sent import message_texts

pytestmark = pytest.mark.browser
SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
REAL_NAMES = ("Zoë Ångström", "Tomás O'Brien", "Margaret Okafor", "Daniel Park")


def page_path(key: str) -> str:
    if key == PAGES[0].key:  # the default page lives at the root
        return "/"
    # The detail page needs a pairing to show; the sample bundle has pr-001.
    return "/pairing?pairing=pr-001" if key == "pairing" else f"/{key}"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    yield from serve(tmp_path_factory, "every_page")


@pytest.mark.parametrize("key", [entry.key for entry in PAGES])
def test_page_loads_without_an_exception(app: RunningApp, page, screenshot, key: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(app.url + page_path(key))
    wait_for_app(page)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, f"page-{key}")


def _sample_people() -> dict[str, str]:
    with (SAMPLE_BUNDLE / "people.csv").open(encoding="utf-8") as handle:
        return {row["person_id"]: row["name"] for row in csv.DictReader(handle)}


def _sent_text(frames: list[bytes]) -> str:
    """Everything the server sent over the websocket: strings, table cells, chart data."""
    texts: list[str] = []
    for frame in frames:
        texts.extend(message_texts(ForwardMsg.FromString(frame)))
    return "\n".join(texts)


@pytest.mark.parametrize("key", [entry.key for entry in PAGES])
def test_presenter_mode_shows_no_real_name(app: RunningApp, page, screenshot, key: str) -> None:  # type: ignore[no-untyped-def]
    frames: list[bytes] = []
    page.on(
        "websocket",
        lambda socket: socket.on(
            "framereceived",
            lambda payload: frames.append(payload) if isinstance(payload, bytes) else None,
        ),
    )
    separator = "&" if "?" in page_path(key) else "?"
    page.goto(app.url + page_path(key) + separator + "present=1")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text("Presenter mode").first).to_be_visible()
    expect(main.get_by_role("button", name=re.compile("Leave presenter mode"))).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, f"presenter-{key}")
    body = main.inner_text()
    for name in REAL_NAMES:
        assert name not in body, f"{name} shown on {key} in presenter mode"
    # Not only what is visible: grid cells and chart data travel in the messages.
    sent = _sent_text(frames)
    assert "Presenter mode" in sent  # the frames were read
    for person_id, name in _sample_people().items():
        assert name not in sent, f"{name} sent to the browser on {key} in presenter mode"
        assert not re.search(rf"\b{person_id}\b", sent), f"{person_id} sent on {key}"
    assert "@example.com" not in sent


def test_ten_sessions_at_once(app: RunningApp, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        keys = [entry.key for entry in PAGES]
        tabs = [context.new_page() for _ in range(10)]
        for index, tab in enumerate(tabs):
            tab.goto(app.url + page_path(keys[index % len(keys)]), wait_until="commit")
        for tab in tabs:
            wait_for_app(tab)
            expect(tab.locator("h1")).to_be_visible()
            expect(tab.locator("[data-testid='stException']")).to_have_count(0)
        # Then every tab visits every page, interleaved across sessions.
        for step in range(1, len(keys)):
            for index, tab in enumerate(tabs):
                tab.goto(app.url + page_path(keys[(index + step) % len(keys)]), wait_until="commit")
            for tab in tabs:
                wait_for_app(tab)
                expect(tab.locator("[data-testid='stException']")).to_have_count(0)
        assert not re.search(r"Traceback|Error", app.log().split("Network URL")[-1])
    finally:
        context.close()

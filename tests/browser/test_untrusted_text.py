"""Untrusted text stays text in the page Chromium draws: no pixel, no link, no bold, no colour.

The app serves the hostile program (``tests/hostile.py``: a payload in every
text cell and ID of the bundle); every page is opened as admin, sponsor and
lead, in presenter mode, and with a payload in every URL parameter.
Nothing may load from or link to 127.0.0.1:9 or evil.example, no payload may
turn bold, coloured, into an icon or an emoji — and the escaped payload must
still read as written where the page shows it in markdown.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from components.ui.navigation import PAGES
from tandem.access import Viewer
from tests.browser.conftest import RunningApp, serve, wait_for_app
from tests.hostile import HOSTILE_QUERY, fill_hostile, hostile_id

pytestmark = pytest.mark.browser
PAIRING = hostile_id("pr-001", "pairing_id", 0)
MODES = ("admin", "sponsor", "lead", "presenting", "url")

# Elements a live payload would make (the requests are watched separately).
LIVE_ELEMENTS = """() => {
  const foreign = u => {
    try {
      const host = new URL(u, location.href).host;
      return host === '127.0.0.1:9' || host.endsWith('evil.example');
    } catch (e) { return false; }
  };
  const text = e => e.textContent || '';
  const all = s => Array.from(document.querySelectorAll(s));
  const source = e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('srcset');
  return [
    ...all('img, image, source, iframe, video, audio').filter(e => foreign(source(e) || ''))
      .map(e => 'image ' + e.outerHTML.slice(0, 120)),
    ...all('a[href]').filter(e => foreign(e.getAttribute('href')))
      .map(e => 'link ' + e.outerHTML.slice(0, 120)),
    ...all('strong, b, em, del')
      .filter(e => text(e).includes('PWNED') && !text(e).includes('**PWNED**'))
      .map(e => 'bold ' + text(e).slice(0, 80)),
    ...all('[class*="ColoredText"], [class*="Badge"], [style*="color"]')
      .filter(e => text(e).includes('ALARM') && !text(e).includes(':red[ALARM]'))
      .map(e => 'colour ' + text(e).slice(0, 80)),
    ...all('span[role="img"]').filter(e => text(e).trim() === 'skull')
      .map(e => 'icon ' + e.outerHTML.slice(0, 120)),
    ...(document.body.innerText.includes('\\u{1F604}') ? ['emoji :smile:'] : []),
  ];
}"""


def page_path(key: str, mode: str) -> str:
    path = "/" if key == PAGES[0].key else f"/{key}"
    query: dict[str, str] = {"pairing": PAIRING} if key == "pairing" else {}
    if mode == "presenting":
        query["present"] = "1"
    if mode == "url":
        query = dict(HOSTILE_QUERY)
    return path + ("?" + urllib.parse.urlencode(query) if query else "")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    bundle = tmp_path_factory.mktemp("hostile_bundle")
    yield from serve(
        tmp_path_factory, "untrusted_text", lambda engine: fill_hostile(engine, bundle)
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", [entry.key for entry in PAGES])
def test_no_payload_is_live_in_the_browser(
    app: RunningApp, page, screenshot, key: str, mode: str
) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            requests.append(request.url)
            if urllib.parse.urlsplit(request.url).netloc in ("127.0.0.1:9", "www.evil.example")
            else None
        ),
    )
    page.goto(app.url + page_path(key, mode))
    wait_for_app(page)
    if mode in ("sponsor", "lead"):  # the demo's role picker; a new session starts as admin
        picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has_text="View as"
        )
        picker.click()
        page.get_by_role("option", name=mode.title()).click()
        wait_for_app(page)
        expect(picker.locator("input")).to_have_value(mode.title())
    role = mode if mode in ("sponsor", "lead") else "admin"
    if Viewer(role=role, presenting=mode == "presenting").may_open(key):
        expect(page.locator("h1")).to_be_visible()
    else:  # the page's refusal is a page too
        expect(page.get_by_text(f"is not open to the {role} role")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, f"untrusted-{key}-{mode}")
    live = page.evaluate(LIVE_ELEMENTS)
    assert live == [], "\n".join(live)
    assert requests == [], requests


def test_escaped_payloads_read_as_written(app: RunningApp, page) -> None:  # type: ignore[no-untyped-def]
    """Where the pairing page puts bundle text into markdown, a reader sees the characters."""
    page.goto(app.url + page_path("pairing", "admin"))
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    heading = main.locator("h3").filter(has_text="mentoring").first
    expect(heading).to_contain_text("«people.name»")  # no joiner: nothing to break there
    caption = main.locator("[data-testid='stCaptionContainer']", has_text="«people.title»").first
    expect(caption).to_be_visible()
    # What a reader sees: the word joiners that break autolinks are invisible.
    shown = caption.inner_text().replace("\u2060", "")
    for payload in ("![x](http://127.0.0.1:9/pixel.png)", "**PWNED**", ":red[ALARM]", ":smile:"):
        assert payload in shown

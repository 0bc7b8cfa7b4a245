"""Every page read at a glance: each role and presenter mode at 1280 × 800 (#15 item 7).

For each page, as sponsor, lead and admin and presenting, a screenshot is kept
under ``test-artifacts/browser/glance-*.png`` and what can be asserted is:

- no grid shows ``None``, ``nan`` or ``NaT`` (a missing value Streamlit draws as a
  grey "None" is an empty cell in the grid's accessible table: none may be empty),
  and no header is snake_case;
- the columns a person came for are inside the grid's visible width;
- presenting, every chart draws each category label of its axes (none dropped for
  lack of room) at 16 px or more, no chart text is under 12 px, and no legend title
  or label is cut.

Presenting is also checked on a 1280 × 720 projector and a 1920 × 1080 screen
(``glance-present-*.png``): the same chart checks, and no real name anywhere on
the page or in its charts.

Grids and charts are read from the DOM: Streamlit's grid keeps an accessible
table of the columns it renders, and Vega draws charts as SVG.  Every wait is on
a condition, never on time.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from components.ui.navigation import PAGES
from tests.browser.conftest import SAMPLE_BUNDLE, RunningApp, serve, wait_for_app

pytestmark = pytest.mark.browser

ROLES = {
    "sponsor": "as=sponsor",
    "lead": "as=lead",
    "admin": "as=admin",
    "presenter": "as=lead&present=1",
}
# The columns each page's first grid is read for: they must be in view at 1280 px.
KEY_COLUMNS = {
    "portfolio": ("Mentor", "Mentee", "Health", "Rating", "Status"),
    "pairing": ("Due", "Status"),
    "milestones": ("Mentor", "Mentee", "Overdue"),
}
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
MISSING_WORDS = {"None", "nan", "NaN", "NaT", "null", "<NA>"}

# Each grid: its headers, its cell texts, whether it scrolls sideways.
READ_GRIDS = """
() => [...document.querySelectorAll("[data-testid='stDataFrame']")]
  .filter((grid) => grid.offsetParent !== null)  // not in a closed tab or expander
  .map((grid) => {
  const scroller = grid.querySelector('.dvn-scroller');
  return {
    headers: [...grid.querySelectorAll("th[role='columnheader']")].map((th) => th.textContent),
    cells: [...grid.querySelectorAll("td[role='gridcell']")].map((td) => td.textContent),
    overflows: scroller ? scroller.scrollWidth > scroller.clientWidth + 1 : false,
  };
})
"""
# Each chart's axes: the labels of a discrete axis, whether each is drawn, their size.
READ_CHARTS = """
() => [...document.querySelectorAll('svg.marks')].map((svg) => ({
  axes: [...svg.querySelectorAll('g.role-axis')]
    .filter((axis) => /discrete scale/.test(axis.getAttribute('aria-label') || ''))
    .map((axis) => ({
      name: axis.getAttribute('aria-label'),
      labels: [...axis.querySelectorAll('g.role-axis-label text')].map((text) => ({
        text: text.textContent,
        drawn: (text.getAttribute('opacity') ?? '1') !== '0',
        size: parseFloat(text.getAttribute('font-size') || '0'),
      })),
    })),
  legendTitles: [...svg.querySelectorAll('g.role-legend-title text')].map((t) => t.textContent),
  legendLabels: [...svg.querySelectorAll('g.role-legend-label text')].map((t) => t.textContent),
  // Every text a chart draws (values on marks, titles, labels) with its size.
  texts: [...svg.querySelectorAll('text')]
    .filter((t) => (t.getAttribute('opacity') ?? '1') !== '0' && t.textContent.trim())
    .map((t) => ({ text: t.textContent, size: parseFloat(t.getAttribute('font-size') || '0') })),
}))
"""
# Each drawn grid's canvas text size: Streamlit sets the grid's theme, text size
# included, as CSS variables on the grid ("400 17.5px"); the canvas draws with it.
READ_GRID_FONTS = """
() => [...document.querySelectorAll("[data-testid='stDataFrame']")]
  .filter((grid) => grid.offsetParent !== null)
  .map((grid) => {
    const themed = [grid, ...grid.querySelectorAll('*')].find(
      (e) => getComputedStyle(e).getPropertyValue('--gdg-base-font-style'));
    if (!themed) return null;
    const style = getComputedStyle(themed);
    return ['--gdg-base-font-style', '--gdg-header-font-style'].map(
      (name) => parseFloat((style.getPropertyValue(name).match(/([\\d.]+)px/) || [0, 0])[1]));
  })
  .filter((sizes) => sizes !== null)
"""
FULL_HEIGHT = "() => document.querySelector(\"[data-testid='stMain']\").scrollHeight + 40"
# Presenter checks on a projector and on a large screen.
PRESENTER_SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}
SMALLEST_CHART_TEXT = 12  # px: readable from the back of the room


def page_path(key: str) -> str:
    if key == PAGES[0].key:
        return "/"
    return "/pairing?pairing=pr-001" if key == "pairing" else f"/{key}"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    yield from serve(tmp_path_factory, "glance")


@pytest.fixture
def glance_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    """The script done, and every grid and chart on the page drawn."""
    wait_for_app(page)
    expect(page.locator("[data-testid='stMain']")).to_be_visible()
    for grid in page.locator("[data-testid='stDataFrame']").all():
        if grid.is_visible():  # a grid in a closed tab is never drawn
            expect(grid.locator("th[role='columnheader']").first).to_be_attached()
    for chart in page.locator("[data-testid='stVegaLiteChart']").all():
        if chart.is_visible():
            expect(chart.locator("svg.marks")).to_have_count(1)


def _cases() -> list[object]:
    return [
        pytest.param(entry.key, role, id=f"{entry.key}-{role}") for entry in PAGES for role in ROLES
    ]


@pytest.mark.parametrize(("key", "role"), _cases())
def test_page_reads_at_a_glance(
    app: RunningApp, glance_page, screenshot, key: str, role: str
) -> None:  # type: ignore[no-untyped-def]
    page = glance_page
    path = page_path(key)
    page.goto(f"{app.url}{path}{'&' if '?' in path else '?'}{ROLES[role]}")
    _settle(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, f"glance-{key}-{role}")

    for grid in page.evaluate(READ_GRIDS):
        where = f"{key} as {role}, grid {grid['headers'][:3]}"
        for name in grid["headers"]:
            assert not SNAKE.match(name.strip()), f"snake_case header {name!r} on {where}"
        for text in grid["cells"]:
            assert text.strip(), f"an empty cell (drawn as None) on {where}"
            assert text.strip() not in MISSING_WORDS, f"{text!r} shown on {where}"

    wanted = KEY_COLUMNS.get(key)
    first_grid = page.locator("[data-testid='stDataFrame']").first
    if wanted and first_grid.count() and first_grid.is_visible():
        headers = first_grid.locator("th[role='columnheader']")
        for name in wanted:  # waits for the grid to render the column, if it ever does
            expect(headers.filter(has_text=re.compile(rf"^{re.escape(name)}$"))).to_have_count(1)
        first = page.evaluate(READ_GRIDS)[0]
        shown = [name.strip() for name in first["headers"]]
        for name in wanted:
            # The last rendered column of a grid that scrolls is cut at the edge.
            if first["overflows"]:
                assert name != shown[-1], f"{name} cut at the grid's edge on {key} as {role}"

    if role == "presenter":
        _assert_charts_read_from_the_back(page, key)


def _assert_charts_read_from_the_back(page, where: str) -> None:  # type: ignore[no-untyped-def]
    """Every category label drawn at 16 px or more, no chart text under 12 px, no
    legend title or label cut short."""
    for chart in page.evaluate(READ_CHARTS):
        for axis in chart["axes"]:
            hidden = [label["text"] for label in axis["labels"] if not label["drawn"]]
            assert not hidden, f"{where}: labels {hidden} not drawn on {axis['name']}"
            small = [label["text"] for label in axis["labels"] if label["size"] < 16]
            assert not small, f"{where}: labels {small} under 16 px on {axis['name']}"
        tiny = [t["text"] for t in chart["texts"] if t["size"] < SMALLEST_CHART_TEXT]
        assert not tiny, f"{where}: chart text {tiny[:5]} under {SMALLEST_CHART_TEXT} px"
        for text in [*chart["legendTitles"], *chart["legendLabels"]]:
            assert not text.endswith("…"), f"{where}: legend text cut: {text!r}"


def _real_names() -> list[str]:
    with (SAMPLE_BUNDLE / "people.csv").open(encoding="utf-8") as people:
        return [row["name"] for row in csv.DictReader(people)]


def _presenter_cases() -> list[object]:
    return [
        pytest.param(entry.key, size, id=f"{entry.key}-{size}")
        for entry in PAGES
        for size in PRESENTER_SIZES
    ]


@pytest.mark.parametrize(("key", "size"), _presenter_cases())
def test_presenter_reads_from_the_back_of_the_room(
    app: RunningApp, browser, screenshot, key: str, size: str
) -> None:  # type: ignore[no-untyped-def]
    width, height = PRESENTER_SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        path = page_path(key)
        page.goto(f"{app.url}{path}{'&' if '?' in path else '?'}{ROLES['presenter']}")
        _settle(page)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        screenshot(page, f"glance-present-{key}-{size}")
        shown = page.locator("body").inner_text() + "\n".join(
            text["text"] for chart in page.evaluate(READ_CHARTS) for text in chart["texts"]
        )
        named = [name for name in _real_names() if name in shown]
        assert not named, f"{key} at {size} while presenting shows {named[:3]}"
        _assert_charts_read_from_the_back(page, f"{key} at {size}")
        # Tables too (#15): a grid's cells and headers at 16 px or more.
        small = [sizes for sizes in page.evaluate(READ_GRID_FONTS) if min(sizes) < 16]
        assert not small, f"{key} at {size}: grid text at {small} px while presenting"
        # Streamlit scrolls inside its own pane, so a screenshot holds one screenful:
        # the whole page goes in a second one, taken on a screen as tall as the page.
        tall = page.evaluate(FULL_HEIGHT)
        page.set_viewport_size({"width": width, "height": max(height, min(tall, 8000))})
        _settle(page)
        screenshot(page, f"glance-present-{key}-{size}-whole")
    finally:
        context.close()

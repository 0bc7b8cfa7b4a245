"""Untrusted text stays text: no payload from a bundle or the URL is live markdown anywhere.

Every page is opened as every kind of viewer on a program whose every text
cell and ID carries markdown, HTML, image and link payloads
(``tests/hostile.py``), then with payloads in every URL parameter.  Every
string of every element that Streamlit renders as markdown (bodies of
titles, captions, markdown and alerts; labels and ``help`` of widgets,
metrics, expanders, tabs and buttons; radio and pills options; column
configuration) must hold each payload escaped.  Only elements that show
text as it is are left out: ``st.text``, ``st.code``, ``st.json``, table
cells, chart data, and the options and values of selectboxes, multiselects
and text inputs (checked in Chromium to show escapes literally).

The browser test (tests/browser/test_untrusted_text.py) checks the page
Chromium actually draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from components.navigation import PAGES
from tests.app.conftest import open_as
from tests.hostile import HOSTILE_QUERY, as_read, fill_hostile, hostile_id, live_payloads, tags_in

VIEWERS = [("sponsor", False), ("lead", False), ("admin", False), ("admin", True)]
THEME_SECTIONS = ("Overview", "Breakdowns", "Quotes", "Codebook", "Hand-coding", "Discovered")
PAIRING = hostile_id("pr-001", "pairing_id", 0)  # the sample's first pairing, renamed

# Fields that hold no markdown: ids, keys and URLs, raw data, and what the
# browser shows as it is (the values and options of text and select widgets).
_PLAIN_FIELDS = frozenset(
    {
        "id",
        "form_id",
        "key",
        "default",
        "value",
        "raw_value",
        "placeholder",
        "arrow_data",
        "data",
        "spec",
        "datasets",
        "page",
        "page_script_hash",
        "query_string",
        "url",
        "icon",
    }
)
_PLAIN_ELEMENTS = frozenset({"text", "code", "json", "vega_lite_chart", "arrow_vega_lite_chart"})
# Their options are drawn as plain text (radio and pills options are markdown).
_PLAIN_OPTIONS = frozenset({"selectbox", "multiselect"})


def _strings(message: Message, path: str) -> Iterator[tuple[str, str]]:
    for field, value in message.ListFields():
        if field.name in _PLAIN_FIELDS:
            continue
        repeated = not isinstance(value, (str, bytes, Message)) and hasattr(value, "__iter__")
        values = list(value) if repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item, f"{path}.{field.name}")
            elif isinstance(item, str):
                yield f"{path}.{field.name}", item


def _nodes(node: object) -> Iterator[object]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def markdown_sources(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, source) for every string the page hands to Streamlit's markdown."""
    for node in _nodes(at._tree):
        kind = str(getattr(node, "type", ""))
        proto = getattr(node, "proto", None)
        if kind in _PLAIN_ELEMENTS or not isinstance(proto, Message):
            continue
        for where, source in _strings(proto, kind):
            if kind in _PLAIN_OPTIONS and where == f"{kind}.options":
                continue
            yield where, source


def _runs(page_key: str) -> list[dict[str, str]]:
    """The query strings one page is opened with (a run per themes tab)."""
    if page_key == "pairing":
        return [{"pairing": PAIRING}]
    if page_key == "themes":
        return [{"section": section} for section in THEME_SECTIONS]
    return [{}]


class Findings:
    """What the runs found: live payloads (the failures) and the fields that reached markdown."""

    def __init__(self) -> None:
        self.live: list[str] = []
        self.reached: set[str] = set()

    def check(self, at: AppTest, label: str) -> None:
        for where, source in markdown_sources(at):
            found = sorted(set(live_payloads(source)))
            if found:
                self.live.append(f"{label} {where}: {found} live in {source[:120]!r}")
            self.reached |= tags_in(as_read(source))


@pytest.fixture
def hostile_program(app_database: Callable[..., str], tmp_path: Path) -> str:
    return app_database(lambda engine: fill_hostile(engine, tmp_path / "bundle"))


# Fields whose text a page is known to put into markdown (escaped): if one
# stops arriving there, this test would no longer be testing its escaping.
BUNDLE_FIELDS_IN_MARKDOWN = {
    "people.name",  # pairing heading, rebalancing cards
    "people.title",  # the pairing's people
    "people.division",
    "people.function",
    "people.geography",
    "cohorts.name",  # the learning contract's caption
    "flag_id",  # flag expanders on the stalled and pairing pages
    "pairing_id",  # rebalancing cards
}


def test_no_bundle_text_is_live_on_any_page_for_any_viewer(hostile_program: str) -> None:
    findings = Findings()
    for entry in PAGES:
        for role, present in VIEWERS:
            for query in _runs(entry.key):
                at = open_as(entry.script, role, present=present, query=query)
                findings.check(at, f"{entry.key} as {role}{' presenting' if present else ''}")
    assert not findings.live, "\n".join(findings.live)
    assert findings.reached >= BUNDLE_FIELDS_IN_MARKDOWN, findings.reached


# URL values that a page shows back: values that do not parse ("Ignored in
# the link") and chart drill-downs ("From a chart").
URL_KEYS_IN_MARKDOWN = {"url.type", "url.kind", "url.status", "url.mdiv", "url.ediv", "url.gap"}


def test_no_url_parameter_is_live_on_any_page_for_any_viewer(hostile_program: str) -> None:
    findings = Findings()
    for entry in PAGES:
        for role, present in VIEWERS:
            query = dict(HOSTILE_QUERY)
            if present:
                query["present"] = "1"
            at = open_as(entry.script, role, present=present, query=query)
            findings.check(at, f"{entry.key} as {role}{' presenting' if present else ''}")
    assert not findings.live, "\n".join(findings.live)
    assert findings.reached >= URL_KEYS_IN_MARKDOWN, findings.reached

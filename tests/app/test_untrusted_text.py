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
from sqlalchemy import Engine, select, update
from streamlit.testing.v1 import AppTest

from components.ui.navigation import PAGES
from tandem.program.db import get_engine
from tandem.program.models import Flag
from tests.app.conftest import every_tab, open_as
from tests.hostile import (
    ALL_PAYLOADS,
    HOSTILE_QUERY,
    as_read,
    fill_hostile,
    hostile_id,
    live_payloads,
    tag,
    tags_in,
)

VIEWERS = [("sponsor", False), ("lead", False), ("admin", False), ("admin", True)]
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
    """The query strings one page is opened with (its tabs are opened by ``every_tab``)."""
    if page_key == "pairing":
        return [{"pairing": PAIRING}]
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
                for tab in every_tab(at):
                    where = f"{entry.key}{tab} as {role}{' presenting' if present else ''}"
                    findings.check(at, where)
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


def _submit(at: AppTest, form_key: str) -> None:
    next(b for b in at.button if b.proto.form_id == form_key).click().run()


def _first_open_flag(engine: Engine) -> tuple[str, str, int]:
    with engine.connect() as connection:
        flag_id, pairing_id, version = connection.execute(
            select(Flag.flag_id, Flag.pairing_id, Flag.version)
            .where(Flag.status != "resolved")
            .order_by(Flag.flag_id)
        ).first()
    return str(flag_id), str(pairing_id), int(version)


def test_messages_after_a_write_keep_bundle_and_typed_text_inert(hostile_program: str) -> None:
    """A save's notice quotes IDs from the bundle and what the viewer typed: escaped too."""
    engine = get_engine(hostile_program)
    findings = Findings()
    typed = ALL_PAYLOADS[:190]
    flag_id, pairing_id, version = _first_open_flag(engine)

    # Stalled pairings: save a flag whose id is a payload, then a stale save of it.
    at = open_as("pages/pairing.py", "lead", query={"pairing": pairing_id})
    key = f"detail_edit_{flag_id}_v{version}"
    at.text_input(key=f"{key}_owner").input(typed)
    _submit(at, key)
    assert any(tag("flag_id") in as_read(s.value) for s in at.success), "no saved notice"
    findings.check(at, "pairing after saving a flag")
    with engine.begin() as connection:  # another lead saves in between
        connection.execute(
            update(Flag).where(Flag.flag_id == flag_id).values(version=Flag.version + 5)
        )
    key = f"detail_edit_{flag_id}_v{version + 1}"
    at.text_input(key=f"{key}_owner").input("someone else")
    _submit(at, key)
    assert any("was changed" in as_read(w.value) for w in at.warning), "no conflict shown"
    findings.check(at, "pairing after a stale flag save")

    # Feedback themes: a theme named with payloads is added, then added again.
    for attempt in ("added", "already exists"):
        at = open_as("pages/themes.py", "lead", query={"section": "Codebook"})
        at.text_input(key="cb_new_name").set_value(typed)
        at.button(key="cb_add").click().run()
        notices = [as_read(e.value) for e in [*at.success, *at.error]]
        assert any(attempt in notice for notice in notices), notices
        findings.check(at, f"themes after a theme was {attempt}")

    # Rebalancing: accepting a move names pairings whose ids are payloads.
    at = open_as("pages/rebalancing.py", "admin")
    accept = next(b for b in at.button if str(b.key or "").startswith("rb_accept_"))
    accept.click().run()
    assert any(tag("pairing_id") in as_read(s.value) for s in at.success), "no accepted notice"
    findings.check(at, "rebalancing after an accept")

    # Admin: an e-mail that is a payload is refused and quoted.
    at = open_as("pages/admin.py", "admin", query={"section": "Users and roles"})
    at.text_input(key="admin_user_email_new").set_value(typed)
    at.button(key="admin_user_save").click().run()
    assert any("not saved" in as_read(e.value) for e in at.error), "no refusal shown"
    findings.check(at, "admin after a refused user")
    assert not findings.live, "\n".join(findings.live)


def _signed_in_box() -> None:
    from components.ui.viewer import viewer_controls
    from tandem.access import Viewer
    from tests.hostile import ALL_PAYLOADS

    viewer_controls(Viewer(role="lead", email="lead@example.com", name=ALL_PAYLOADS[:200]))


def test_a_signed_in_name_is_shown_escaped() -> None:
    """The sidebar's "Signed in as": the display name an admin typed (sign-in configured)."""
    at = AppTest.from_function(_signed_in_box).run()
    assert not at.exception
    sources = [source for _, source in markdown_sources(at)]
    assert any("Signed in as" in source and "PWNED" in source for source in sources), sources
    assert [live for source in sources for live in live_payloads(source)] == []

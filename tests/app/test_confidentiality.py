"""Confidentiality on every screen (issue #14): every page as every role, scoped and not,
presenting and not, over a program built to leak.

The program has two cohorts; names that are also words ("Will Long", "Grace May");
shareable notes that name the pair; private and program notes whose text carries a
marker; flags. Each page is run through AppTest and *everything* its elements would
send to the browser is collected — markdown, captions, labels, options, table cells,
chart data (decoded from Arrow) — then searched for what that viewer must not see:

- private note text: never, for anyone;
- a scoped lead (cohort Alpha only): no pairing id, person name, cohort name or note
  of cohort Bravo;
- presenting: no real name, no person id, no program note, no private word.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

import components.ui.navigation as navigation
from components.ui import viewer as viewer_module
from components.ui.navigation import PAGES
from tandem.access import Viewer
from tandem.program.bundle import import_bundle
from tandem.refresh import refresh_all
from tests.app.conftest import every_tab, open_as
from tests.leaky_program import (
    ALPHA_PAIRINGS,
    ALPHA_PEOPLE,
    BRAVO_COHORT_NAME,
    BRAVO_MARK,
    BRAVO_PAIRINGS,
    BRAVO_PEOPLE,
    PRIVATE_MARK,
    PROGRAM_MARK,
    TODAY,
    UNMISTAKABLE,
    write_bundle,
)
from tests.sent import message_texts


@pytest.fixture
def leaky_program(app_database, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    def fill(engine: Any) -> None:
        import_bundle(engine, write_bundle(tmp_path / "bundle"), actor="test")
        refresh_all(engine, today=TODAY)

    return app_database(fill)  # type: ignore[no-any-return]


# --- everything a page sends ----------------------------------------------------------


def everything_sent(at: AppTest) -> str:
    """Every string and table cell in the page's element protos (what reaches a browser)."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        for message in [proto] if isinstance(proto, Message) else (proto or []):
            texts.extend(message_texts(message))
        children = getattr(node, "children", None) or {}
        for child in children.values():
            walk(child)

    walk(at._tree)
    return "\n".join(texts)


# --- viewers ----------------------------------------------------------------------------


VIEWERS = {
    "sponsor": Viewer(role="sponsor", email="sponsor@example.com"),
    "lead": Viewer(role="lead", email="lead@example.com"),
    "scoped lead": Viewer(role="lead", email="alpha@example.com", cohorts=("c-alpha",)),
    "admin": Viewer(role="admin", email="admin@example.com"),
}


def _open(
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    page: str,
    *,
    present: bool,
    query: dict[str, str] | None = None,
) -> AppTest:
    """Run the app as ``who`` (a signed-in viewer, as st.login would resolve it)."""

    def resolve(engine: Any) -> Viewer:
        return replace(VIEWERS[who], presenting=viewer_module.presenting())

    monkeypatch.setattr(navigation, "resolve_viewer", resolve)
    return open_as(page, VIEWERS[who].role, present=present, query=query, timeout=90)


def _forbidden(who: str, present: bool) -> dict[str, str]:
    """What ``who`` must not be sent, each with why."""
    words = {PRIVATE_MARK: "private note text"}
    if who == "scoped lead":
        words |= {pid: "another cohort's pairing" for pid in BRAVO_PAIRINGS}
        words |= {name: "another cohort's person" for name in BRAVO_PEOPLE.values()}
        words |= {BRAVO_COHORT_NAME: "another cohort's name", BRAVO_MARK: "another cohort's note"}
    if present:
        people = {**ALPHA_PEOPLE, **BRAVO_PEOPLE}
        words |= {name: "a real name in presenter mode" for name in people.values()}
        words |= {part: "a name part in presenter mode" for part in UNMISTAKABLE}
        words |= {pid: "a person id in presenter mode" for pid in people}
        words |= {PROGRAM_MARK: "a program note in presenter mode"}
    return words


PAGE_SCRIPTS = [entry.script for entry in PAGES if entry.key not in ("pairing", "admin")]


def _check(at: AppTest, who: str, present: bool, where: str) -> None:
    """Nothing ``who`` may not see in what the page sent, in each of its tabs."""
    for tab in every_tab(at):
        sent = everything_sent(at)
        leaks = {word: why for word, why in _forbidden(who, present).items() if word in sent}
        assert not leaks, f"{where}{tab} as {who}{' presenting' if present else ''}: {leaks}"


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("who", list(VIEWERS))
def test_no_page_sends_what_its_viewer_may_not_see(
    leaky_program: str, monkeypatch: pytest.MonkeyPatch, who: str, present: bool
) -> None:
    for script in PAGE_SCRIPTS + (["pages/admin.py"] if who == "admin" else []):
        at = _open(monkeypatch, who, script, present=present)
        _check(at, who, present, script)
    for pairing_id in [*ALPHA_PAIRINGS, *BRAVO_PAIRINGS]:
        at = _open(
            monkeypatch, who, "pages/pairing.py", present=present, query={"pairing": pairing_id}
        )
        _check(at, who, present, f"pairing {pairing_id}")


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("who", list(VIEWERS))
def test_the_overview_sends_nothing_its_viewer_may_not_see(
    leaky_program: str, monkeypatch: pytest.MonkeyPatch, who: str, present: bool
) -> None:
    """The Overview's charts and lists (health, themes, the pairings that need a lead)."""
    at = _open(monkeypatch, who, "pages/overview.py", present=present)
    _check(at, who, present, "pages/overview.py")
    assert at.metric and at.subheader  # the page drew its sections, not an early stop


def test_a_scoped_lead_gets_no_story_of_another_cohort(
    leaky_program: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _open(
        monkeypatch,
        "scoped lead",
        "pages/pairing.py",
        present=False,
        query={"pairing": "pr-bravo-1"},
    )
    assert any("not in your cohorts" in w.value for w in other.warning)
    assert not other.expander  # no flag forms: nothing to raise a flag with
    own = _open(
        monkeypatch,
        "scoped lead",
        "pages/pairing.py",
        present=False,
        query={"pairing": "pr-alpha-1"},
    )
    sent = everything_sent(own)
    assert "Will Long" in sent and "Grace May" in sent  # the lead's own pairing tells its story
    assert "1 private note stays within the pair" in sent


def test_the_check_would_catch_a_leak(leaky_program: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector sees table cells and chart data, not only visible text."""
    at = _open(
        monkeypatch, "admin", "pages/pairing.py", present=False, query={"pairing": "pr-bravo-1"}
    )
    sent = everything_sent(at)
    assert PROGRAM_MARK in sent  # a program note, only in the notes grid's cells
    assert "Priya Natarajan" in sent and BRAVO_MARK in sent
    portfolio = everything_sent(_open(monkeypatch, "lead", "pages/portfolio.py", present=False))
    assert "pr-bravo-1" in portfolio or "Priya Natarajan" in portfolio


# --- the Matching page: sign-ups waiting in both cohorts ------------------------------


def _sign_ups(bundle: Path) -> None:
    """Everyone of both cohorts signed up; the pairs are ended so all of them wait."""
    rows = ["cohort_id,person_id,role,joined_on"]
    for cohort, table in (("c-alpha", ALPHA_PAIRINGS), ("c-bravo", BRAVO_PAIRINGS)):
        for mentor, mentee in table.values():
            rows += [f"{cohort},{mentor},mentor,", f"{cohort},{mentee},mentee,"]
    (bundle / "participants.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture
def matching_program(app_database, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    def fill(engine: Any) -> None:
        bundle = write_bundle(tmp_path / "bundle")
        _sign_ups(bundle)
        import_bundle(engine, bundle, actor="test")
        refresh_all(engine, today=TODAY)

    return app_database(fill)  # type: ignore[no-any-return]


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("who", list(VIEWERS))
def test_matching_page_sends_nothing_its_viewer_may_not_see(
    matching_program: str, monkeypatch: pytest.MonkeyPatch, who: str, present: bool
) -> None:
    at = _open(monkeypatch, who, "pages/matching.py", present=present)
    _check(at, who, present, "pages/matching.py")
    if who == "sponsor":
        assert any("not open to the sponsor role" in e.value for e in at.error)
        return
    # The check has something to find: the page lists the cohort's sign-ups.
    sign_ups = [frame.value for frame in at.dataframe if "Signed up as" in frame.value.columns]
    assert sign_ups and len(sign_ups[0]) == 2 * len(ALPHA_PAIRINGS)  # Alpha comes first
    if not present and who != "scoped lead":
        assert "Will Long" in everything_sent(at)

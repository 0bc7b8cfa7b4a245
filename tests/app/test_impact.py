"""The Impact page: estimates side by side, verdicts in words, curves, no names, scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components import navigation
from components import viewer as viewer_module
from tandem.access import Viewer
from tests.app.conftest import APP, open_as, shown_text
from tests.impact_program import career_program

PAGE = "pages/impact.py"


def no_events(engine: Any) -> None:
    career_program(engine, events=False)


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
def test_sponsor_sees_naive_and_adjusted_with_verdicts(
    app_database: Callable[..., str], present: bool
) -> None:
    app_database(career_program)
    at = open_as(PAGE, "sponsor", present=present)
    text = shown_text(at)
    assert [h.value for h in at.subheader] == ["Mentees", "Mentors", "Retention over time"]
    table = at.dataframe[0].value
    assert {"Naive", "Adjusted", "95 % interval", "Unmatched"} <= set(table.columns)
    assert "Mentees were promoted more often than comparable colleagues" in text
    assert "No detectable difference" in text
    assert "motivation" in text and "not proof" in text
    assert len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart")) >= 1
    # Aggregate only: no person, id or raw value anywhere.
    for word in ("Person e", "e001", "None", "nan", "NaT"):
        assert word not in text


def test_one_cohort_and_a_longer_window(app_database: Callable[..., str]) -> None:
    app_database(career_program)
    at = open_as(PAGE, "sponsor")
    at.selectbox(key="impact_cohort").set_value("c-b").run()
    at.select_slider(key="impact_months").set_value(24).run()
    assert not at.exception
    text = shown_text(at)
    assert "Leaders 2025" in text and "24 months" in text
    assert "Leaders 2024" not in text


def test_without_career_events_the_page_says_how_to_add_them(
    app_database: Callable[..., str],
) -> None:
    app_database(no_events)
    at = open_as(PAGE, "sponsor")
    assert "events.csv" in at.info[0].value.replace("\\", "")
    assert not at.dataframe


def test_a_lead_chooses_among_their_cohorts_only(
    app_database: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app_database(career_program)
    lead = Viewer(role="lead", email="b@example.com", cohorts=("c-b",))
    monkeypatch.setattr(
        navigation,
        "resolve_viewer",
        lambda engine: replace(lead, presenting=viewer_module.presenting()),
    )
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    chooser = at.selectbox(key="impact_cohort")
    assert chooser.options == ["All your cohorts", "Leaders 2025"]
    assert "Leaders 2024" not in shown_text(at)

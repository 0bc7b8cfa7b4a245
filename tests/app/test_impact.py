"""The Impact page: estimates side by side, verdicts in words, curves, no names, scope."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from components.ui import navigation
from components.ui import viewer as viewer_module
from tandem.access import Viewer
from tests.app.conftest import APP, open_as, shown_text
from tests.impact_program import breakdown_program, career_program

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
    assert [h.value for h in at.subheader] == [
        "Mentees",
        "Mentors",
        "Breakdown",
        "Retention over time",
    ]
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


BRIEFING = "Briefing for a deck (PDF)"


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
def test_breakdown_shows_the_planted_effect_and_suppresses_small_rows(
    app_database: Callable[..., str], present: bool
) -> None:
    app_database(breakdown_program)
    at = open_as(PAGE, "sponsor", present=present)
    by = at.get("button_group")[0]
    assert [o.content for o in by.proto.options] == [
        "Cohort",
        "Pairing kind",
        "Level band",
        "Group",
    ]
    at.button_group(key="impact_breakdown_by").set_value("kind").run()
    assert not at.exception
    table = at.dataframe[-1].value
    rows = {(r["Who"], r["Pairing kind"]): r for r in table.to_dict("records")}
    assert rows[("Mentees", "Traditional")]["Verdict"] == "Promoted more"
    assert rows[("Mentees", "Reverse")]["Verdict"] == "No detectable difference"
    peer = rows[("Mentees", "Peer")]
    assert peer["Verdict"] == "Suppressed (fewer than 5)"
    assert {peer[c] for c in ("Participants", "Naive", "Adjusted", "95 % interval")} == {"—"}
    text = shown_text(at)
    assert "are suppressed" in text and "crosses the zero line" in text
    # Groups: a group of three is pooled, never named.
    at.button_group(key="impact_breakdown_by").set_value("group").run()
    table = at.dataframe[-1].value
    assert "Smaller groups (suppressed)" in set(table["Group"])
    assert "Tiny" not in shown_text(at)
    for word in ("Person k", "k001", "None", "nan", "NaT"):
        assert word not in shown_text(at)


def test_the_briefing_is_one_page_of_intervals_curves_and_caveats(
    app_database: Callable[..., str], downloads: dict[str, Callable[[], Any]]
) -> None:
    app_database(breakdown_program)
    at = open_as(PAGE, "sponsor")
    assert BRIEFING in [b.proto.label for b in at.get("download_button")]
    reader = PdfReader(io.BytesIO(downloads["briefing_impact"]()))
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    flat = " ".join(text.split())
    assert len(reader.pages) == 1
    assert "Mentees: promotion, adjusted" in flat and "95 % interval" in flat
    assert "vs previous period" not in flat
    assert "no detectable difference" in flat and "promoted more" in flat
    assert "Retention over time" in flat and "not proof" in flat
    assert "Person" not in flat and "@example.com" not in flat and "Tiny" not in flat


def test_no_briefing_without_career_events(app_database: Callable[..., str]) -> None:
    app_database(no_events)
    at = open_as(PAGE, "sponsor")
    assert BRIEFING not in [b.proto.label for b in at.get("download_button")]


def hostile_breakdown(engine: Any) -> None:
    """The breakdown program with payloads for a cohort name and a group name."""
    from sqlalchemy import update

    from tandem.program.models import Cohort, Person
    from tests.hostile import ALL_PAYLOADS

    breakdown_program(engine)
    with engine.begin() as connection:
        connection.execute(update(Cohort).values(name=ALL_PAYLOADS[:190]))
        connection.execute(
            update(Person).where(Person.group_name == "Alpha").values(group_name=ALL_PAYLOADS[:190])
        )


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
def test_hostile_cohort_and_group_names_stay_text_in_the_breakdown(
    app_database: Callable[..., str], present: bool
) -> None:
    from tests.hostile import live_payloads

    app_database(hostile_breakdown)
    for dimension in ("cohort", "group"):
        at = open_as(PAGE, "sponsor", present=present)
        at.button_group(key="impact_breakdown_by").set_value(dimension).run()
        assert not at.exception
        shown = [
            *(m.value for m in at.markdown),
            *(c.value for c in at.caption),
            *(h.value for h in at.subheader),
            *(e.value for e in at.info),
        ]
        live = [found for source in shown for found in live_payloads(str(source))]
        assert not live, (dimension, live)
        # The name is shown, as text, in the table.
        assert any("**PWNED**" in str(v) for v in at.dataframe[-1].value.iloc[:, 1])

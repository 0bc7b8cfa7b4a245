"""Every sponsor page runs without exception on empty, small, sample and edge-case data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tandem.program.bulk import upsert
from tandem.program.bundle import import_bundle
from tandem.program.models import Cohort, Pairing
from tests.app.conftest import APP, open_as, run_page, shown_text
from tests.factories import small_program

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
PAGES = [
    "pages/overview.py",
    "pages/portfolio.py",
    "pages/what_works.py",
    "pages/learning_flows.py",
    "pages/equity.py",
    "pages/milestones.py",
    "pages/pairing.py",
    "pages/impact.py",
]


def sample(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)


def edge_cases(engine: Engine) -> None:
    """Unicode, a very long objective, a cohort without pairings, no check-ins."""
    small_program(engine)
    with engine.begin() as connection:
        upsert(
            connection,
            Cohort.__table__,  # type: ignore[arg-type]
            [
                {
                    "cohort_id": "empty",
                    "name": "Wave with nobody yet",
                    "program_type": "peer",
                    "start_date": dt.date(2026, 5, 1),
                    "end_date": None,
                    "sponsor_id": None,
                }
            ],
        )
        connection.execute(
            Pairing.__table__.update()
            .where(Pairing.pairing_id == "x2")
            .values(objective="Grow <b>influence</b> " * 400)
        )


DATASETS = {"empty": None, "small": small_program, "sample": sample, "edge": edge_cases}


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(app_database, page: str, dataset: str) -> None:  # type: ignore[no-untyped-def]
    app_database(DATASETS[dataset])
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]


def test_filter_with_no_rows_shows_an_empty_state(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    # The session's filters come from the link it starts with (the Overview has the bar too).
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["kind"] = "peer"
    at.run()
    at.switch_page("pages/portfolio.py").run()
    assert not at.exception
    assert any("No pairings match these filters" in info.value for info in at.info)


def test_portfolio_reads_its_filters_from_the_url(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    # The session's filters come from the link it starts with (the Overview has the bar too).
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["kind"] = "reverse"
    at.run()
    at.switch_page("pages/portfolio.py").run()
    grid = at.dataframe[0].value
    assert list(grid["Mentor"]) == ["Nguyễn Thị Hoa"]
    assert at.multiselect(key="filter_kinds").value == ["reverse"]


def open_pairing(pairing_id: str, role: str):  # type: ignore[no-untyped-def]
    return open_as("pages/pairing.py", role, query={"pairing": pairing_id})


def test_sponsor_sees_the_story_without_private_notes(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    shown = shown_text(open_pairing("x2", "sponsor"))
    assert "Nguyễn Thị Hoa" in shown
    assert "1 private note stays within the pair" in shown
    assert "We keep cancelling" not in shown


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_no_role_reads_the_pairs_private_notes(app_database, role: str) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = open_pairing("x2", role)
    shown = shown_text(at)
    assert "1 private note stays within the pair" in shown
    assert "We keep cancelling" not in shown
    assert not at.markdown or all("<script>" not in m.value for m in at.markdown)


def test_unknown_pairing_gets_a_way_back(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = run_page()
    at.query_params["pairing"] = "does-not-exist"
    at.switch_page("pages/pairing.py").run()
    assert not at.exception
    assert any("Choose a pairing" in info.value for info in at.info)


def test_what_works_pools_the_sample_bundles_small_pairing_kinds(app_database) -> None:  # type: ignore[no-untyped-def]
    """#15: on the sample bundle 3 of 4 pairing kinds are under the threshold; the chart
    shows them together as "Other kinds" and the caption says so."""
    app_database(sample)
    at = open_as("pages/what_works.py", "sponsor")
    captions = [c.value for c in at.caption if c.value.startswith("By pairing kind")]
    assert captions, [c.value for c in at.caption]
    assert "3 of 4 groups cover fewer than 5 pairings each" in captions[0].replace("\\", "")
    assert "“Other kinds” (5 pairings)" in captions[0].replace("\\", "")


def test_a_completion_breakdown_that_is_all_hidden_says_so_in_words(app_database) -> None:  # type: ignore[no-untyped-def]
    from tandem.access.privacy import SETTINGS_KEY
    from tandem.program.db import get_engine
    from tandem.program.settings import put_setting

    engine = get_engine(app_database(sample))
    put_setting(engine, SETTINGS_KEY, {"threshold": 100}, "admin@example.com")
    at = open_as("pages/milestones.py", "sponsor")
    assert not at.exception, [e.value for e in at.exception]
    text = shown_text(at)
    for label in ("cohort", "pairing kind", "mentee division"):
        assert f"Every {label} has fewer than 100 pairings with a milestone due" in text
    # No chart made only of "hidden" labels.
    assert not [c for c in at.get("vega_lite_chart") if "Done of due" in c.proto.spec]

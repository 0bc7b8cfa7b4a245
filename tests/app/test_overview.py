"""The Overview page through AppTest, on both backends."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tandem.health import refresh_health
from tandem.program.db import get_engine
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import RUNNING_STATUSES, Pairing
from tests.app.conftest import open_as, run_page
from tests.factories import small_program


def metric_values(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {metric.label: metric.value for metric in at.metric}


def test_overview_shows_program_numbers(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = run_page()
    assert not at.exception
    values = metric_values(at)
    assert list(values) == [
        "Running pairings",
        "Meetings held",
        "Milestones done",
        "Mean rating",
        "Stalled",
        "At risk",
    ]
    assert values["Running pairings"] == "2"
    assert values["Stalled"] == "0"
    cohorts = at.dataframe[-1].value
    assert cohorts["Cohort"].tolist() == ["Executive Pairings 2026"]
    assert cohorts["Running"].tolist() == [2]
    assert any("compared with" in caption.value for caption in at.caption)


def test_overview_follows_the_filter_bar(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = open_as("pages/overview.py", "sponsor", query={"kind": "reverse"})
    assert metric_values(at)["Running pairings"] == "1"
    assert at.dataframe[-1].value["Pairings"].tolist() == [1]
    assert at.sidebar.subheader[0].value == "Filters"


def test_empty_database_gets_a_friendly_start(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(None)
    at = run_page()
    assert not at.exception
    assert any("No program here yet" in info.value for info in at.info)
    assert not any("python -m" in info.value for info in at.info)
    assert len(at.dataframe) == 0


def test_unmigrated_database_says_what_to_run(db_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", db_url)
    at = run_page()
    assert not at.exception
    assert any("python -m tandem migrate" in error.value for error in at.error)


def test_unreachable_database_has_no_traceback(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = run_page()
    assert not at.exception
    assert any("cannot be reached" in error.value for error in at.error)


# --- one definition of each count -----------------------------------------------------


def _demo(engine: Any) -> None:
    generate_demo = pytest.importorskip("tandem.program.demo").generate_demo
    generate_demo(engine, pairings=120, seed=11)
    refresh_health(engine)


def _briefing_figure(pdf: bytes, label: str) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    found = re.search(re.escape(label) + r"\s+([\d,]+)", " ".join(text.split()))
    assert found, f"{label!r} not in the briefing: {text[:400]}"
    return found.group(1)


def test_overview_portfolio_stalled_and_briefings_agree_on_the_demo(
    app_database, downloads
) -> None:  # type: ignore[no-untyped-def]
    url = app_database(_demo)
    with get_engine(url).connect() as connection:
        running = connection.execute(
            select(func.count()).where(Pairing.status.in_(RUNNING_STATUSES))
        ).scalar_one()
        stalled = connection.execute(
            select(func.count()).select_from(PairingHealth).where(PairingHealth.stalled.is_(True))
        ).scalar_one()
    overview = metric_values(open_as("pages/overview.py", "lead"))
    portfolio = metric_values(open_as("pages/portfolio.py", "lead"))
    queue = metric_values(open_as("pages/stalled.py", "lead"))
    assert overview["Running pairings"] == portfolio["Running pairings"] == f"{running:,}"
    assert overview["Stalled"] == queue["Stalled"] == f"{stalled:,}"
    assert overview["At risk"] == queue["At risk"]
    for key in ("briefing_portfolio", "briefing_overview"):
        assert _briefing_figure(downloads[key](), "Running pairings") == f"{running:,}"


def test_a_filter_chosen_on_the_overview_follows_to_the_next_page(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = open_as("pages/overview.py", "sponsor")
    at.multiselect(key="filter_kinds").set_value(["reverse"]).run()
    assert metric_values(at)["Running pairings"] == "1"
    at.switch_page("pages/portfolio.py").run()
    assert not at.exception
    # The widget shows the filter in force, not "All" (Streamlit resets it per page).
    assert at.multiselect(key="filter_kinds").value == ["reverse"]
    assert at.dataframe[0].value["Mentor"].tolist() == ["Nguyễn Thị Hoa"]
    clear = next(b for b in at.button if b.label == "Clear filters")
    clear.click().run()
    assert at.multiselect(key="filter_kinds").value == []
    assert len(at.dataframe[0].value) == 2


SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"


def _imported_sample(engine: Any) -> None:
    """The sample bundle as `python -m tandem import` leaves it: imported, then refreshed."""
    from tandem.program.bundle import import_bundle
    from tandem.refresh import refresh_all

    import_bundle(engine, SAMPLE_BUNDLE)
    refresh_all(engine)


def test_the_sample_bundles_health_is_charted_not_called_missing(app_database) -> None:  # type: ignore[no-untyped-def]
    """#15: the sample's running pairings fall in 10-point bands of fewer than 5 each;
    the Overview joins bands instead of saying there are no scored pairings."""
    app_database(_imported_sample)
    at = open_as("pages/overview.py", "sponsor")
    captions = [caption.value for caption in at.caption]
    assert not any("No scored pairings" in caption for caption in captions)
    health = [c for c in captions if "by health bands joined until each holds 5" in c]
    # The chart counts the pairings the headline calls running, no others.
    running = metric_values(at)["Running pairings"]
    assert health and health[0].startswith(f"{running} scored pairings")


def test_filters_too_narrow_for_a_health_chart_say_so(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(_imported_sample)
    at = open_as("pages/overview.py", "sponsor", query={"kind": "reverse"})
    captions = " ".join(caption.value for caption in at.caption)
    assert "No scored pairings" not in captions
    assert "Fewer than 5 pairings under these filters have a health score" in captions

"""The Overview page through AppTest, on both backends."""

from __future__ import annotations

from tests.app.conftest import run_page
from tests.factories import small_program


def metric_values(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {metric.label: metric.value for metric in at.metric}


def test_overview_shows_program_numbers(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = run_page()
    assert not at.exception
    values = metric_values(at)
    assert values["People"] == "4"
    assert values["Cohorts"] == "1"
    assert values["Active pairings"] == "2"
    assert values["Milestones done"] == "50%"
    assert at.dataframe[0].value["Cohort"].tolist() == ["Executive Pairings 2026"]


def test_empty_database_gets_a_friendly_start(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(None)
    at = run_page()
    assert not at.exception
    assert any("No program here yet" in info.value for info in at.info)
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

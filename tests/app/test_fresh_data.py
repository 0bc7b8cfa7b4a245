"""A running dashboard never reads stale data, and an unchanged database is served from cache.

Writes here come from outside the app: another engine (a second replica), a
plain script and ``python -m tandem import`` in another process (the command
line).  The page that was already open shows them on its very next run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

import components.portfolio.overview
from tandem.program.db import get_engine, is_sqlite
from tests.app.conftest import run_page
from tests.data_versions import record_versions
from tests.factories import small_program

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_BUNDLE = PROJECT_ROOT / "data" / "sample_bundle"


def metric(at: AppTest, label: str) -> str:
    return str(next(m.value for m in at.metric if m.label == label))


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Replace ``owner.name`` with a wrapper that counts its calls (one list entry each)."""
    calls: list[int] = []
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


def test_a_write_by_another_replica_is_seen_on_the_next_run(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(small_program)
    at = run_page()
    assert metric(at, "Running pairings") == "2"
    replica = create_engine(url)  # its own pool: another process as far as the app knows
    try:
        with replica.begin() as connection:
            connection.execute(
                text("UPDATE pairings SET status = 'completed' WHERE pairing_id = 'x2'")
            )
    finally:
        replica.dispose()
    at.run()
    assert not at.exception
    assert metric(at, "Running pairings") == "1"


def test_a_write_by_another_process_is_seen_on_the_next_run(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(small_program)
    at = run_page()
    assert metric(at, "Running pairings") == "2"
    script = (
        "import sys\n"
        "from sqlalchemy import create_engine, text\n"
        "with create_engine(sys.argv[1]).begin() as connection:\n"
        "    connection.execute(text(\"UPDATE pairings SET status = 'ended'\"))\n"
    )
    subprocess.run([sys.executable, "-c", script, url], check=True, timeout=60)
    at.run()
    assert metric(at, "Running pairings") == "0"


def test_an_import_from_the_command_line_is_seen_on_the_next_run(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(None)
    at = run_page()
    assert any("No program here yet" in info.value for info in at.info)
    subprocess.run(
        [sys.executable, "-m", "tandem", "import", "--no-refresh", str(SAMPLE_BUNDLE)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        timeout=300,
    )
    at.run()
    assert not at.exception
    assert not any("No program here yet" in info.value for info in at.info)
    assert metric(at, "Running pairings") == "8"  # the bundle's active pairings
    assert at.dataframe[0].value["Cohort"].tolist()  # the imported cohorts are listed


def test_an_unchanged_database_is_served_from_cache(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    totals = counting(monkeypatch, components.portfolio.overview, "program_totals")
    cohorts = counting(monkeypatch, components.portfolio.overview, "pairings_by_cohort")
    versions = record_versions(monkeypatch)
    at = run_page()
    assert (len(totals), len(cohorts)) == (1, 1)
    assert len(versions) == 1  # one version query for the whole page
    at.run()
    at.run()
    assert not at.exception
    assert metric(at, "Running pairings") == "2"
    assert len(versions) == 3  # each run asked for the version once
    # Computed once per data version, served from the cache on every other run
    # (on PostgreSQL a write to another database on the server is a new version).
    assert len(totals) == len(cohorts) == len(set(versions))
    if is_sqlite(get_engine(os.environ["DATABASE_URL"])):
        assert len(set(versions)) == 1


def test_a_write_in_the_middle_of_a_run_is_seen_by_the_rest_of_it(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)

    def script() -> None:
        import os

        import streamlit as st
        from sqlalchemy import Engine, text

        from components.ui.cache import cached_query
        from tandem.program.db import get_engine

        @cached_query
        def active(engine: Engine) -> int:
            with engine.connect() as connection:
                statement = text("SELECT count(*) FROM pairings WHERE status = 'active'")
                return int(connection.execute(statement).scalar_one())

        engine = get_engine(os.environ["DATABASE_URL"])
        before = active(engine)
        pause = text("UPDATE pairings SET status = 'paused' WHERE pairing_id = 'x1'")
        with engine.begin() as connection:  # a write by the page itself, no cache cleared
            connection.execute(pause)
        st.text(f"{before} then {active(engine)}")

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text[0].value == "2 then 1"

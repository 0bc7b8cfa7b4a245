"""A real server shows a write made by the command line on the next run (issue #19)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PROJECT_ROOT, RunningApp, serve, wait_for_app
from tests.factories import small_program

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    yield from serve(tmp_path_factory, "fresh-data", small_program)


def test_an_import_from_the_command_line_shows_on_the_next_run(app: RunningApp, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(app.url)
    wait_for_app(page)
    metrics = page.locator("[data-testid='stMetric']")
    expect(metrics.filter(has_text="Running pairings")).to_contain_text("2")
    page.reload()  # a second run over unchanged data: served from the cache
    wait_for_app(page)
    expect(metrics.filter(has_text="Running pairings")).to_contain_text("2")
    subprocess.run(
        [sys.executable, "-m", "tandem", "import", "--no-refresh", "data/sample_bundle"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": app.database_url},
        check=True,
        capture_output=True,
        timeout=300,
    )
    page.reload()
    wait_for_app(page)
    # The bundle adds its 8 active pairings to the 2 already there.
    expect(metrics.filter(has_text="Running pairings")).to_contain_text("10")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

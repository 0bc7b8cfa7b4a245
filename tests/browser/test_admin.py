"""Admin in a real browser: upload a bundle through the file input, check, import once."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tandem.program import migrate
from tandem.program.db import dispose_engine, get_engine
from tandem.program.models import AuditEntry, Person
from tandem.program.schema import metadata
from tests.browser.conftest import RunningApp, start_app, stop_app, wait_for_app

pytestmark = pytest.mark.browser
SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
UPLOAD_INPUT = "[data-testid='stFileUploaderDropzoneInput']"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    folder = tmp_path_factory.mktemp("admin")
    url = f"sqlite:///{folder / 'tandem.db'}"
    engine = get_engine(url)
    migrate.upgrade(engine)
    metadata.create_all(engine)  # analytic tables the migration may not have yet
    dispose_engine(url)
    running = start_app(url, folder / "streamlit.log")
    yield running
    stop_app(running)


def scalar(url: str, statement) -> int:  # type: ignore[no-untyped-def]
    with get_engine(url).connect() as connection:
        return int(connection.execute(statement).scalar_one())


def data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_upload_check_then_import_once(  # type: ignore[no-untyped-def]
    app: RunningApp, page, screenshot, tmp_path: Path
) -> None:
    bundle = tmp_path / "sample_bundle.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for path in sorted(SAMPLE_BUNDLE.glob("*.csv")):
            archive.write(path, f"sample_bundle/{path.name}")
    total = sum(data_rows(path) for path in SAMPLE_BUNDLE.glob("*.csv"))

    page.goto(f"{app.url}/admin")
    wait_for_app(page)
    expect(page.get_by_role("tab", name="Import and export")).to_be_visible()
    page.locator(UPLOAD_INPUT).set_input_files(str(bundle))
    expect(page.get_by_text("The bundle is valid")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    counts = page.locator("[data-testid='stDataFrame']").first
    expect(counts).to_be_visible()
    # The check wrote nothing.
    assert scalar(app.database_url, select(func.count()).select_from(Person)) == 0
    screenshot(page, "admin-checked")

    # A double click must not import twice.
    page.get_by_role("button", name=f"Import {total:,} rows").dblclick()
    # The import and its refresh run in the script: wait for the run to end (a loaded
    # machine takes minutes), then the message must be there.
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='running']", state="attached"
    )
    wait_for_app(page, timeout=600_000)
    expect(page.get_by_text("Imported, and themes and health refreshed")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "admin-imported")
    assert scalar(app.database_url, select(func.count()).select_from(Person)) == data_rows(
        SAMPLE_BUNDLE / "people.csv"
    )
    imports = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import")
    assert scalar(app.database_url, imports) == 1

    # The export is generated on click and holds what was imported.
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("button", name="Export as a .zip bundle").click()
    exported = tmp_path / "exported.zip"
    download_info.value.save_as(exported)
    with zipfile.ZipFile(exported) as archive:
        people = archive.read("people.csv").decode("utf-8")
    assert len(people.strip().splitlines()) - 1 == data_rows(SAMPLE_BUNDLE / "people.csv")


def test_wrong_type_and_too_large_files_are_refused(  # type: ignore[no-untyped-def]
    app: RunningApp, page, screenshot, tmp_path: Path
) -> None:
    before = scalar(app.database_url, select(func.count()).select_from(AuditEntry))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a bundle")
    page.goto(f"{app.url}/admin")
    wait_for_app(page)
    page.locator(UPLOAD_INPUT).set_input_files(str(notes))
    uploader = page.locator("[data-testid='stFileUploader']")
    expect(uploader).to_contain_text("files are not allowed")

    big = tmp_path / "big.zip"
    with big.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)
    page.goto(f"{app.url}/admin")
    wait_for_app(page)
    page.locator(UPLOAD_INPUT).set_input_files(str(big))
    expect(uploader).to_contain_text("File must be 50.0MB or smaller")
    screenshot(page, "admin-too-large")
    expect(page.get_by_text("The bundle is valid")).to_have_count(0)
    assert scalar(app.database_url, select(func.count()).select_from(AuditEntry)) == before


def test_presenter_mode_is_read_only(app: RunningApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app.url}/admin?present=1")
    wait_for_app(page)
    expect(page.get_by_text("Importing is not available here in presenter mode.")).to_be_visible()
    expect(page.locator(UPLOAD_INPUT)).to_have_count(0)
    page.get_by_role("tab", name="Users and roles").click()
    expect(page.get_by_text("The user list is hidden in presenter mode.")).to_be_visible()
    screenshot(page, "admin-presenter")


def test_the_bundles_csv_files_can_be_selected_together(  # type: ignore[no-untyped-def]
    app: RunningApp, page, screenshot
) -> None:
    files = sorted(SAMPLE_BUNDLE.glob("*.csv"))
    total = sum(data_rows(path) for path in files)
    page.goto(f"{app.url}/admin")
    wait_for_app(page)
    page.locator(UPLOAD_INPUT).set_input_files([str(path) for path in files])
    expect(page.get_by_text("The bundle is valid")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_role("button", name=f"Import {total:,} rows")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "admin-csv-files-checked")

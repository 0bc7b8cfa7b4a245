"""Browser harness: a real ``streamlit run app.py`` driven by Debian's Chromium.

The server runs on a free port against a temporary SQLite database that each
module's fixture prepares; screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningApp:
    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_app(
    database_url: str,
    log_path: Path,
    *,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    script: str = "app.py",
) -> RunningApp:
    """``streamlit run app.py`` on ``port`` (a free one by default), once it answers.

    ``extra_args`` are more command-line options, e.g. ``--secrets.files PATH``;
    ``script`` another app to serve instead (the benchmark's bare Streamlit floor).
    """
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *extra_args,
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return RunningApp(url, database_url, process, log_path)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy:\n{log_path.read_text()}")


def stop_app(app: RunningApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        app.process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import expect

    # CI machines are small and shared: assertions wait longer than Playwright's 5 s.
    expect.set_options(timeout=20_000)
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot() -> Callable[[object, str], Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: object, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take


def wait_for_app(page: object, settle_ms: int = 400, timeout: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (and any rerun it asked for).

    The app root carries ``data-test-script-state``: ``initial`` before the
    first run, ``running`` during one, ``notRunning`` after.  ``timeout`` is a
    ceiling for a run that does real work (an import), not an expected duration.
    A session's first presenting run ends with only the presenter style and the
    browser's signal on the page (components/ui/presenter.py): the page is drawn
    by the run that signal starts, so the signal's element must be gone first.
    """
    idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
    for _ in range(2):  # a run may end in st.rerun / st.switch_page: wait it out too
        page.wait_for_selector(idle, state="attached", timeout=timeout)  # type: ignore[attr-defined]
        page.wait_for_timeout(settle_ms)  # type: ignore[attr-defined]
    page.wait_for_selector(PRESENTER_WAITING, state="detached", timeout=timeout)  # type: ignore[attr-defined]
    page.wait_for_selector(idle, state="attached", timeout=timeout)  # type: ignore[attr-defined]


#: The element of a presenting session's first run, before its page is drawn.
PRESENTER_WAITING = ".st-key-tandem-presenter-style-in"


SAMPLE_BUNDLE = PROJECT_ROOT / "data" / "sample_bundle"


def load_sample(engine: object) -> None:
    """The committed sample bundle, with its themes and health computed."""
    from tandem.program.bundle import import_bundle
    from tandem.refresh import refresh_all

    import_bundle(engine, SAMPLE_BUNDLE)  # type: ignore[arg-type]
    refresh_all(engine)  # type: ignore[arg-type]


def serve(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    fill: Callable[[object], None] | None = load_sample,
) -> Iterator[RunningApp]:
    """A running app on a migrated SQLite database of its own, filled by ``fill``.

    For a module-scoped fixture: ``yield from serve(tmp_path_factory, "name")``.
    """
    from tandem.program import migrate
    from tandem.program.db import dispose_engine, get_engine

    folder = tmp_path_factory.mktemp(name)
    url = f"sqlite:///{folder / 'tandem.db'}"
    engine = get_engine(url)
    migrate.upgrade(engine)
    if fill is not None:
        fill(engine)
    dispose_engine(url)
    running = start_app(url, folder / "streamlit.log")
    try:
        yield running
    finally:
        stop_app(running)

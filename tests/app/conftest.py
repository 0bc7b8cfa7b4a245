"""AppTest fixtures: run the real app script against a prepared database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tandem.program import migrate
from tandem.program.db import get_engine
from tests.hostile import as_read

__all__ = ["APP", "as_read", "every_tab", "open_as", "run_page", "shown_text"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> Iterator[None]:
    # Caches outlive AppTest instances; a stale result from another test's
    # database would make a test pass or fail for the wrong reason.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_database(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> Callable[[Callable[..., None] | None], str]:
    """Point the app at a migrated database on each backend, filled by ``fill``."""

    def prepare(fill: Callable[..., None] | None = None) -> str:
        engine = get_engine(db_url)
        migrate.upgrade(engine)
        if fill is not None:
            fill(engine)
        monkeypatch.setenv("DATABASE_URL", db_url)
        return db_url

    return prepare


def run_page(page: str | None = None, timeout: float = 60) -> AppTest:
    """Run app.py (and switch to ``page``, e.g. "pages/portfolio.py")."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def open_as(
    page: str,
    role: str,
    *,
    present: bool = False,
    query: dict[str, str] | None = None,
    timeout: float = 60,
) -> AppTest:
    """Run app.py as a demo viewer of ``role`` and open ``page`` (no exception allowed)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["tandem_demo_role"] = role
    if present:
        at.query_params["present"] = "1"
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def every_tab(at: AppTest) -> Iterator[str]:
    """Yield ``""`` for the page as opened, then, for each other tab of its lazy tab set
    (``components.ui.tabs``: only the open tab runs), open it and yield " (tab …)".

    For checks over everything a page sends: without this they would see one tab."""
    from components.ui.tabs import LAZY_TAB_KEYS

    yield ""
    keys = [key for key in LAZY_TAB_KEYS if key in at.session_state]
    assert len(keys) <= 1, f"one lazy tab set per page is what this opens: {keys}"
    for key in keys:
        opened = at.session_state[key]
        for label in [tab.label for tab in at.tabs if tab.label != opened]:
            at.session_state[key] = label
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            yield f" (tab {label})"


def shown_text(at: AppTest) -> str:
    """Everything a page says in text, captions, markdown and tables, escapes removed."""
    return " ".join(
        [as_read(m.value) for m in at.markdown]
        + [str(t.value) for t in at.text]
        + [as_read(c.value) for c in at.caption]
        + [str(frame.value.to_dict()) for frame in at.dataframe]
    ).replace("\\", "")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """Each download button's ``data`` callable, by the button's key (or label):
    AppTest cannot click a download, so a test calls what the button would send."""
    captured: dict[str, Callable[[], Any]] = {}
    original = st.download_button

    def recording(label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        if callable(data):
            captured[str(kwargs.get("key") or label)] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return captured

"""The cached database handle every page uses, and what to show when it fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from components.ui.formatting import plain
from tandem.program import migrate
from tandem.program.db import database_url, describe_url, get_engine


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return get_engine(url)


def current_url() -> str:
    return database_url()


def database_label() -> str:
    return describe_url(current_url())


def probe_engine() -> tuple[Engine | None, str | None]:
    """The engine if it answers and is migrated; otherwise None and what to tell the viewer.

    A viewer never sees a traceback for an unreachable server, a missing file
    or a schema that has not been migrated; they see what to do about it.
    """
    url = current_url()
    try:
        engine = _engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        up_to_date = migrate.is_up_to_date(engine)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return None, (
            f"**The database cannot be reached.** Tandem is configured to use "
            f"{describe_url(url)}, which did not answer: {plain(reason)}\n\n"
            "Check `DATABASE_URL` and that the server is running, then reload this page."
        )
    if not up_to_date:
        return None, (
            f"**The database schema is not up to date** ({describe_url(url)}). "
            "Run `python -m tandem migrate` (or `make run`), then reload this page."
        )
    return engine, None


def clear_caches() -> None:
    """After this app's own writes: frees the results of the old data version early.

    Not needed for correctness: every cached query is keyed by the data version,
    which the write has changed (``components.ui.cache``).
    """
    st.cache_data.clear()


Result = TypeVar("Result")


def refresh_with_progress(
    running: str,
    done: str,
    refresh: Callable[[Callable[[str], None]], Result],
    summary: Callable[[Result], str],
) -> Result | None:
    """Run ``refresh`` (given the progress callback) inside an ``st.status`` titled
    ``running`` that shows its latest progress line, then ``summary`` of its result
    under the title ``done``.  A failure is shown in the status, not raised (a refresh
    is one transaction: nothing is half-written), and gives None."""
    with st.status(running, expanded=True) as status:
        line = st.empty()

        def say(message: str) -> None:
            line.text(message)

        try:
            result = refresh(say)
        except Exception as error:  # shown, not raised: the page stays usable
            status.update(label=f"The refresh failed ({type(error).__name__})", state="error")
            return None
        finally:
            clear_caches()
        line.text(summary(result))
        status.update(label=done, state="complete")
    return result

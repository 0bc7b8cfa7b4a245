"""The coding queue on the Feedback themes page: a lead codes the notes that teach most.

A short queue (``QUEUE_SIZE`` notes) from ``tandem.themes.coding``: each note
can be coded with a theme, coded "no theme", or skipped (for this session
only).  A coding is audited and reversible ("Undo" under "Your last codings"),
and the notes like it are re-read at once (``tandem.themes.live``), so the
page shows its effect without waiting for a refresh.  Leads and admins only;
the page never offers it in presenter mode.  Note text is untrusted: it
reaches the screen through ``st.text`` and ``plain`` only.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from components.ui import notices
from components.ui.cache import cached_query
from components.ui.database import clear_caches
from components.ui.formatting import date_text, plain
from components.ui.tables import DEFAULT_CODES, code_words
from tandem.access import OutOfScope, Viewer
from tandem.access.filters import Filters
from tandem.themes.coding import (
    QueuedNote,
    code_from_queue,
    coding_queue,
    recent_codings,
    undo_coding,
)
from tandem.themes.live import update_after_coding
from tandem.themes.store import UnknownThemeError, list_themes

QUEUE_SIZE = 5
_FLASH = "themes_coding_flash"
_SKIPPED = "themes_coding_skipped"


@cached_query
def _queue(engine: Engine, filters: Filters, skipped: tuple[str, ...]) -> list[QueuedNote]:
    return coding_queue(engine, filters, limit=QUEUE_SIZE, exclude=skipped)


@cached_query
def _theme_names(engine: Engine) -> list[str]:
    return [t.name for t in list_themes(engine)]


def queue(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    """The coding queue section (the page shows it to leads, never when presenting)."""
    if viewer.presenting or not viewer.can("edit_codebook"):
        return
    st.caption(
        "The notes whose coding would teach the theme engine most: ones it is unsure of, "
        "ones like many other notes, ones of themes with few coded examples. Code a note, "
        "mark it as about no theme, or skip it. Every coding is recorded in the audit log "
        "and can be undone; notes like it are re-read at once. Private notes are never "
        "shown."
    )
    notices.show(_FLASH)
    skipped = tuple(sorted(st.session_state.get(_SKIPPED, ())))
    notes = _queue(engine, filters, skipped)
    if not notes:
        st.success("Nothing to code under these filters: every note is coded, private or empty.")
    names = _theme_names(engine)
    for note in notes:
        _note(engine, viewer, note, names)
    if skipped and st.button("Show skipped notes again", key="coding_unskip"):
        st.session_state[_SKIPPED] = set()
        st.rerun()
    _recent(engine, viewer)


def _note(engine: Engine, viewer: Viewer, note: QueuedNote, names: list[str]) -> None:
    with st.container(border=True):
        st.text(note.text)
        guess = note.guess or "no theme"
        confidence = "" if note.confidence is None else f" ({note.confidence:.0%} sure)"
        when = date_text(note.date, "undated")
        source = code_words(note.source, DEFAULT_CODES["source"])
        st.caption(plain(f"{when} · {source} · engine: {guess}{confidence} · {note.reason}"))
        fid = note.feedback_id
        choice, code, none, skip = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
        default = names.index(note.guess) if note.guess in names else None
        choice.selectbox(
            "Theme", names, index=default, key=f"coding_theme_{fid}", placeholder="Choose a theme"
        )
        code.button(
            "Code",
            type="primary",
            key=f"coding_code_{fid}",
            on_click=_code,
            args=(engine, viewer, fid, True),
        )
        none.button(
            "No theme", key=f"coding_none_{fid}", on_click=_code, args=(engine, viewer, fid, False)
        )
        skip.button("Skip", key=f"coding_skip_{fid}", on_click=_skip, args=(fid,))


def _code(engine: Engine, viewer: Viewer, feedback_id: str, with_theme: bool) -> None:
    name = st.session_state.get(f"coding_theme_{feedback_id}") if with_theme else None
    if with_theme and not name:
        notices.leave(_FLASH, "info", "Choose a theme first.")
        return
    try:
        code_from_queue(engine, viewer.scope, feedback_id, name, viewer.actor)
        live = update_after_coding(engine, [feedback_id], actor=viewer.actor)
    except (UnknownThemeError, OutOfScope) as error:
        notices.leave(_FLASH, "error", plain(f"Not coded: {error}."))
        return
    finally:
        clear_caches()
    what = f"“{name}”" if name else "about no theme"
    notices.leave(
        _FLASH,
        "success",
        plain(
            f"Coded {what}. {live.candidates} similar notes re-read, "
            f"{live.changed} of them changed theme."
        ),
    )


def _skip(feedback_id: str) -> None:
    skipped = set(st.session_state.get(_SKIPPED, ()))
    skipped.add(feedback_id)
    st.session_state[_SKIPPED] = skipped


def _recent(engine: Engine, viewer: Viewer) -> None:
    recent = recent_codings(engine, viewer.scope, viewer.actor)
    if not recent:
        return
    with st.expander("Your last codings"):
        for coding in recent:
            fid = coding.feedback_id
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.text(coding.text)
            label = coding.coded_theme or ("no theme" if coding.coded_theme == "" else "uncoded")
            left.caption(plain(f"Coded: {label}"))
            right.button(
                "Undo", key=f"coding_undo_{fid}", on_click=_undo, args=(engine, viewer, fid)
            )


def _undo(engine: Engine, viewer: Viewer, feedback_id: str) -> None:
    try:
        previous = undo_coding(engine, viewer.scope, feedback_id, viewer.actor)
        update_after_coding(engine, [feedback_id], actor=viewer.actor)
    except (UnknownThemeError, OutOfScope) as error:
        notices.leave(_FLASH, "error", plain(f"Not undone: {error}."))
        return
    finally:
        clear_caches()
    back = "uncoded" if previous is None else ("about no theme" if previous == "" else previous)
    notices.leave(_FLASH, "success", plain(f"Undone: the note is {back} again."))

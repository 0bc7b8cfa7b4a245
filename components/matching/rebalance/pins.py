"""Pinned and excluded pairings: a lead keeps them out of the plan."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.matching.rebalance.reads import rebalance_settings
from components.ui import notices
from components.ui.cache import cached_query
from components.ui.database import clear_caches
from components.ui.formatting import plural
from components.ui.paging import page_count
from components.ui.presenter import NameMask
from tandem.access import Scope, Viewer
from tandem.matching import (
    PINS_PAGE_SIZE,
    open_pairings_page,
    pins_rows,
    set_excluded,
    set_pinned,
)

PINS_OUTCOME_KEY = "rb_pins_outcome"
#: The editor's columns: people first, the id last.
PINS_SHOWN = ["mentee", "mentor", "cohort", "status", "pinned", "excluded", "pairing_id"]
_LABELS: dict[str, Any] = {
    "pairing_id": "Pairing",
    "cohort": "Cohort",
    "mentee": "Mentee",
    "mentor": "Mentor",
    "status": "Status",
    "pinned": st.column_config.CheckboxColumn("Pinned", help="Never moved by the plan."),
    "excluded": st.column_config.CheckboxColumn(
        "Excluded", help="Never considered by the plan; it keeps its slot."
    ),
}


# --- pins and exclusions -----------------------------------------------------------------


def _apply_pin_changes(
    engine: Engine, scope: Scope, before: pd.DataFrame, after: pd.DataFrame, actor: str
) -> int:
    """Write each changed pin / exclusion (each one its own audited transaction)."""
    changes = 0
    merged = before[["pairing_id", "pinned", "excluded"]].merge(
        after[["pairing_id", "pinned", "excluded"]], on="pairing_id", suffixes=("", "_new")
    )
    for pairing_id, row in merged.set_index("pairing_id").iterrows():
        if bool(row["pinned"]) != bool(row["pinned_new"]):
            set_pinned(engine, scope, str(pairing_id), actor, bool(row["pinned_new"]))
            changes += 1
        if bool(row["excluded"]) != bool(row["excluded_new"]):
            set_excluded(engine, scope, str(pairing_id), actor, bool(row["excluded_new"]))
            changes += 1
    return changes


@cached_query
def _pins_page(
    engine: Engine,
    cohorts: tuple[str, ...],
    fingerprint: tuple[Any, ...],
    search: str,
    search_names: bool,
    only: tuple[str, ...] | None,
    page: int,
) -> tuple[int, pd.DataFrame]:
    return open_pairings_page(
        engine,
        cohorts,
        search=search,
        search_names=search_names,
        only=only,
        page=page,
        size=PINS_PAGE_SIZE,  # read when called (tests lower it)
    )


def pins_and_excludes(engine: Engine, viewer: Viewer, fingerprint: tuple[Any, ...]) -> None:
    """Pairings a lead keeps out of the plan: pinned (never moved) or excluded (never looked at).

    The editor lists one page (``PINS_PAGE_SIZE``) of the open
    pairings that match a search, or only the kept ones, read a page at a time: at
    50,000 pairings there are ~35,000, which nobody can scroll and which cost more
    to read and send on every view than the plan.
    ``fingerprint``: :func:`data_fingerprint` read by this run of the page.
    """
    scope = viewer.scope
    notices.show(PINS_OUTCOME_KEY)
    settings = rebalance_settings(engine, fingerprint)
    kept_ids = tuple(sorted(set(settings["pins"]) | set(settings["excludes"])))
    mask = NameMask(engine, viewer)
    can_edit = viewer.can("rebalance")
    search, kept_only = _search(can_edit)
    # A pager (and an editor) per list shown: a new search starts at its first page,
    # and an editor's ticks, kept by row position, never land on another list's rows.
    list_key = f"{kept_only}_{search.casefold()}"
    page_key = f"rb_pins_page_{list_key}"
    page = int(st.session_state.get(page_key, 1))

    def read(page: int) -> tuple[int, pd.DataFrame]:
        return _pins_page(
            engine,
            scope.cohorts,
            fingerprint,
            search,
            not mask.active,  # pseudonyms on screen: real names are not searched
            kept_ids if kept_only else None,
            page,
        )

    total, rows = read(page)
    if page > page_count(total, PINS_PAGE_SIZE):  # the list shrank (a save): its first page
        st.session_state.pop(page_key, None)
        page = 1
        total, rows = read(page)
    if total == 0:
        st.caption(
            "No pairing is pinned or excluded."
            if kept_only and not search
            else "No open pairing matches."
            if search or kept_only
            else "No active or paused pairings."
        )
        return
    rows = pins_rows(
        mask.frame(rows, {"mentor": "mentor_id", "mentee": "mentee_id"}),
        settings["pins"],
        settings["excludes"],
    )
    pages = page_count(total, PINS_PAGE_SIZE)
    if pages > 1:
        page = st.pagination(pages, key=page_key)
    first = (page - 1) * PINS_PAGE_SIZE + 1
    st.caption(
        plural(total, "open pairing")
        + (
            f"; {first}–{first + len(rows) - 1} shown. Save before turning the page."
            if pages > 1
            else "."
        )
        + f" Pinned: {len(settings['pins'])}, excluded: {len(settings['excludes'])} in all."
    )
    rows = rows.assign(status=rows["status"].str.capitalize())
    if not can_edit:
        st.dataframe(rows[PINS_SHOWN], hide_index=True, column_config=_LABELS)
        return
    _editor(engine, viewer, rows, f"rb_pins_editor_{page}_{list_key}")


def _search(can_edit: bool) -> tuple[str, bool]:
    """The search words and whether to list only the kept pairings (a viewer who cannot
    edit sees only those)."""
    if not can_edit:
        return "", True
    search_column, kept_column = st.columns([3, 1], vertical_alignment="bottom")
    search = search_column.text_input(
        "Find pairings",
        key="rb_pins_search",
        placeholder="Pairing id, cohort, mentee or mentor",
    ).strip()
    return search, kept_column.toggle("Only pinned or excluded", key="rb_pins_kept")


def _editor(engine: Engine, viewer: Viewer, rows: pd.DataFrame, key: str) -> None:
    """The ticks of one page, saved together (each change its own audited write)."""
    with st.form("rb_pins_form", border=False):
        words = ["cohort", "mentee", "mentor", "status"]
        shown = rows[PINS_SHOWN].assign(**{c: rows[c].fillna("—") for c in words})
        edited = st.data_editor(
            shown,
            hide_index=True,
            column_config=_LABELS,
            disabled=["pairing_id", "cohort", "mentee", "mentor", "status"],
            key=key,
        )
        submitted = st.form_submit_button("Save pins and exclusions", icon=":material/push_pin:")
    if submitted:
        count = _apply_pin_changes(engine, viewer.scope, rows, edited, viewer.actor)
        clear_caches()
        notices.leave(
            PINS_OUTCOME_KEY,
            "success",
            f"Saved {plural(count, 'change')}; the plan above now reflects them."
            if count
            else "Nothing changed.",
        )
        st.rerun()

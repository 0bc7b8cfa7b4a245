"""Admin: the log of every change."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui.cache import cached_query
from tandem.access import Viewer
from tandem.program.admin import (
    AUDIT_LIMIT,
    AuditRow,
    audit_entities,
    recent_audit,
)


@cached_query
def _audit(engine: Engine, entity: str | None) -> list[AuditRow]:
    return recent_audit(engine, entity=entity, limit=AUDIT_LIMIT)


@cached_query
def _entities(engine: Engine) -> list[tuple[str, int]]:
    return audit_entities(engine)


def audit_section(engine: Engine, viewer: Viewer) -> None:
    st.subheader("Audit log")
    entities = _entities(engine)
    if not entities:
        st.info("Nothing has been written yet.")
        return
    counts = dict(entities)
    entity = st.selectbox(
        "Entity",
        [None, *counts],
        format_func=lambda e: "Everything" if e is None else f"{e} ({counts[e]:,})",
        key="admin_audit_entity",
    )
    rows = _audit(engine, entity)
    st.caption(f"The latest {len(rows)} changes, newest first (times in UTC).")
    frame = pd.DataFrame(
        {
            "ID": [r.id for r in rows],
            "At": [r.at for r in rows],
            "Actor": [r.actor for r in rows],
            "Action": [r.action for r in rows],
            "Entity": [r.entity for r in rows],
            "Record": [r.entity_id or "" for r in rows],
        }
    )
    if viewer.presenting:
        # Actors and record ids are e-mails and personal ids: not for a shared screen.
        st.dataframe(frame.drop(columns=["Actor", "Record"]), hide_index=True)
        st.caption("Who made each change, and what changed, is hidden in presenter mode.")
        return
    st.dataframe(frame, hide_index=True)
    if viewer.role != "admin":
        return
    chosen = st.selectbox(
        "Show what changed in",
        [None, *[r.id for r in rows]],
        format_func=lambda i: "—" if i is None else f"#{i}",
        key="admin_audit_row",
    )
    row = next((r for r in rows if r.id == chosen), None)
    if row is not None:
        before, after = st.columns(2)
        with before:
            st.caption("Before")
            st.json(row.before if row.before is not None else {}, expanded=True)
        with after:
            st.caption("After")
            st.json(row.after if row.after is not None else {}, expanded=True)

"""Admin: import and export the program, who may sign in, the tunable rules, the audit log."""

from __future__ import annotations

import streamlit as st

from components.admin import (
    SECTIONS,
    audit_section,
    export_section,
    import_section,
    refresh_section,
    rules_section,
    users_section,
)
from components.health.rules_editor import health_rules
from components.matching.weights import weight_editor
from components.ui.shell import page_setup, page_viewer

engine = page_setup(
    "Admin",
    "Import and export the program, who may sign in and with which role, the tunable "
    "rules, and the log of every change.",
)
viewer = page_viewer()
imports, users, rules, audit = st.tabs(list(SECTIONS))
with imports:
    import_section(engine, viewer)
    st.divider()
    export_section(engine, viewer)
with users:
    users_section(engine, viewer)
with rules:
    rules_section(engine, viewer)
    st.subheader("Pairing health and stall rules")
    health_rules(engine, viewer)
    st.subheader("Matching weights")
    st.caption(
        "How suggested pairings and rebalancing moves are scored: the weights of the "
        "components (relative), and the numbers rebalancing and the components use."
    )
    weight_editor(engine, viewer, key="admin_weights")
    refresh_section(engine, viewer)
with audit:
    audit_section(engine, viewer)

"""Admin: import and export the program, who may sign in, the tunable rules, the audit log."""

from __future__ import annotations

import streamlit as st

from components.admin import (
    SECTION_KEY,
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
from components.ui.tabs import lazy_tabs

engine = page_setup(
    "Admin",
    "Import and export the program, who may sign in and with which role, the tunable "
    "rules, and the log of every change.",
)
viewer = page_viewer()


def imports_and_exports() -> None:
    import_section(engine, viewer)
    st.divider()
    export_section(engine, viewer)


def rules() -> None:
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


drawn_by = {
    "Import and export": imports_and_exports,
    "Users and roles": lambda: users_section(engine, viewer),
    "Rules": rules,
    "Audit log": lambda: audit_section(engine, viewer),
}
# Only the open tab runs; its name is in the URL (?section=Rules opens the rules).
lazy_tabs({name: drawn_by[name] for name in SECTIONS}, key=SECTION_KEY, in_url=True)

"""Admin: who may sign in, with which role and which cohorts."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.admin.common import notify, plain, show_notice
from components.ui.cache import cached_query
from components.ui.database import clear_caches
from tandem.access import ROLES, AccessError, Viewer, list_users, remove_user, save_user
from tandem.program.admin import (
    cohort_choices,
)
from tandem.program.models import AppUser


@cached_query
def _cohorts(engine: Engine) -> list[tuple[str, str]]:
    return cohort_choices(engine)


def _cohort_ids(user: AppUser) -> list[str]:
    return [c for c in (user.cohorts or "").split(";") if c]


def _users_frame(users: list[AppUser], names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "E-mail": [u.email for u in users],
            "Name": [u.display_name or "" for u in users],
            "Role": [u.role for u in users],
            "Cohorts": [
                ", ".join(names.get(c, c) for c in _cohort_ids(u))
                or ("every cohort" if u.role == "lead" else "")
                for u in users
            ],
            "Updated (UTC)": [u.updated_at for u in users],
        }
    )


def users_section(engine: Engine, viewer: Viewer) -> None:
    st.subheader("Users and roles")
    st.caption(
        "Roles apply when sign-in is configured (see docs/sign-in.md): a signed-in person "
        "whose e-mail is not listed here cannot enter. In demo mode there is no sign-in and "
        "the viewer picks a role in the sidebar. Sponsors see aggregates and shareable "
        "quotes; leads work on the pairings of their cohorts (none chosen = every cohort); "
        "admins can also import and change settings."
    )
    if viewer.presenting:
        st.info("The user list is hidden in presenter mode.")
        return
    show_notice("users")
    names = dict(_cohorts(engine))
    users = list_users(engine)
    if users:
        st.dataframe(_users_frame(users, names), hide_index=True)
    else:
        st.info("No users yet. Add the first admin before configuring sign-in.")
    if not viewer.can("settings"):
        return
    _user_form(engine, viewer, users, names)
    if users:
        _remove_user(engine, viewer, [u.email for u in users])


def _user_keys(slot: str) -> dict[str, str]:
    return {f: f"admin_user_{f}_{slot}" for f in ("email", "name", "role", "cohorts")}


def _user_form(engine: Engine, viewer: Viewer, users: list[AppUser], names: dict[str, str]) -> None:
    by_email = {u.email: u for u in users}
    start = st.selectbox(
        "Add or change",
        [None, *by_email],
        format_func=lambda e: "A new user" if e is None else e,
        key="admin_user_start",
        help="Pick an existing user to change their role, cohorts or name.",
    )
    existing = by_email.get(start) if start else None
    # Widget keys per user: picking another user starts from their stored values.
    slot = "new" if existing is None else str(list(by_email).index(existing.email))
    keys = _user_keys(slot)
    with st.form(f"admin_user_form_{slot}"):
        st.text_input("E-mail", value=existing.email if existing else "", key=keys["email"])
        st.text_input(
            "Display name",
            value=(existing.display_name or "") if existing else "",
            key=keys["name"],
        )
        st.selectbox(
            "Role",
            ROLES,
            index=ROLES.index(existing.role) if existing and existing.role in ROLES else 0,
            format_func=str.title,
            key=keys["role"],
        )
        st.multiselect(
            "Cohorts (leads only; none = every cohort)",
            list(names),
            default=[c for c in _cohort_ids(existing) if c in names] if existing else [],
            format_func=lambda cohort_id: names.get(cohort_id, cohort_id),
            key=keys["cohorts"],
        )
        st.form_submit_button(
            "Save user",
            type="primary",
            key="admin_user_save",
            on_click=_save_user,
            args=(engine, viewer, slot),
        )


def _save_user(engine: Engine, viewer: Viewer, slot: str) -> None:
    keys = _user_keys(slot)
    state = st.session_state
    email = str(state.get(keys["email"]) or "")
    role = str(state.get(keys["role"]) or "")
    name = str(state.get(keys["name"]) or "").strip()
    if viewer.email and email.strip().lower() == viewer.email.strip().lower() and role != "admin":
        # Signed-in admins cannot lock themselves out of this page by mistake.
        notify("users", "error", "You cannot take away your own admin role; ask another admin.")
        return
    try:
        save_user(
            engine,
            email,
            role,
            actor=viewer.actor,
            cohorts=list(state.get(keys["cohorts"]) or []) if role == "lead" else (),
            display_name=name or None,
        )
    except AccessError as error:
        notify("users", "error", f"The user was not saved: {plain(str(error))}")
        return
    clear_caches()
    if slot == "new":
        state[keys["email"]] = ""
        state[keys["name"]] = ""
        state[keys["cohorts"]] = []
    notify("users", "success", f"Saved {plain(email.strip().lower())} as {role}.")


def _remove_user(engine: Engine, viewer: Viewer, emails: list[str]) -> None:
    with st.expander("Remove a user"):
        st.selectbox("User to remove", emails, key="admin_remove_email")
        confirmed = st.checkbox("Yes, remove this user's access", key="admin_remove_confirm")
        st.button(
            "Remove user",
            disabled=not confirmed,
            key="admin_remove",
            on_click=_do_remove_user,
            args=(engine, viewer),
        )


def _do_remove_user(engine: Engine, viewer: Viewer) -> None:
    email = str(st.session_state.get("admin_remove_email") or "")
    st.session_state["admin_remove_confirm"] = False
    if viewer.email and email == viewer.email.strip().lower():
        notify("users", "error", "You cannot remove your own access; ask another admin.")
        return
    removed = remove_user(engine, email, actor=viewer.actor)
    clear_caches()
    notify(
        "users",
        "success",
        f"Removed {plain(email)}." if removed else f"{plain(email)} had already been removed.",
    )

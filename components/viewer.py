"""Who is looking: sign-in (OIDC via st.login) or the bannered demo mode, and presenter mode.

With ``[auth]`` configured in ``.streamlit/secrets.toml`` the viewer signs in
and their e-mail is looked up in the ``app_users`` table (role and cohorts).
Without it — the embedded demo — a banner says so and the viewer picks a role.
Presenter mode (a toggle, or ``?present=1``) is read-only, pseudonymised and
shows no free text; leaving it takes a confirmation.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from sqlalchemy import Engine

from components.formatting import plain
from tandem.access import ROLES, Viewer, find_user

_DEMO_ROLE = "tandem_demo_role"
_PRESENTING = "tandem_presenting"
PRESENT_PARAM = "present"


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def presenting() -> bool:
    """Presenter mode, switched on by the URL (``?present=1``) or the toggle."""
    if st.query_params.get(PRESENT_PARAM) == "1":
        st.session_state[_PRESENTING] = True
    on = bool(st.session_state.get(_PRESENTING, False))
    if on and st.query_params.get(PRESENT_PARAM) != "1":
        st.query_params[PRESENT_PARAM] = "1"
    return on


def _start_presenting() -> None:
    st.session_state[_PRESENTING] = True
    st.query_params[PRESENT_PARAM] = "1"


@st.dialog("Leave presenter mode?")
def _confirm_leave() -> None:
    st.write(
        "Real names, notes and editing come back on screen. Make sure you are no "
        "longer sharing your screen."
    )
    if st.button("Leave presenter mode", type="primary"):
        st.session_state[_PRESENTING] = False
        if PRESENT_PARAM in st.query_params:
            del st.query_params[PRESENT_PARAM]
        st.rerun()


def resolve_viewer(engine: Engine) -> Viewer | None:
    """The viewer of this run (presenter mode applied), or None when they must sign in
    first or their e-mail has no role here."""
    if auth_configured():
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
        viewer = find_user(engine, email) if email else None
        if viewer is None:
            return None
    else:
        role = st.session_state.get(_DEMO_ROLE, "admin")
        viewer = Viewer(role=role if role in ROLES else "sponsor", demo=True)
    return replace(viewer, presenting=presenting())


def sign_in_screen(engine: Engine | None) -> None:
    """What a viewer without a role sees: a sign-in button, or why they cannot enter."""
    st.title("Tandem")
    if not st.user.is_logged_in:
        st.write("Sign in to see your mentorship programs.")
        st.button("Sign in", on_click=st.login, type="primary")
        return
    email = plain(st.user.get("email") or "no e-mail")
    st.error(f"Your account ({email}) has no role in Tandem yet. Ask an administrator to add you.")
    st.button("Sign out", on_click=st.logout)


def _remember_demo_role() -> None:
    st.session_state[_DEMO_ROLE] = st.session_state["demo_role_picker"]


def viewer_controls(viewer: Viewer) -> None:
    """The sidebar's who-am-I box and the presenter switch."""
    if viewer.presenting:
        st.badge("Presenter mode", icon=":material/co_present:", color="orange")
        if st.button("Leave presenter mode…", icon=":material/visibility:", key="leave_presenter"):
            _confirm_leave()
        return
    with st.sidebar:
        if viewer.demo:
            st.warning(
                "**Demo mode**: no sign-in is configured, so anyone here can pick a role.",
                icon=":material/science:",
            )
            # The choice lives in a key of its own: widget state is dropped on
            # runs that stop before the sidebar is drawn.
            st.selectbox(
                "View as",
                ROLES,
                index=ROLES.index(viewer.role),
                key="demo_role_picker",
                format_func=str.title,
                on_change=_remember_demo_role,
            )
        else:
            st.caption(f"Signed in as {plain(viewer.label)}")
            st.button("Sign out", on_click=st.logout)
        st.button(
            "Presenter mode",
            on_click=_start_presenting,
            icon=":material/co_present:",
            help="Pseudonymised names, no notes, large type: safe to share your screen.",
            width="stretch",
        )

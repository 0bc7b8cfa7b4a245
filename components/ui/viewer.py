"""Who is looking: sign-in (OIDC via st.login) or the bannered demo mode, and presenter mode.

With ``[auth]`` configured in ``.streamlit/secrets.toml`` the viewer signs in
and their e-mail is looked up in the ``app_users`` table (role and cohorts);
the URL never changes who they are.  Without it — the embedded demo — a
banner says so and the viewer picks a role, kept in the URL (``?as=lead``) so
a reload or a copied link shows the same view.

Presenter mode (a toggle, or ``?present=1``) is read-only, pseudonymised and
shows no free text.  Once on, it holds for the browser session whatever the
URL says: a cookie without expiry remembers it, and the server reads that
cookie with the first request of every page load, before anything is drawn.
Leaving takes a confirmation, which also clears the cookie.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from sqlalchemy import Engine

from components.ui.formatting import plain
from tandem.access import ROLES, Viewer, find_user

_DEMO_ROLE = "tandem_demo_role"
_PRESENTING = "tandem_presenting"
_COOKIE_WRITTEN = "tandem_present_cookie_written"
PRESENT_PARAM = "present"
# A browser-session cookie (no expiry): presenter mode survives a reload and a
# URL edited by hand.  It can only ever switch presenter mode on, never reveal
# anything, so a cookie set by anyone else is harmless.
PRESENT_COOKIE = "tandem_present"
ROLE_PARAM = "as"
DEMO_DEFAULT_ROLE = "admin"

# Our own constant script (no untrusted text): it writes or clears the presenter
# cookie on the whole site and hides its own (empty) element container.
_COOKIE_SCRIPT = """<style>
[data-testid="stElementContainer"]:has(#tandem-presenter-cookie) {{ display: none; }}
</style>
<script id="tandem-presenter-cookie">
document.cookie = "{name}={value}; path=/; SameSite=Strict{expiry}"
  + (window.location.protocol === "https:" ? "; Secure" : "");
</script>"""


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _cookie_says_presenting() -> bool:
    return st.context.cookies.get(PRESENT_COOKIE) == "1"


def presenting() -> bool:
    """Presenter mode: on by ``?present=1``, the button or the cookie of an earlier load.

    The session's own state decides once it exists (so leaving through the
    dialog holds even though this session's cookies were read before it);
    a new session (a reload, an edited URL) starts from the cookie.
    """
    on = st.session_state.get(_PRESENTING)
    if on is None:
        on = _cookie_says_presenting()
    if st.query_params.get(PRESENT_PARAM) == "1":
        on = True
    st.session_state[_PRESENTING] = bool(on)
    if on and st.query_params.get(PRESENT_PARAM) != "1":
        st.query_params[PRESENT_PARAM] = "1"
    return bool(on)


def _keep_presenter_cookie(on: bool) -> None:
    """Tell the browser to remember (or forget) presenter mode for its session."""
    if on:
        st.session_state[_COOKIE_WRITTEN] = True
        script = _COOKIE_SCRIPT.format(name=PRESENT_COOKIE, value="1", expiry="")
    elif _cookie_says_presenting() or st.session_state.get(_COOKIE_WRITTEN):
        # The page load carried the cookie or this session wrote it: clear it
        # (and go on clearing it on every run of this session: idempotent).
        script = _COOKIE_SCRIPT.format(name=PRESENT_COOKIE, value="", expiry="; max-age=0")
    else:
        return
    st.html(script, unsafe_allow_javascript=True)


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


def _demo_role() -> str:
    """The demo viewer's role: from the URL when the session starts, then the picker.

    An unknown ``?as=`` value is ignored.  The role is written back to the URL
    on every run, so the address bar (and a copied link) always carries it.
    """
    if _DEMO_ROLE not in st.session_state:
        asked = st.query_params.get(ROLE_PARAM)
        st.session_state[_DEMO_ROLE] = asked if asked in ROLES else DEMO_DEFAULT_ROLE
    role = st.session_state[_DEMO_ROLE]
    role = role if role in ROLES else "sponsor"
    if st.query_params.get(ROLE_PARAM) != role:
        st.query_params[ROLE_PARAM] = role
    return str(role)


def resolve_viewer(engine: Engine) -> Viewer | None:
    """The viewer of this run (presenter mode applied), or None when they must sign in
    first or their e-mail has no role here."""
    if auth_configured():
        # Signed in, the role comes from the user table only: a demo link's
        # ``?as=`` is dropped rather than left in the address bar to mislead.
        if ROLE_PARAM in st.query_params:
            del st.query_params[ROLE_PARAM]
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
        viewer = find_user(engine, email) if email else None
        if viewer is None:
            return None
    else:
        viewer = Viewer(role=_demo_role(), demo=True)
    return replace(viewer, presenting=presenting())


def sign_in_screen(engine: Engine | None) -> None:
    """What a viewer without a role sees: a sign-in button, or why they cannot enter."""
    st.title("Tandem")
    if not st.user.is_logged_in:
        st.write("Sign in to see your mentorship programs.")
        st.button("Sign in", on_click=st.login, type="primary")
        return
    email = str(st.user.get("email") or "")
    if email:
        st.error(
            f"Your account ({plain(email)}) has no role in Tandem yet. "
            "Ask an administrator to add you."
        )
    else:
        st.error(
            "Your identity provider did not send an e-mail address for your account, "
            "so Tandem cannot look up your role. Ask your administrator to release the "
            "`email` claim to Tandem (see docs/sign-in.md)."
        )
    st.button("Sign out", on_click=st.logout)


def _remember_demo_role() -> None:
    role = st.session_state["demo_role_picker"]
    st.session_state[_DEMO_ROLE] = role
    st.query_params[ROLE_PARAM] = role


def viewer_controls(viewer: Viewer) -> None:
    """The sidebar's who-am-I box and the presenter switch."""
    _keep_presenter_cookie(viewer.presenting)
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

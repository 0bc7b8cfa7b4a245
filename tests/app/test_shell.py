"""The page frame under AppTest: a plain `if st.button(...)` click reaches the page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tandem.access import save_user
from tests.app.conftest import APP, as_read, open_as, run_page
from tests.factories import small_program

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret",
    "client_id": "tandem",
    "client_secret": "test-only",
    "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
}


def test_a_button_click_is_not_swallowed_by_a_rerun(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = run_page("pages/pairing.py")
    at.session_state["tandem_presenting"] = True
    at.run()
    assert not at.exception
    # "Leave presenter mode…" is a plain `if st.button(...)` that opens a dialog.
    at.button(key="leave_presenter").click().run()
    assert not at.exception
    assert any("Real names, notes and editing come back" in str(m.value) for m in at.markdown)


def _shown(at: AppTest) -> str:
    shown = " ".join(str(element.value) for element in [*at.caption, *at.markdown, *at.error])
    return shown.replace("\\", "")


def _opened(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_demo_role_comes_from_the_url_and_stays_in_it(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as"] = "lead"
    _opened(at, "pages/stalled.py")
    assert at.selectbox(key="demo_role_picker").value == "lead"
    assert "not open to the" not in _shown(at)
    assert at.query_params["as"] == "lead"  # still there after the page switch

    # The picker writes the URL, so a reload or a copied link shows the same role.
    at.selectbox(key="demo_role_picker").set_value("sponsor").run()
    assert at.query_params["as"] == "sponsor"
    assert "Stalled pairings** is not open to the sponsor role" in _shown(at)
    copied = AppTest.from_file(APP, default_timeout=60)
    copied.query_params["as"] = at.query_params["as"]
    _opened(copied, "pages/overview.py")
    assert copied.selectbox(key="demo_role_picker").value == "sponsor"


def test_an_unknown_demo_role_in_the_url_is_ignored(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as"] = "root"
    _opened(at, "pages/overview.py")
    assert at.selectbox(key="demo_role_picker").value == "admin"
    assert at.query_params["as"] == "admin"


def test_with_sign_in_configured_the_url_never_changes_the_role(app_database) -> None:  # type: ignore[no-untyped-def]
    def fill(engine: object) -> None:
        small_program(engine)  # type: ignore[arg-type]
        save_user(engine, "sam@example.com", "sponsor", actor="test", display_name="Sam")  # type: ignore[arg-type]

    app_database(fill)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "sam@example.com", "name": "Sam"}
    at.query_params["as"] = "admin"
    _opened(at, "pages/admin.py")
    assert "Admin** is not open to the sponsor role" in _shown(at)
    assert "Signed in as Sam (sponsor)" in _shown(at)
    assert "as" not in at.query_params
    assert not at.get("selectbox")  # no role picker when signed in


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("lead", False), ("sponsor", False)])
def test_only_admins_see_where_the_database_is(app_database, role: str, shown: bool) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = open_as("pages/overview.py", role)
    captions = [c.value for c in at.sidebar.caption]
    assert any(c.startswith("Database: ") for c in captions) is shown, captions
    at = open_as("pages/overview.py", role, present=True)
    assert not any(c.value.startswith("Database: ") for c in at.caption)


@pytest.mark.parametrize(
    ("user", "said"),
    [
        (
            {"email": "Nobody_*Here*@example.com"},
            "Your account (Nobody_*Here*@example.com) has no role in Tandem yet. "
            "Ask an administrator to add you.",
        ),
        ({"name": "No Mail"}, "did not send an e-mail address for your account"),
    ],
    ids=["unlisted", "no-email-claim"],
)
def test_a_signed_in_person_without_a_role_is_told_why(app_database, user, said: str) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **user}
    at.run()
    assert not at.exception
    # Rendered as plain text: the e-mail's markdown characters stay as typed.
    shown = " ".join(as_read(e.value) for e in at.error)
    assert said in shown
    assert any(b.label == "Sign out" for b in at.button)


def _styled_page() -> None:
    import pandas as pd
    import streamlit as st

    from components.ui.presenter import apply_styling
    from tandem.access import Viewer

    apply_styling(
        Viewer(role="lead", presenting=st.session_state.get("presenting", True)),
        wait_for_browser=False,
    )
    st.dataframe(pd.DataFrame({"a": [1]}))


def test_presenting_the_style_is_in_the_page_before_any_grid() -> None:
    """#15: a grid sizes its text from the root font size when it is first drawn, so
    presenter mode's 20 px root must be in the page first, in place (style-only HTML
    would go to Streamlit's event container, drawn along with the grids: 14 px text).
    That a session's first presenting run waits for the browser to have the style
    is checked in a browser (tests/browser/test_glance.py)."""
    at = AppTest.from_function(_styled_page, default_timeout=30).run()
    assert not at.exception
    first = next(iter(at.main.children.values()))
    assert first.type == "html" and "tandem-presenter-style" in first.proto.body
    assert len(at.dataframe) == 1
    at.session_state["presenting"] = False
    at.run()
    assert not [c for c in at.main.children.values() if c.type == "html"]

"""The page frame under AppTest: a plain `if st.button(...)` click reaches the page."""

from __future__ import annotations

from tests.app.conftest import run_page
from tests.factories import small_program


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

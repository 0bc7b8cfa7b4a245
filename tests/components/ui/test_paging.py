"""One way to page a long list: which rows a page holds, its caption, and a list that
shrinks under the chosen page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components.ui.paging import Page, page_count


def test_pages_cover_every_row_once() -> None:
    assert page_count(0, 50) == 1
    assert page_count(50, 50) == 1
    assert page_count(51, 50) == 2
    assert [page_count(n, 3) for n in (0, 1, 3, 4, 7)] == [1, 1, 1, 2, 3]
    total = 3_069
    pages = [Page(number=n, size=50, total=total) for n in range(1, page_count(total, 50) + 1)]
    covered = [row for page in pages for row in range(page.start, page.stop)]
    assert covered == list(range(total))
    assert pages[-1].span("Pairings") == "Pairings 3,051–3,069 of 3,069"
    assert pages[0].several and not Page(number=1, size=50, total=50).several
    assert Page(number=1, size=50, total=0).span("Pairings") == "No pairings"


def _paged_list() -> None:
    """Script for AppTest.from_function: a list whose length the test sets."""
    import pandas as pd
    import streamlit as st

    from components.ui.paging import frame_page

    frame = pd.DataFrame({"n": range(int(st.session_state.get("rows", 120)))})
    shown, page = frame_page(frame, key="list_page", size=50)
    st.text(f"{page.number}:{list(shown.n[:1])}:{len(shown)}:{page.span('Rows')}")


def test_a_chosen_page_shows_its_rows_and_a_shrunk_list_starts_again() -> None:
    at = AppTest.from_function(_paged_list)
    at.run()
    assert at.text[0].value == "1:[0]:50:Rows 1–50 of 120"
    at.session_state["list_page"] = 3
    at.run()
    assert at.text[0].value == "3:[100]:20:Rows 101–120 of 120"
    # The list shrinks to one page (a save, a narrower filter): its first page, not nothing.
    at.session_state["rows"] = 30
    at.run()
    assert at.text[0].value == "1:[0]:30:Rows 1–30 of 30"
    # And grows again: the pager is back, on its first page.
    at.session_state["rows"] = 120
    at.run()
    assert at.text[0].value == "1:[0]:50:Rows 1–50 of 120"

"""Issue #19: link dates the date inputs cannot show are ignored, never a crash."""

from __future__ import annotations

import pytest

from tests.app.conftest import as_read, open_as
from tests.factories import small_program


@pytest.mark.parametrize(
    "page", ["pages/portfolio.py", "pages/what_works.py", "pages/milestones.py"]
)
def test_out_of_range_link_dates_are_ignored_and_listed(app_database, page: str) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = open_as(page, "lead", query={"from": "1999-12-31", "to": "9999-12-31"})
    captions = [as_read(caption.value) for caption in at.sidebar.caption]
    assert any(
        "Ignored in the link" in text and "from=1999-12-31" in text and "to=9999-12-31" in text
        for text in captions
    ), captions
    assert at.date_input(key="filter_date_from").value is None
    assert at.date_input(key="filter_date_to").value is None


def test_a_link_date_in_range_is_kept(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = open_as("pages/portfolio.py", "lead", query={"from": "1999-12-31", "to": "2026-03-31"})
    assert str(at.date_input(key="filter_date_to").value) == "2026-03-31"
    assert at.date_input(key="filter_date_from").value is None

"""Issue #15: a stale link says what it ignored, for every filter parameter."""

from __future__ import annotations

import pytest

from tests.app.conftest import as_read, open_as
from tests.factories import small_program


def _ignored(at) -> str:  # type: ignore[no-untyped-def]
    captions = [as_read(caption.value) for caption in at.sidebar.caption]
    return next((text for text in captions if "Ignored in the link" in text), "")


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ({"cohort": "nope"}, "cohort=nope"),
        ({"division": "Atlantis"}, "division=Atlantis"),
        ({"geo": "Nowhere"}, "geo=Nowhere"),
        ({"mdiv": "Gone"}, "mdiv=Gone"),
        ({"kind": "bogus"}, "kind=bogus"),
    ],
)
def test_an_unknown_value_is_ignored_and_said(app_database, query: dict, note: str) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = open_as("pages/portfolio.py", "sponsor", query=query)
    assert note in _ignored(at)
    # Not an empty page: the value was dropped, every pairing is listed.
    assert len(at.dataframe[0].value) == 2
    assert not any("No pairings match" in info.value for info in at.info)


def test_a_known_value_still_filters(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(small_program)
    at = open_as("pages/portfolio.py", "sponsor", query={"cohort": "c1", "geo": "Singapore"})
    assert _ignored(at) == ""
    assert at.dataframe[0].value["Mentor"].tolist() == ["Nguyễn Thị Hoa"]

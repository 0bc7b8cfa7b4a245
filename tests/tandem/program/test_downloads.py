"""Downloads: CSV that a spreadsheet opens as text, never as a formula."""

from __future__ import annotations

import pandas as pd

from tandem.program.downloads import csv_bytes, safe_frame


def test_text_cells_and_headers_are_neutralised_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"=name": ["=cmd()", "Ann", None], "score": [-3, 2, 1]})
    safe = safe_frame(frame)
    assert list(safe.columns) == ["'=name", "score"]
    assert safe["'=name"].tolist()[:2] == ["'=cmd()", "Ann"]
    assert safe["score"].tolist() == [-3, 2, 1]
    assert list(frame.columns) == ["=name", "score"]  # the caller's frame is untouched


def test_csv_bytes_has_a_bom_and_one_header_for_several_frames() -> None:
    parts = [pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [2]})]
    data = csv_bytes(parts)
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["a", "1", "2"]
    assert csv_bytes(pd.DataFrame({"a": ["+x"]})).decode("utf-8-sig").splitlines() == ["a", "'+x"]

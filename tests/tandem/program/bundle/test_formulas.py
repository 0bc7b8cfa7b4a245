"""Spreadsheet formula neutralising: what an export quotes and an import restores."""

from __future__ import annotations

import pytest

from tandem.program.bundle.formulas import QUOTE, TRIGGERS, neutralise_formula, restore_formula


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+44 20 7946 0958", "-3", "@user", "\tindent", "\rreturn", "plain", "", "'quoted"],
)
def test_neutralise_then_restore_gives_back_the_text(text: str) -> None:
    safe = neutralise_formula(text)
    assert not safe or safe[0] not in "=+-@\t\r"
    assert restore_formula(safe) == text


def test_only_text_a_spreadsheet_would_run_is_quoted() -> None:
    assert neutralise_formula('=HYPERLINK("x")') == QUOTE + '=HYPERLINK("x")'
    assert neutralise_formula("plain =1") == "plain =1"
    assert neutralise_formula("'quoted") == "'quoted"  # the quote alone runs nothing
    assert all(neutralise_formula(t + "x").startswith(QUOTE) for t in TRIGGERS)

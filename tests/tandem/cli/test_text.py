"""Plain-text output of the commands (``tandem.cli.text``)."""

from __future__ import annotations

import json

import pytest

from tandem.cli.text import fail, print_json, text_table


def test_a_table_pads_columns_to_their_widest_cell() -> None:
    table = text_table(["id", "name"], [["1", "Zoë Ångström"], ["22", "Al"]])
    assert table.splitlines() == [
        "id  name",
        "--  ------------",
        "1   Zoë Ångström",
        "22  Al",
    ]
    assert text_table(["only"], []) == "only\n----"


def test_json_keeps_non_ascii_and_ends_with_a_newline(capsys: pytest.CaptureFixture[str]) -> None:
    print_json({"name": "José", "n": [1, 2]})
    out = capsys.readouterr().out
    assert "José" in out and out.endswith("}\n")
    assert json.loads(out) == {"name": "José", "n": [1, 2]}


def test_fail_says_the_error_on_stderr_and_returns_the_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert fail("no cohort 'x'") == 1
    assert fail("bad usage", code=2) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == ["error: no cohort 'x'", "error: bad usage"]

"""How a bundle's problems are kept, ordered and worded (no database)."""

from __future__ import annotations

import pytest

from tandem.program.bundle import problems
from tandem.program.bundle.problems import BundleError, Problem, ProblemLog


def test_problem_formats() -> None:
    assert str(Problem("a.csv", 3, "level", "bad")) == "a.csv:3: column level: bad"
    assert str(Problem("a.csv", 3, None, "bad")) == "a.csv:3: bad"
    assert str(Problem("a.zip", None, None, "bad")) == "a.zip: bad"


def test_the_log_keeps_a_bounded_number_but_counts_every_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(problems, "KEEP_CAP", 3)
    log = ProblemLog()
    assert not log
    log.add("a.csv", 2, None, "one")
    log.add_rows("a.csv", [3, 4, 5], "level", iter(["two", "three", "four"]), 3)
    other = ProblemLog()
    other.add("b.csv", 1, None, "five")
    other.warn("a warning")
    log.merge(other)
    assert log and log.total == 5 and len(log.problems) == 3
    assert log.warnings == ["a warning"]
    log.clear()
    assert not log and log.warnings == ["a warning"]


def test_a_bundle_error_sorts_by_file_order_and_line_and_says_how_many_more() -> None:
    found = [
        Problem("people.csv", 9, None, "late"),
        Problem("pairings.csv", 2, "status", "bad"),
        Problem("people.csv", 3, None, "early"),
    ]
    error = BundleError(found, total=7, file_order=["people.csv", "pairings.csv"])
    assert error.lines(cap=2) == [
        "people.csv:3: early",
        "people.csv:9: late",
        "… and 5 more problems",
    ]
    assert str(error).splitlines()[-1] == "… and 4 more problems"

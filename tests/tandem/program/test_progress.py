"""Progress callbacks of the command line."""

from __future__ import annotations

import re

import pytest

from tandem.program.progress import silent, stderr_progress


def test_stderr_progress_prints_elapsed_time_and_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    say = stderr_progress("import: ")
    say("reading people.csv")
    silent("nothing")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(r"\[\s*\d+\.\ds\] import: reading people\.csv\n", captured.err)

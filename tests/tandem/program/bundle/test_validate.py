"""Checking a file a chunk at a time reports exactly what one whole-file pass would."""

from __future__ import annotations

import random

import pytest

from tandem.program.bundle.problems import ProblemLog
from tandem.program.bundle.records import CsvStream
from tandem.program.bundle.spec import PEOPLE
from tandem.program.bundle.validate import FileValidator


def _check(text: str, chunk_rows: int) -> tuple[list[str], set[object]]:
    log = ProblemLog()
    stream = CsvStream("people.csv", text.encode(), log, chunk_rows=chunk_rows)
    stream.chunk_bytes = chunk_rows * 8  # cut the quote-free path about as finely
    assert stream.open()
    validator = FileValidator(PEOPLE, stream.header, log)
    for chunk in stream:
        validator.chunk(chunk.column_lists(len(stream.header)), chunk.lines)
    ids = validator.finish()
    return sorted(str(p) for p in log.problems), ids


@pytest.mark.parametrize("seed", range(6))
def test_repeated_ids_name_their_first_line_whatever_the_chunk_size(seed: int) -> None:
    rng = random.Random(seed)
    pool = [f"p{i}" for i in range(rng.randint(3, 40))]
    cells = [rng.choice([*pool, "", " "]) for _ in range(rng.randint(1, 120))]
    text = "person_id,name,level,division,geography\n" + "".join(
        f"{cell},N,1,Ops,EMEA\n" for cell in cells
    )
    expected = []
    first: dict[str, int] = {}
    for line, cell in enumerate(cells, start=2):
        value = cell.strip()
        if not value:
            expected.append(f"people.csv:{line}: column person_id: required value is missing")
        elif value in first:
            expected.append(
                f"people.csv:{line}: column person_id: "
                f"duplicate ID '{value}' (first on line {first[value]})"
            )
        else:
            first[value] = line
    for chunk_rows in (1, 2, 3, 7, 50_000):
        problems, ids = _check(text, chunk_rows)
        assert problems == sorted(expected), chunk_rows
        assert ids == set(first)

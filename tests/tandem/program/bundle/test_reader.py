"""Decoding and splitting CSV files; cell parsers (no database needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.program.bundle.problems import BundleError, Problem, ProblemLog
from tandem.program.bundle.reader import parse_csv, read_bundle_bytes
from tandem.program.bundle.validate import normalise_list, parse_date, parse_datetime


def test_records_remember_the_line_they_start_on() -> None:
    data = (
        '\ufeffid,text\r\na,"one\r\ntwo\r\nthree"\r\n\r\n,\r\nb,"say ""hi"", then go"\r\nc,last'
    ).encode()
    log = ProblemLog()
    table = parse_csv("x.csv", data, log)
    assert table is not None and not log
    assert table.header == ["id", "text"]
    assert table.rows == [["a", "one\r\ntwo\r\nthree"], ["b", 'say "hi", then go'], ["c", "last"]]
    assert table.lines == [2, 7, 8]


def test_encoding_error_names_the_line_of_the_first_bad_byte() -> None:
    log = ProblemLog()
    assert parse_csv("x.csv", b"id,name\n1,ok\n2,Jos\xe9\n3,\xff\n", log) is None
    assert [str(p) for p in log.problems] == [
        "x.csv:3: file is not UTF-8 (byte 0xE9 cannot be decoded); "
        "save it as UTF-8 (in Excel: CSV UTF-8)"
    ]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_files(data: bytes) -> None:
    log = ProblemLog()
    assert parse_csv("x.csv", data, log) is None
    assert str(log.problems[0]) == "x.csv:1: file is empty, expected a header row"


def test_header_only_is_zero_rows() -> None:
    log = ProblemLog()
    table = parse_csv("x.csv", b"id,name\r\n", log)
    assert table is not None and table.rows == [] and not log


def test_problem_formats() -> None:
    assert str(Problem("a.csv", 3, "level", "bad")) == "a.csv:3: column level: bad"
    assert str(Problem("a.csv", 3, None, "bad")) == "a.csv:3: bad"
    assert str(Problem("a.zip", None, None, "bad")) == "a.zip: bad"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("2025-03-01T09:30:00", dt.date(2025, 3, 1)),
        ("2025-03-01T23:30:00-05:00", dt.date(2025, 3, 1)),  # keeps the date as written
        ("2025-03-01T09:30:00Z", dt.date(2025, 3, 1)),
        ("2025-03-01 09:30", dt.date(2025, 3, 1)),
        ("2025-02-29", None),
        ("20250301", None),
        ("2025-W09-1", None),
        ("01/03/2025", None),
        ("2025-03-01T24:61:00", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", dt.datetime(2025, 3, 1)),
        ("2025-03-01T09:30:00+02:00", dt.datetime(2025, 3, 1, 7, 30)),
        ("2025-03-01T09:30:00Z", dt.datetime(2025, 3, 1, 9, 30)),
        ("2025-03-01T01:00:00+02:00", dt.datetime(2025, 2, 28, 23, 0)),
        ("2025-03-01T09:30:00.250", dt.datetime(2025, 3, 1, 9, 30, 0, 250000)),
        ("yesterday", None),
    ],
)
def test_parse_datetime(text: str, expected: dt.datetime | None) -> None:
    assert parse_datetime(text) == expected


def test_lists_are_trimmed_and_deduplicated_ignoring_case() -> None:
    assert normalise_list(" Strategy ; hiring;;strategy ;") == "Strategy;hiring"
    assert normalise_list(" ; ") is None


def test_upload_of_a_single_csv_or_junk() -> None:
    assert read_bundle_bytes("People.csv", b"person_id\n") == {"people.csv": b"person_id\n"}
    with pytest.raises(BundleError) as raised:
        read_bundle_bytes("notes.txt", b"hello")
    assert str(raised.value) == "notes.txt: not a bundle: expected a .zip or a .csv file"


def test_binary_file_is_named_with_its_line() -> None:
    log = ProblemLog()
    assert parse_csv("x.csv", b"id,name\n1,a\n2,b\x00c\n", log) is None
    assert [str(p) for p in log.problems] == [
        "x.csv:3: file contains a NUL byte; is it really a CSV file?"
    ]


def test_unquoted_fast_path_skips_blank_lines_and_reports_ragged_rows() -> None:
    log = ProblemLog()
    table = parse_csv("x.csv", b"a,b\n1,2\n\n,\n3\n4,5\n", log)
    assert table is not None
    assert (table.rows, table.lines) == ([["1", "2"], ["4", "5"]], [2, 6])
    assert [str(p) for p in log.problems] == ["x.csv:5: row has 1 field but the header has 2"]


@pytest.mark.parametrize("chunk_rows", [1, 2, 50_000])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_files_without_quotes_split_like_the_csv_module(chunk_rows: int, newline: str) -> None:
    """The fast path for quote-free files: blank lines, lines of commas, ragged rows."""
    from tandem.program.bundle.reader import CsvStream

    text = newline.join(["a,b", "1,2", "", ",", "3", "4,5", " ,", "6,7,8", "9,"]) + newline
    log = ProblemLog()
    stream = CsvStream("x.csv", text.encode(), log, chunk_rows=chunk_rows)
    stream.chunk_bytes = chunk_rows  # cut the bytes as finely as the rows
    assert stream.open()
    rows, lines = [], []
    for chunk in stream:
        rows.extend(chunk.row_lists())
        lines.extend(chunk.lines.tolist())
    assert rows == [["1", "2"], ["4", "5"], [" ", ""], ["9", ""]]
    assert lines == [2, 6, 7, 9]
    assert [str(p) for p in log.problems] == [
        "x.csv:5: row has 1 field but the header has 2",
        "x.csv:8: row has 3 fields but the header has 2",
    ]


def test_a_record_over_several_lines_keeps_its_line_across_chunks() -> None:
    from tandem.program.bundle.reader import CsvStream

    data = b'id,text\r\na,"one\r\ntwo"\r\nb,"x\ry\nz"\r\nc,last\r\n'
    log = ProblemLog()
    stream = CsvStream("x.csv", data, log, chunk_rows=1)
    assert stream.open()
    found = [
        (row, int(line))
        for chunk in stream
        for row, line in zip(chunk.row_lists(), chunk.lines, strict=True)
    ]
    assert found == [(["a", "one\r\ntwo"], 2), (["b", "x\ry\nz"], 4), (["c", "last"], 7)]
    assert not log


def test_blank_file_check_agrees_with_stripping_the_whole_file() -> None:
    """``_maybe_blank`` avoids copying a big file to strip it; it must decide the same."""
    import random

    from tandem.program.bundle.reader import _maybe_blank

    def by_stripping(data: bytes) -> bool:
        stripped = data.strip()
        return len(stripped) < 64 or not stripped[:64].decode("utf-8", "ignore").strip()

    rng = random.Random(9)
    pieces = [b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"a", b",", b"\xc2\xa0", b"\x85"]
    for _ in range(20_000):
        data = b"".join(rng.choices(pieces, k=rng.choice([0, 1, 63, 64, 65, 130, 300])))
        if rng.random() < 0.3:
            data = b" " * rng.randint(0, 300) + data + b"\n" * rng.randint(0, 300)
        assert _maybe_blank(data) == by_stripping(data), data

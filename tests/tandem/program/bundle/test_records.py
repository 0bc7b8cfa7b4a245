"""Decoding one file and splitting it into records, each with its line (no database)."""

from __future__ import annotations

import pytest

from tandem.program.bundle.problems import ProblemLog
from tandem.program.bundle.records import CsvStream, _maybe_blank, parse_csv


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

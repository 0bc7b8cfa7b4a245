"""Issue #19: hostile bundles are refused whole, naming the file and line (or zip entry).

Out-of-range numbers, over-long text, cells past the reader's limit with and
without quotes, and zip entries that cannot be read: each is refused with a
message a person can act on, the database left exactly as it was, on both
backends.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tandem.program.bundle import BundleError, import_bundle, import_bundle_bytes
from tandem.program.bundle.reader import MAX_BLANK_LINES
from tandem.program.bundle.records import MAX_FIELD_CHARS

from .conftest import SAMPLE, sample_text, unchanged


def _edit(name: str, line: int, column: str, value: str) -> str:
    """The sample file with one cell of one unquoted row replaced."""
    lines = sample_text(name).splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    return "\n".join(lines) + "\n"


# (case id, files to replace, the exact problem line expected)
OUT_OF_RANGE: list[tuple[str, dict[str, str], str]] = [
    (
        "max_mentees past int32",
        {"people_csv": _edit("people.csv", 2, "max_mentees", "3000000000")},
        "people.csv:2: column max_mentees: must be between 0 and 100, got 3000000000",
    ),
    (
        "max_mentees past any integer type",
        {"people_csv": _edit("people.csv", 3, "max_mentees", "99999999999999999999999")},
        "people.csv:3: column max_mentees: must be between 0 and 100, got '9999999999999999999…'",
    ),
    (
        "max_mentees just above its range",
        {"people_csv": _edit("people.csv", 7, "max_mentees", "101")},
        "people.csv:7: column max_mentees: must be between 0 and 100, got 101",
    ),
    (
        "monthly hours past a month",
        {"people_csv": _edit("people.csv", 2, "monthly_hours", "745")},
        "people.csv:2: column monthly_hours: must be between 0 and 744, got 745",
    ),
    (
        "huge tenure",
        {"people_csv": _edit("people.csv", 2, "tenure_years", "99999999999999999999999")},
        "people.csv:2: column tenure_years: must be between 0 and 80, got '9999999999999999999…'",
    ),
    (
        "tenure as an overflowing exponent",
        {"people_csv": _edit("people.csv", 2, "tenure_years", "1e999")},
        "people.csv:2: column tenure_years: expected a number, got '1e999'",
    ),
    (
        "duration past a day",
        {"checkins_csv": _edit("checkins.csv", 2, "duration_minutes", "99999999999")},
        "checkins.csv:2: column duration_minutes: must be between 0 and 1440, got 99999999999",
    ),
    (
        "name over 200 characters",
        {"people_csv": _edit("people.csv", 8, "name", "N" * 201)},
        "people.csv:8: column name: text is 201 characters long; at most 200 are allowed",
    ),
    (
        "title over 10,000 characters",
        {"people_csv": _edit("people.csv", 9, "title", "T" * 10_001)},
        "people.csv:9: column title: text is 10,001 characters long; at most 10,000 are allowed",
    ),
    (
        "list over 10,000 characters",
        {"people_csv": _edit("people.csv", 10, "strengths", "s;" * 5_001)},
        "people.csv:10: column strengths: text is 10,002 characters long; "
        "at most 10,000 are allowed",
    ),
    (
        "objective over 10,000 characters",
        {"pairings_csv": _edit("pairings.csv", 2, "objective", "O" * 10_001)},
        "pairings.csv:2: column objective: text is 10,001 characters long; "
        "at most 10,000 are allowed",
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [c[1:] for c in OUT_OF_RANGE], ids=[c[0] for c in OUT_OF_RANGE]
)
def test_out_of_range_values_are_refused_the_same_on_both_backends(
    engine: Engine, make_bundle: Callable[..., Path], files: dict[str, str], expected: str
) -> None:
    import_bundle(engine, SAMPLE)
    bundle = make_bundle(**files)
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    assert [str(p) for p in raised.value.problems] == [expected]


def test_values_at_the_edges_of_their_ranges_import(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    people = _edit("people.csv", 2, "max_mentees", "100")
    people = people.replace(",EMEA,,14,", ",EMEA,,80,")  # p001's tenure
    people = people.replace(",discussion,4,", ",discussion,744,")  # p001's monthly hours
    bundle = make_bundle(people_csv=people)
    report = import_bundle(engine, bundle)
    assert report.files["people.csv"].rows == 20


def _long_feedback(length: int, *, quoted: bool) -> str:
    """The sample's feedback without its quoted rows, one note ``length`` characters long.

    ``quoted`` adds one quoted cell elsewhere, which sends the file down the
    csv module's path instead of the fast one for files without quotes.
    """
    lines = [line for line in sample_text("feedback.csv").splitlines() if '"' not in line]
    lines = [line for line in lines if line.count(",") == 8]
    lines.append(f"fb-900,,,2025-07-01,other,lead,,{'x' * length},")
    if quoted:
        lines.append('fb-901,,,2025-07-01,other,lead,,"quoted, with a comma",')
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("quoted", [False, True], ids=["without quotes", "with a quoted cell"])
@pytest.mark.parametrize("length", [131_073, MAX_FIELD_CHARS + 1])
def test_one_limit_for_long_cells_whatever_the_quoting(
    engine: Engine, make_bundle: Callable[..., Path], quoted: bool, length: int
) -> None:
    bundle = make_bundle(feedback_csv=_long_feedback(length, quoted=quoted))
    line = len(_long_feedback(length, quoted=False).splitlines())
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    if length <= MAX_FIELD_CHARS:
        expected = (
            f"feedback.csv:{line}: column text: text is {length:,} characters long; "
            "at most 10,000 are allowed"
        )
    else:
        expected = (
            f"feedback.csv:{line}: a field is longer than {MAX_FIELD_CHARS:,} characters; "
            "is it really CSV?"
        )
    assert [str(p) for p in raised.value.problems] == [expected]


# --- Zip entries that cannot be read -----------------------------------------


def _entries() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(SAMPLE.glob("*.csv"))}


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patch(data: bytes, name: str, change: Callable[[bytearray, int, int], None]) -> bytes:
    """Apply ``change(buffer, local_header_offset, central_header_offset)`` for entry ``name``."""
    buffer = bytearray(data)
    local = central = -1
    encoded = name.encode()
    for signature, size in ((b"PK\x03\x04", 30), (b"PK\x01\x02", 46)):
        start = 0
        while (start := buffer.find(signature, start)) >= 0:
            # The entry's name follows the fixed part of its header.
            if buffer[start + size : start + size + len(encoded)] == encoded:
                if signature == b"PK\x03\x04":
                    local = start
                else:
                    central = start
                break
            start += 4
    assert local >= 0 and central >= 0
    change(buffer, local, central)
    return bytes(buffer)


def _encrypted(buffer: bytearray, local: int, central: int) -> None:
    buffer[local + 6] |= 0x1
    buffer[central + 8] |= 0x1


def _deflate64(buffer: bytearray, local: int, central: int) -> None:
    struct.pack_into("<H", buffer, local + 8, 9)
    struct.pack_into("<H", buffer, central + 10, 9)


def _bad_crc(buffer: bytearray, local: int, central: int) -> None:
    crc = struct.unpack_from("<I", buffer, central + 16)[0] ^ 0xFFFF
    struct.pack_into("<I", buffer, local + 14, crc)
    struct.pack_into("<I", buffer, central + 16, crc)


def _corrupt_stream(buffer: bytearray, local: int, central: int) -> None:
    name_length, extra_length = struct.unpack_from("<HH", buffer, local + 26)
    start = local + 30 + name_length + extra_length
    buffer[start : start + 16] = b"\xff" * 16


ZIP_CASES = [
    ("encrypted", _encrypted, zipfile.ZIP_DEFLATED, "is encrypted"),
    ("deflate64", _deflate64, zipfile.ZIP_DEFLATED, "uses a compression method"),
    ("bad CRC", _bad_crc, zipfile.ZIP_STORED, "is corrupt (Bad CRC-32"),
    ("corrupt deflate stream", _corrupt_stream, zipfile.ZIP_DEFLATED, "is corrupt: its"),
]


@pytest.mark.parametrize(
    ("change", "method", "expected"), [c[1:] for c in ZIP_CASES], ids=[c[0] for c in ZIP_CASES]
)
def test_unreadable_zip_entries_are_refused_naming_the_entry(
    engine: Engine,
    tmp_path: Path,
    change: Callable[[bytearray, int, int], None],
    method: int,
    expected: str,
) -> None:
    import_bundle(engine, SAMPLE)
    data = _patch(_zip(_entries(), method), "checkins.csv", change)
    path = tmp_path / "hostile.zip"
    path.write_bytes(data)
    for importing in (
        lambda: import_bundle(engine, path),
        lambda: import_bundle_bytes(engine, "hostile.zip", data, actor="admin"),
    ):
        with unchanged(engine), pytest.raises(BundleError) as raised:
            importing()
        problems = [str(p) for p in raised.value.problems]
        assert len(problems) == 1, problems
        assert problems[0].startswith(f"hostile.zip: entry 'checkins.csv' {expected}"), problems


@pytest.mark.parametrize("header", [True, False], ids=["after a header", "only blank lines"])
def test_a_zip_of_hundreds_of_megabytes_of_blank_lines_stops_early(
    engine: Engine, tmp_path: Path, header: bool
) -> None:
    """A 600 KB zip of 600 MB of blank lines is refused as soon as the run is seen."""
    head = b"checkin_id,pairing_id,date\n" if header else b""
    entries = {**_entries(), "checkins.csv": head + b"\n" * 600_000_000}
    path = tmp_path / "blank.zip"
    path.write_bytes(_zip(entries))
    assert path.stat().st_size < 1_000_000
    started = time.perf_counter()
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, path)
    assert time.perf_counter() - started < 20
    line = 2 if header else 1
    assert [str(p) for p in raised.value.problems] == [
        f"checkins.csv:{line}: more than {MAX_BLANK_LINES:,} blank lines in a row from here; "
        "is this really the CSV file?"
    ]


@pytest.mark.parametrize("quoted", [False, True], ids=["without quotes", "with a quoted cell"])
def test_blank_lines_short_of_the_limit_are_skipped(
    engine: Engine, make_bundle: Callable[..., Path], quoted: bool
) -> None:
    lines = sample_text("checkins.csv").splitlines()
    if quoted:
        lines[1] = lines[1].replace("pr-001", '"pr-001"', 1)
    blank = "\r\n" * (MAX_BLANK_LINES - 1)
    text = "\n".join(lines[:3]) + "\n" + blank + "\n".join(lines[3:]) + "\n" + ",,,\n" * 1_000
    report = import_bundle(engine, make_bundle(checkins_csv=text))
    assert report.files["checkins.csv"].rows == len(lines) - 1
    # A problem after the blank lines is on its true line.
    bad = text.replace("ci-0043,pr-011,", "ci-0043,pr-404,")
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, make_bundle(checkins_csv=bad))
    assert [str(p).split(": column")[0] for p in raised.value.problems] == [
        f"checkins.csv:{len(lines) + MAX_BLANK_LINES - 1}"
    ]


def test_a_folder_file_of_blank_lines_stops_early(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    bundle = make_bundle(people_csv=b"\r\n" * (MAX_BLANK_LINES + 2))
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    assert [str(p) for p in raised.value.problems] == [
        f"people.csv:1: more than {MAX_BLANK_LINES:,} blank lines in a row from here; "
        "is this really the CSV file?"
    ]


@pytest.mark.parametrize("extra", [1, 0], ids=["one too many", "exactly the limit"])
def test_a_run_of_blank_lines_across_two_reads_is_found(extra: int) -> None:
    """The run starts near the end of one 16 MB read and spills a little into the next."""
    from tandem.program.bundle import reader
    from tandem.program.bundle.problems import ProblemLog

    run = MAX_BLANK_LINES + 1 + extra  # line breaks: the first ends the line "xxx…"
    rows = (reader._READ_CHUNK - 4 - (run - 100)) // 4
    head = b"a,b\n" + b"1,2\n" * rows
    head += b"x" * (reader._READ_CHUNK - len(head) - (run - 100))  # the run's last 100 spill over
    log = ProblemLog()
    data = reader._read_limited(io.BytesIO(head + b"\n" * run + b"3,4\n"), "f.csv", log)
    if extra > 0:
        assert data is None
        assert [str(p) for p in log.problems] == [
            f"f.csv:{rows + 3}: more than {MAX_BLANK_LINES:,} blank lines in a row from here; "
            "is this really the CSV file?"
        ]
    else:
        assert data is not None and not log

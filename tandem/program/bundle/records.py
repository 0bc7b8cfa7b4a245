"""One bundle file's bytes → decoded CSV records, each with the line it starts on.

Nothing here knows the columns: it decodes UTF-8 (BOM accepted) and splits
RFC 4180 records a chunk at a time, remembering the line each record starts
on so that every later problem can name it, and reports a file that cannot
be read (bad encoding, malformed quoting, a NUL byte, rows of the wrong width).
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from itertools import islice

import numpy as np

from tandem.program.bundle.problems import ProblemLog

# The longest field the reader accepts, on every path (with quotes or without):
# well above any column's limit, so that a long cell is refused by the
# validator naming its column, and a file that is one endless field stops early.
MAX_FIELD_CHARS = 1_048_576
csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))


@dataclass
class CsvTable:
    """One file's records: the header, and the rows with the line each starts on."""

    filename: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]


# Records per chunk when a file is read as a stream: big enough that the
# per-chunk overhead vanishes, small enough that a chunk of feedback (the
# widest rows) stays in the tens of megabytes.
CHUNK_ROWS = 50_000


@dataclass
class CsvChunk:
    """Consecutive records of one file and the line each starts on.

    The records come as ``rows``, or (from a file without quotes) as one flat
    list of ``fields``, ``width`` per record; :meth:`column_lists` gives
    columns either way.
    """

    rows: list[list[str]] | None
    lines: np.ndarray  # int64, one per record
    fields: list[str] | None = None
    width: int = 0  # of each record in ``fields``

    def __len__(self) -> int:
        return len(self.lines)

    def column_lists(self, width: int, wanted: Collection[int] | None = None) -> list[list[str]]:
        """The columns in header order; only those ``wanted`` (positions) are filled, if given.

        The validator ignores the columns it does not know (an export's
        derived ones): not building them saves a pass over every cell.
        """
        keep = range(width) if wanted is None else wanted
        if self.fields is not None:
            fields = self.fields
            return [fields[i::width] if i in keep else [] for i in range(width)]
        assert self.rows is not None
        rows = self.rows
        # One C-level pass per column (zip(*rows) is several times slower).
        return [list(map(operator.itemgetter(i), rows)) if i in keep else [] for i in range(width)]

    def row_lists(self) -> list[list[str]]:
        if self.rows is not None:
            return self.rows
        assert self.fields is not None
        fields, width = self.fields, self.width
        return [fields[i : i + width] for i in range(0, len(fields), width)]


class CsvStream:
    """One file's records, read a chunk at a time (the decoded file is never held whole).

    ``header`` is known once the stream is opened.  Iterating yields
    :class:`CsvChunk` s; records of the wrong width are logged and left out,
    blank lines are skipped.  If the file turns out to be unreadable half way
    (malformed quoting, a byte that is not UTF-8), ``failed`` becomes True,
    iteration stops, and ``log`` holds exactly the problems a whole-file read
    reports: the caller must drop whatever it did with the chunks it had.
    """

    def __init__(
        self, filename: str, data: bytes, log: ProblemLog, chunk_rows: int | None = None
    ) -> None:
        self.filename = filename
        self.data = data
        self.log = log
        self.chunk_rows = chunk_rows or CHUNK_ROWS
        # Bytes per chunk of a file without quotes (about as many records as chunk_rows).
        self.chunk_bytes = max(1, self.chunk_rows * 64)
        self.failed = False
        self.header: list[str] = []
        self._reader: Iterator[list[str]] | None = None
        self._line_num: Callable[[], int] = lambda: 0

    def open(self) -> bool:
        """Read the header; False (with the problem logged) if the file is unusable."""
        data = self.data
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
            self.data = data
        if _maybe_blank(data) or b"\0" in data:
            # Rare shapes: decode the whole file so every check and message is
            # exactly the whole-file one (encoding first, then emptiness, then NUL).
            text = _decode(self.filename, data, self.log)
            if text is None:
                return False
            if not text.strip():
                self.log.add(self.filename, 1, None, "file is empty, expected a header row")
                return False
            nul = text.find("\0")
            if nul >= 0:
                line = text.count("\n", 0, nul) + 1
                self.log.add(
                    self.filename, line, None, "file contains a NUL byte; is it really a CSV file?"
                )
                return False
        stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
        reader = csv.reader(stream, strict=True)
        try:
            header = next(reader)
        except (csv.Error, UnicodeDecodeError):
            return self._fail()
        if not any(cell.strip() for cell in header):
            # A file that is not UTF-8 says so first, wherever the bad byte is.
            if _decode(self.filename, data, self.log) is not None:
                self.log.add(self.filename, 1, None, "line 1 is blank, expected a header row")
            return False
        self.header = header
        self._reader = reader
        self._line_num = lambda: reader.line_num
        return True

    def __iter__(self) -> Iterator[CsvChunk]:
        reader = self._reader
        if reader is None:
            return
        width = len(self.header)
        data = self.data
        # Line by line when every record is one line: no quotes, no lone CR.
        if b'"' not in data and data.count(b"\r") == data.count(b"\r\n"):
            yield from self._line_chunks(width)
        else:
            yield from self._csv_chunks(reader, 0, width)

    def _csv_chunks(
        self, reader: Iterator[list[str]], offset: int, width: int
    ) -> Iterator[CsvChunk]:
        """Chunks as the csv module reads them; ``offset`` lines came before the reader's first."""
        line_num: Callable[[], int] = lambda: reader.line_num  # type: ignore[attr-defined]  # noqa: E731
        while True:
            before = line_num()
            try:
                records = list(islice(reader, self.chunk_rows))
            except (csv.Error, UnicodeDecodeError):
                self._fail()
                return
            if not records:
                return
            starts = _start_lines(records, offset + before, line_num() - before)
            chunk = _regular(self.filename, records, starts, width, self.log)
            if len(chunk):
                yield chunk

    def _line_chunks(self, width: int) -> Iterator[CsvChunk]:
        """Chunks of a file without quotes: every line is one record, split at commas.

        ``str.split`` gives exactly the csv module's fields there, several
        times faster, and the columns come out by slicing the flat list of
        fields.  (Tried: the same for the lines without quotes of a file that
        has some, the others through the csv module: no faster on exported
        people, pairings and feedback, where quoted lines are common.)
        """
        data = self.data
        start = data.find(b"\n") + 1  # the header is line 1 (one line: no quotes)
        line = 2
        if start == 0:
            return
        blank = "," * (width - 1)  # the csv module skips a line of only commas
        while start < len(data):
            start, line = _skip_blank_lines(data, start, line)
            if start >= len(data):
                return
            end = data.find(b"\n", start + self.chunk_bytes)
            end = len(data) if end < 0 else end + 1
            try:
                # A cut after a newline never splits a UTF-8 character.
                text = data[start:end].decode("utf-8")
            except UnicodeDecodeError:
                self._fail()
                return
            if "\r" in text:
                text = text.replace("\r\n", "\n")
            lines = text.split("\n")
            del text
            if lines[-1] == "":
                lines.pop()
            if max(map(len, lines), default=0) > MAX_FIELD_CHARS and any(
                len(field) > MAX_FIELD_CHARS for line_ in lines for field in line_.split(",")
            ):
                self._fail()  # reported exactly as the csv module's limit reports it
                return
            n = len(lines)
            starts = np.arange(line, line + n, dtype=np.int64)
            commas = np.fromiter(map(_COUNT_COMMAS, lines), dtype=np.int64, count=n)
            if (commas == width - 1).all() and "" not in lines and blank not in lines:
                yield CsvChunk(None, starts, ",".join(lines).split(","), width)
            else:
                # Blank or ragged lines: as records, checked like the csv module's.
                records = [line_.split(",") if line_ else [] for line_ in lines]
                chunk = _regular(self.filename, records, starts, width, self.log)
                if len(chunk):
                    yield chunk
            start = end
            line += n

    def _fail(self) -> bool:
        """Replace this file's problems by a whole-file read's (which stops at the error)."""
        self.failed = True
        self._reader = None
        self.log.clear()
        _parse_whole(self.filename, self.data, self.log)
        return False


# Bytes looked at a time when jumping over blank lines.
_BLANK_WINDOW = 1 << 22
_BLANK_BYTES = frozenset(b",\r\n")


def _skip_blank_lines(data: bytes, start: int, line: int) -> tuple[int, int]:
    """Jump over the blank lines (only commas and line breaks) at ``start``.

    The csv module skips them one by one; a file of millions of them (a
    tiny zip can hold hundreds of megabytes) is passed over here a window of
    bytes at a time, in C.  Returns the new start and its line number.
    """
    while start < len(data) and data[start] in _BLANK_BYTES:
        window = data[start : start + _BLANK_WINDOW]
        rest = window.lstrip(b",\r\n")
        # Only whole lines are skipped: up to the last line break of the blank run.
        cut = window.rfind(b"\n", 0, len(window) - len(rest)) + 1
        if cut == 0:
            break
        line += window.count(b"\n", 0, cut)
        start += cut
        if rest:
            break
    return start, line


def _maybe_blank(data: bytes) -> bool:
    """Whether the file might be only whitespace (then it is decoded whole to check).

    True when ``data.strip()`` is under 64 bytes or its first 64 bytes decode
    to whitespace only; found without copying a large file to strip it.
    """
    first = _NOT_SPACE.search(data)
    if first is None:
        return True
    start = first.start()
    window = max(start, len(data) - 128)
    tail = data[window:].rstrip()
    # (Only a whitespace tail longer than the window makes it strip the rest.)
    end = window + len(tail) if tail else start + len(data[start:window].rstrip())
    return end - start < 64 or not data[start : start + 64].decode("utf-8", "ignore").strip()


# What bytes.strip() keeps: anything but ASCII whitespace.
_NOT_SPACE = re.compile(rb"[^ \t\n\r\x0b\x0c]")


def _decode(filename: str, data: bytes, log: ProblemLog) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        log.add(
            filename,
            line,
            None,
            f"file is not UTF-8 (byte 0x{byte:02X} cannot be decoded); "
            "save it as UTF-8 (in Excel: CSV UTF-8)",
        )
        return None


def _line_breaks(record: list[str]) -> int:
    """Line breaks inside a record's (quoted) fields: each of \\r\\n, \\r and \\n is one."""
    joined = "\0".join(record)  # NUL never occurs in a read file: no false \r\n across fields
    return joined.count("\n") + joined.count("\r") - joined.count("\r\n")


def _start_lines(records: list[list[str]], before: int, consumed: int) -> np.ndarray:
    """The line each record starts on, given the lines read before and for them."""
    if consumed == len(records):  # the common case: one record per line
        return np.arange(before + 1, before + 1 + len(records), dtype=np.int64)
    spans = np.fromiter(map(_line_breaks, records), dtype=np.int64, count=len(records)) + 1
    starts = np.empty(len(records), dtype=np.int64)
    starts[0] = before + 1
    np.cumsum(spans[:-1], out=starts[1:])
    starts[1:] += before + 1
    return starts


def _regular(
    filename: str, records: list[list[str]], starts: np.ndarray, width: int, log: ProblemLog
) -> CsvChunk:
    """The records of the header's width; others logged (blank lines skipped silently)."""
    widths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    regular = widths == width
    # A record whose fields are all empty is a blank line (or a line of commas): skipped.
    # Only records with an empty first field can be blank: check just those.
    filled = np.ones(len(records), dtype=bool)
    if widths.min(initial=1) == 0 or "" in map(_FIRST_FIELD, records):
        for index, record in enumerate(records):
            if not record or not record[0]:
                filled[index] = any(record)
    for index in np.flatnonzero(filled & ~regular).tolist():
        _irregular(filename, int(starts[index]), records[index], width, log)
    keep = regular & filled
    if keep.all():
        return CsvChunk(records, starts)
    where = np.flatnonzero(keep)
    return CsvChunk([records[i] for i in where.tolist()], starts[where])


_FIRST_FIELD = operator.itemgetter(0)
_COUNT_COMMAS = operator.methodcaller("count", ",")


def parse_csv(filename: str, data: bytes, log: ProblemLog) -> CsvTable | None:
    """Decode and split one whole file; problems go to ``log`` (None when unreadable)."""
    own = ProblemLog()
    stream = CsvStream(filename, data, own)
    rows: list[list[str]] = []
    lines: list[int] = []
    if stream.open():
        for chunk in stream:
            rows.extend(chunk.row_lists())
            lines.extend(chunk.lines.tolist())
    log.merge(own)
    if not stream.header or stream.failed:
        return None
    return CsvTable(filename, stream.header, rows, lines)


def _parse_whole(filename: str, data: bytes, log: ProblemLog) -> None:
    """The record-by-record read, only to report an unreadable file exactly.

    Logs the problems of a file that fails half way: the records of the wrong
    width before the failure, then the failure itself with its line.
    """
    text = _decode(filename, data, log)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous = 0
    try:
        header = next(reader)
        width = len(header)
        previous = reader.line_num
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if len(record) != width:
                _irregular(filename, start, record, width, log)
    except csv.Error as error:
        message = f"malformed CSV: {error}"
        if "field larger than field limit" in str(error):
            message = f"a field is longer than {MAX_FIELD_CHARS:,} characters; is it really CSV?"
        log.add(filename, previous + 1, None, message)


def _irregular(filename: str, line: int, record: list[str], width: int, log: ProblemLog) -> None:
    """A record of the wrong width is a problem, unless it is a blank line."""
    if any(record):
        log.add(filename, line, None, f"row has {_fields(len(record))} but the header has {width}")


def _fields(count: int) -> str:
    return f"{count} field" if count == 1 else f"{count} fields"

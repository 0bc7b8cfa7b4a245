"""Validating a bundle column by column, then across files.

Cells are checked a whole column at a time: each *distinct* raw value is
parsed once (a million check-ins have a few thousand dates and five ratings),
and the per-row results are spread back with C-level ``map`` passes into
numpy masks.  Measured on 300k check-ins this is several times faster than
pandas' ``.str`` accessors on object columns, which loop in Python per cell.
Every problem goes to the :class:`ProblemLog` with its file, the line the
record starts on and the column, so the report can name each one.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tandem.bundle.formulas import QUOTE, restore_formula
from tandem.bundle.problems import ProblemLog
from tandem.bundle.reader import CsvTable
from tandem.bundle.spec import Column, FileSpec

_DATE_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_INT_SHAPE = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER_SHAPE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass
class FileData:
    """One file's validated rows: Python values per column (None = missing)."""

    spec: FileSpec
    lines: np.ndarray
    values: dict[str, list[Any]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # columns the header has

    @property
    def size(self) -> int:
        return len(self.lines)


@dataclass
class Existing:
    """What the database already holds that a bundle may refer to."""

    ids: dict[str, set[str]] = field(default_factory=dict)  # stem -> ids
    emails: dict[str, str] = field(default_factory=dict)  # lower(email) -> person_id


def _show(value: Any, limit: int = 60) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _mask(container: Collection[Any], values: Sequence[Any]) -> np.ndarray:
    """Row mask: which values are in ``container`` (one C-level pass)."""
    return np.fromiter(map(container.__contains__, values), dtype=bool, count=len(values))


class _Reporter:
    """Adds problems for the rows selected by a mask, building messages lazily."""

    def __init__(self, log: ProblemLog, data: FileData) -> None:
        self.log = log
        self.data = data

    def rows(self, column: str, mask: np.ndarray, message: Callable[[int], str]) -> None:
        where = np.flatnonzero(mask)
        if where.size == 0:
            return
        self.log.add_rows(
            self.data.spec.filename,
            self.data.lines[where].tolist(),
            column,
            (message(int(i)) for i in where),
            int(where.size),
        )


def map_header(spec: FileSpec, table: CsvTable, log: ProblemLog) -> dict[str, int]:
    """Bundle column name → position in the file, with header problems logged."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(table.header):
        key = raw.strip().lower()
        if key in spec.by_name:
            if key in positions:
                log.add(
                    spec.filename,
                    1,
                    key,
                    f"duplicate column (fields {positions[key] + 1} and {index + 1} "
                    "of the header both have this name)",
                )
            else:
                positions[key] = index
        elif key in spec.derived:
            continue  # export-only, derived by the dashboard
        elif key:
            log.warn(f"{spec.filename}:1: column {raw.strip()}: unknown column; ignored")
        else:
            log.warn(f"{spec.filename}:1: field {index + 1} of the header has no name; ignored")
    for column in spec.columns:
        if column.required and column.name not in positions:
            log.add(spec.filename, 1, column.name, "required column is missing")
    return positions


def validate_file(spec: FileSpec, table: CsvTable, log: ProblemLog) -> FileData:
    """Check and convert every cell of one file (no cross-file checks).

    Consumes ``table``: its rows are released once split into columns.
    """
    positions = map_header(spec, table, log)
    data = FileData(spec, np.asarray(table.lines, dtype=np.int64))
    data.present = set(positions)
    # Column-wise: one C-level pass per column (zip(*rows) is several times slower).
    columns = [list(map(operator.itemgetter(i), table.rows)) for i in range(len(table.header))]
    # The row lists are no longer needed: free them before the conversions
    # allocate (a million rows of lists is hundreds of MB).
    table.rows = []
    report = _Reporter(log, data)
    n = data.size
    for column in spec.all_columns:
        if column.name not in positions:
            if column not in spec.optional:
                data.values[column.name] = [column.default] * n
            continue
        cells: Sequence[str] = columns[positions[column.name]]
        data.values[column.name] = _convert(column, cells, report)
    _check_unique_ids(spec.id_column.name, data, report)
    for column in spec.columns:
        if column.not_before and column.name in positions:
            _check_order(column, data, report)
    return data


def _convert(column: Column, cells: Sequence[str], report: _Reporter) -> list[Any]:
    if column.kind == "text":
        values, missing = _text_values(column, cells, report)
    elif column.kind == "id":
        values, missing = _id_values(column, cells, report)
    else:
        values, missing = _by_unique(column, cells, report, _PARSERS[column.kind])
    if column.required:
        report.rows(column.name, missing, lambda i: "required value is missing")
    if column.default is not None and missing.any():
        values = [column.default if v is None else v for v in values]
    return values


def _text_values(
    column: Column, cells: Sequence[str], report: _Reporter
) -> tuple[list[Any], np.ndarray]:
    """Text is kept as written (not trimmed); only the formula quote is removed."""
    n = len(cells)
    if column.trim:
        cells = list(map(str.strip, cells))
    present = np.fromiter(map(bool, map(str.strip, cells)), dtype=bool, count=n)
    restored = list(map(restore_formula, cells))
    if column.max_length is not None:
        lengths = np.fromiter(map(len, restored), dtype=np.int64, count=n)
        report.rows(
            column.name,
            lengths > column.max_length,
            lambda i: (
                f"text is {int(lengths[i])} characters long; "
                f"at most {column.max_length:,} are allowed"
            ),
        )
    values = [v if p else None for v, p in zip(restored, present.tolist(), strict=True)]
    return values, ~present


def _id_values(
    column: Column, cells: Sequence[str], report: _Reporter
) -> tuple[list[Any], np.ndarray]:
    n = len(cells)
    stripped = list(map(str.strip, cells))
    if any(map(operator.methodcaller("startswith", QUOTE), stripped)):
        stripped = list(map(restore_formula, stripped))
    lengths = np.fromiter(map(len, stripped), dtype=np.int64, count=n)
    limit = column.max_length or 64
    report.rows(
        column.name,
        lengths > limit,
        lambda i: f"ID is {int(lengths[i])} characters long; at most {limit} are allowed",
    )
    return [s or None for s in stripped], lengths == 0


def _by_unique(
    column: Column,
    cells: Sequence[str],
    report: _Reporter,
    parse: Callable[[Column, str], Any],
) -> tuple[list[Any], np.ndarray]:
    """Parse each distinct raw value once, then spread results back to the rows."""
    table: dict[str, Any] = {}
    errors: dict[str, str] = {}
    blank: set[str] = set()
    for raw in set(cells):
        text = raw.strip()
        if not text:
            blank.add(raw)
            table[raw] = None
            continue
        try:
            table[raw] = parse(column, text)
        except ValueError as error:
            table[raw] = None
            errors[raw] = str(error)
    values = list(map(table.__getitem__, cells))
    if errors:
        report.rows(column.name, _mask(errors, cells), lambda i: errors[cells[i]])
    missing = _mask(blank, cells) if blank else np.zeros(len(cells), dtype=bool)
    return values, missing


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _check_range(column: Column, number: float, text: str) -> None:
    lo, hi = column.minimum, column.maximum
    if (lo is None or number >= lo) and (hi is None or number <= hi):
        return
    if lo is not None and hi is not None:
        raise ValueError(f"must be between {_fmt(lo)} and {_fmt(hi)}, got {text}")
    if lo is not None:
        raise ValueError(f"must be at least {_fmt(lo)}, got {text}")
    raise ValueError(f"must be at most {_fmt(hi)}, got {text}")


def _parse_int(column: Column, text: str) -> int:
    if not _INT_SHAPE.fullmatch(text):
        raise ValueError(f"expected a whole number, got {_show(text)}")
    number = int(text.split(".", 1)[0])
    _check_range(column, number, text)
    return number


def _parse_number(column: Column, text: str) -> float:
    if not _NUMBER_SHAPE.fullmatch(text):
        raise ValueError(f"expected a number, got {_show(text)}")
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"expected a number, got {_show(text)}")
    _check_range(column, number, text)
    return number


def parse_date(text: str) -> dt.date | None:
    """An ISO date, or the date part of an ISO timestamp (as written); None if invalid."""
    if not _DATE_SHAPE.fullmatch(text):
        return None
    try:
        if len(text) > 10:
            return dt.datetime.fromisoformat(text.replace("z", "Z")).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    """An ISO date or timestamp as a naive UTC datetime (offsets converted); None if invalid."""
    if not _DATE_SHAPE.fullmatch(text):
        return None
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day)
        stamp = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp


def _parse_date(column: Column, text: str) -> dt.date:
    day = parse_date(text)
    if day is None:
        raise ValueError(f"expected a date YYYY-MM-DD, got {_show(text)}")
    return day


def _parse_datetime(column: Column, text: str) -> dt.datetime:
    stamp = parse_datetime(text)
    if stamp is None:
        raise ValueError(
            f"expected a date YYYY-MM-DD or a timestamp YYYY-MM-DDTHH:MM:SS, got {_show(text)}"
        )
    return stamp


def _parse_enum(column: Column, text: str) -> str:
    lowered = text.lower()
    if lowered not in column.choices:
        raise ValueError(f"expected one of {', '.join(column.choices)}; got {_show(text)}")
    return lowered


def normalise_list(text: str) -> str | None:
    """``"a ; B;;a"`` → ``"a;B"``: trimmed, empties dropped, case-insensitive duplicates dropped."""
    seen: set[str] = set()
    items: list[str] = []
    for item in text.split(";"):
        item = item.strip()
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item)
    return ";".join(items) or None


def _parse_list(column: Column, text: str) -> str | None:
    return normalise_list(restore_formula(text))


_PARSERS: dict[str, Callable[[Column, str], Any]] = {
    "int": _parse_int,
    "number": _parse_number,
    "date": _parse_date,
    "datetime": _parse_datetime,
    "enum": _parse_enum,
    "list": _parse_list,
}


def _first_lines(values: Sequence[Any], data: FileData) -> tuple[np.ndarray, dict[Any, int]]:
    """Rows repeating an earlier non-empty value, and the line of each first occurrence."""
    first: dict[Any, int] = {}
    repeated = np.zeros(len(values), dtype=bool)
    for index, value in enumerate(values):
        if value is None:
            continue
        if value in first:
            repeated[index] = True
        else:
            first[value] = int(data.lines[index])
    return repeated, first


def _check_unique_ids(name: str, data: FileData, report: _Reporter) -> None:
    ids = data.values[name]
    filled = [v for v in ids if v is not None]
    if len(set(filled)) == len(filled):
        return
    repeated, first = _first_lines(ids, data)
    report.rows(
        name,
        repeated,
        lambda i: f"duplicate ID {_show(ids[i])} (first on line {first[ids[i]]})",
    )


def _check_order(column: Column, data: FileData, report: _Reporter) -> None:
    assert column.not_before is not None
    later = data.values[column.name]
    earlier = data.values[column.not_before]
    before = np.fromiter(
        (a is not None and b is not None and a < b for a, b in zip(later, earlier, strict=True)),
        dtype=bool,
        count=data.size,
    )
    report.rows(
        column.name,
        before,
        lambda i: f"{later[i].isoformat()} is before {column.not_before} {earlier[i].isoformat()}",
    )


# --- Across files -------------------------------------------------------------


def check_references(
    files: dict[str, FileData],
    existing: Existing,
    log: ProblemLog,
    *,
    unreadable: Collection[str] = (),
) -> None:
    """References resolve against the bundle's rows or rows already in the database.

    References into a file that could not be read at all (``unreadable``
    stems) are not checked: that file's own problem says it all.
    """
    known: dict[str, set[Any]] = {}
    for stem, ids in existing.ids.items():
        known[stem] = set(ids)
    for data in files.values():
        known.setdefault(data.spec.stem, set()).update(data.values[data.spec.id_column.name])
    for targets in known.values():
        targets.add(None)  # an empty reference is not an unknown one
    for data in files.values():
        report = _Reporter(log, data)
        for column in data.spec.columns:
            if column.ref is None or column.name not in data.present:
                continue
            if column.ref in unreadable:
                continue
            values = data.values[column.name]
            unknown = ~_mask(known.get(column.ref, {None}), values)
            report.rows(column.name, unknown, _unknown_id(values, f"{column.ref}.csv"))


def _unknown_id(values: Sequence[Any], ref_file: str) -> Callable[[int], str]:
    def message(i: int) -> str:
        return f"unknown ID {_show(values[i])}: not in {ref_file} nor in the database"

    return message


def check_pairs(data: FileData, log: ProblemLog) -> None:
    """A person cannot mentor themself."""
    mentor = data.values["mentor_id"]
    mentee = data.values["mentee_id"]
    same = np.fromiter(map(operator.eq, mentor, mentee), dtype=bool, count=data.size)
    same &= np.fromiter((m is not None for m in mentor), dtype=bool, count=data.size)
    _Reporter(log, data).rows(
        "mentee_id",
        same,
        lambda i: (
            f"a person cannot be paired with themself "
            f"(mentor_id and mentee_id are both {_show(mentor[i])})"
        ),
    )


def check_emails(data: FileData, existing: Existing, log: ProblemLog) -> None:
    """Emails are unique (ignoring case) within the bundle and against other people."""
    if "email" not in data.present:
        return
    emails = data.values["email"]
    lowered = [e.lower() if e is not None else None for e in emails]
    report = _Reporter(log, data)
    repeated, first = _first_lines(lowered, data)
    report.rows(
        "email",
        repeated,
        lambda i: f"email {_show(emails[i])} is already used on line {first[lowered[i]]}",
    )
    if not existing.emails:
        return
    in_bundle = set(data.values["person_id"])
    # Only people the bundle does not rewrite keep their email after import.
    others = {e: p for e, p in existing.emails.items() if p not in in_bundle}
    report.rows(
        "email",
        _mask(others, lowered) & ~repeated,
        lambda i: (
            f"email {_show(emails[i])} already belongs to person "
            f"{_show(others[str(lowered[i])])} in the database"
        ),
    )

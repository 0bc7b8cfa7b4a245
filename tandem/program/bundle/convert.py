"""Converting a column of raw cells to typed values, one column kind at a time.

Each *distinct* raw value is parsed once per file (a million check-ins have
a few thousand dates and five ratings) and the results are spread back to
the rows with C-level ``map`` passes; a problem goes to the caller's
reporter with the mask of the rows it concerns.  What a cell may hold is the
column's (``spec.Column``): its kind, range, length limit and default.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Container, Sequence
from typing import Any, Protocol

import numpy as np

from tandem.program.bundle.formulas import QUOTE, restore_formula
from tandem.program.bundle.spec import Column

# Distinct raw values remembered per column across a file's chunks; beyond
# this (timestamps, free lists) the cache starts again rather than grow.
_CACHE_CAP = 100_000

_DATE_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_INT_SHAPE = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER_SHAPE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


class Rows(Protocol):
    """Where a column's problems go: the rows a mask selects, messages built lazily."""

    def rows(self, column: str, mask: np.ndarray, message: Callable[[int], str]) -> None: ...


def show(value: Any, limit: int = 60) -> str:
    """A value as a problem message quotes it, cut to ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def row_mask(container: Container[Any], values: Sequence[Any]) -> np.ndarray:
    """Row mask: which values are in ``container`` (one C-level pass)."""
    return np.fromiter(map(container.__contains__, values), dtype=bool, count=len(values))


def convert_column(
    column: Column,
    cells: Sequence[str],
    report: Rows,
    cache: ParseCache,
    *,
    quotes: bool = True,
) -> list[Any]:
    # Each converter returns the values and a mask of the empty cells, or
    # None when no cell is empty (the common case: no mask to build).
    if column.kind == "text":
        values, missing = _text_values(column, cells, report, quotes=quotes)
    elif column.kind == "id":
        values, missing = _id_values(column, cells, report, quotes=quotes)
    else:
        needed = column.required or column.default is not None
        values, missing = _by_unique(
            column, cells, report, _PARSERS[column.kind], cache, missing=needed
        )
    if missing is None:
        return values
    if column.required:
        report.rows(column.name, missing, lambda i: "required value is missing")
    if column.default is not None and missing.any():
        values = [column.default if v is None else v for v in values]
    return values


# The first character of a cell ("" for an empty one), taken in C.
_FIRST_CHAR = operator.itemgetter(slice(0, 1))


def _restored(cells: list[str], quotes: bool = True) -> list[str]:
    """The cells with formula quotes removed (the list itself when there is none).

    One C-level scan of the first characters finds whether any cell starts
    with a quote; ``quotes`` False (the file has no quote at all) skips even that.
    """
    if quotes and QUOTE in "".join(map(_FIRST_CHAR, cells)):
        return list(map(restore_formula, cells))
    return cells


def _check_length(column: Column, cells: Sequence[str], report: Rows, what: str) -> None:
    """Refuse cells longer than the column allows (one C-level pass when none is)."""
    limit = column.length_limit
    if max(map(len, cells), default=0) <= limit:
        return
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    report.rows(
        column.name,
        lengths > limit,
        lambda i: f"{what} is {int(lengths[i]):,} characters long; at most {limit:,} are allowed",
    )


def _text_values(
    column: Column, cells: Sequence[str], report: Rows, *, quotes: bool = True
) -> tuple[list[Any], np.ndarray | None]:
    """Text is kept as written (not trimmed); only the formula quote is removed."""
    n = len(cells)
    if column.trim:
        cells = list(map(str.strip, cells))
    # str.strip returns the cell itself when there is nothing to strip: cheap.
    stripped = cells if column.trim else list(map(str.strip, cells))
    values: list[Any] = _restored(list(cells), quotes)
    _check_length(column, values, report, "text")
    if "" not in stripped:
        return values, None
    present = np.fromiter(map(bool, stripped), dtype=bool, count=n)
    values = [v if p else None for v, p in zip(values, present.tolist(), strict=True)]
    return values, ~present


def _id_values(
    column: Column, cells: Sequence[str], report: Rows, *, quotes: bool = True
) -> tuple[list[Any], np.ndarray | None]:
    n = len(cells)
    stripped = _restored(list(map(str.strip, cells)), quotes)
    _check_length(column, stripped, report, "ID")
    if "" not in stripped:
        return stripped, None
    missing = np.fromiter(map(operator.not_, stripped), dtype=bool, count=n)
    return [s or None for s in stripped], missing


class ParseCache:
    """One column's parsed distinct raw values, kept across a file's chunks."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}  # raw -> value (None when empty or invalid)
        self.errors: dict[str, str] = {}  # raw -> problem
        self.blank: set[str] = set()  # raw values that are empty

    def trim(self) -> None:
        if len(self.values) > _CACHE_CAP:
            self.values.clear()
            self.errors.clear()
            self.blank.clear()


def _by_unique(
    column: Column,
    cells: Sequence[str],
    report: Rows,
    parse: Callable[[Column, str], Any],
    cache: ParseCache,
    *,
    missing: bool = True,
) -> tuple[list[Any], np.ndarray | None]:
    """Parse each distinct raw value once (per file), then spread results back to the rows.

    The mask of empty cells is built only when ``missing`` asks for it.
    """
    table = cache.values
    distinct: set[str] | None = None
    try:
        # The common case after a file's first chunk: every raw value is known.
        values = list(map(table.__getitem__, cells))
    except KeyError:
        distinct = set(cells)
        for raw in distinct.difference(table):
            text = raw.strip()
            if not text:
                cache.blank.add(raw)
                table[raw] = None
                continue
            try:
                table[raw] = parse(column, text)
            except ValueError as error:
                table[raw] = None
                cache.errors[raw] = str(error)
        values = list(map(table.__getitem__, cells))
    errors = cache.errors
    if not errors and (not missing or not cache.blank):
        return values, None  # no invalid cell in the file so far, nor an empty one that matters
    if distinct is None:
        distinct = set(cells)
    if errors and not errors.keys().isdisjoint(distinct):
        report.rows(column.name, row_mask(errors, cells), lambda i: errors[cells[i]])
    if not missing or cache.blank.isdisjoint(distinct):
        return values, None
    return values, row_mask(cache.blank, cells)


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _check_range(column: Column, number: float | None, text: str) -> None:
    """Refuse a number outside the column's range (None: too long to be inside any)."""
    lo, hi = column.minimum, column.maximum
    if number is not None and (lo is None or number >= lo) and (hi is None or number <= hi):
        return
    text = text if len(text) <= 20 else show(text, 20)
    if lo is not None and hi is not None:
        raise ValueError(f"must be between {_fmt(lo)} and {_fmt(hi)}, got {text}")
    if lo is not None:
        raise ValueError(f"must be at least {_fmt(lo)}, got {text}")
    raise ValueError(f"must be at most {_fmt(hi)}, got {text}")


# Digits beyond which a whole number is out of every column's range (and
# beyond what Python converts without a limit): refused without converting.
_MAX_DIGITS = 18


def _parse_int(column: Column, text: str) -> int:
    if not _INT_SHAPE.fullmatch(text):
        raise ValueError(f"expected a whole number, got {show(text)}")
    digits = text.split(".", 1)[0].lstrip("+-").lstrip("0")
    number = int(text.split(".", 1)[0]) if len(digits) <= _MAX_DIGITS else None
    _check_range(column, number, text)
    assert number is not None
    return number


def _parse_number(column: Column, text: str) -> float:
    if not _NUMBER_SHAPE.fullmatch(text):
        raise ValueError(f"expected a number, got {show(text)}")
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"expected a number, got {show(text)}")
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
        raise ValueError(f"expected a date YYYY-MM-DD, got {show(text)}")
    return day


def _parse_datetime(column: Column, text: str) -> dt.datetime:
    stamp = parse_datetime(text)
    if stamp is None:
        raise ValueError(
            f"expected a date YYYY-MM-DD or a timestamp YYYY-MM-DDTHH:MM:SS, got {show(text)}"
        )
    return stamp


def _parse_enum(column: Column, text: str) -> str:
    lowered = text.lower()
    if lowered not in column.choices:
        raise ValueError(f"expected one of {', '.join(column.choices)}; got {show(text)}")
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
    limit = column.length_limit
    if len(text) > limit:
        raise ValueError(f"text is {len(text):,} characters long; at most {limit:,} are allowed")
    return normalise_list(restore_formula(text))


_BOOLEANS = {"true": True, "false": False}


def _parse_bool(column: Column, text: str) -> bool:
    value = _BOOLEANS.get(text.lower())
    if value is None:
        raise ValueError(f"expected true or false, got {show(text)}")
    return value


_PARSERS: dict[str, Callable[[Column, str], Any]] = {
    "int": _parse_int,
    "number": _parse_number,
    "date": _parse_date,
    "datetime": _parse_datetime,
    "enum": _parse_enum,
    "list": _parse_list,
    "bool": _parse_bool,
}

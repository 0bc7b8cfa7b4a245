"""Validating a bundle file by file, chunk by chunk, then across files.

A file's header is mapped to its columns, each column's cells are converted
a whole column at a time (:mod:`tandem.program.bundle.convert`), then the
checks that span rows: IDs unique within the file, date order, references
into earlier files or the database, a pairing's two people, emails.  Every
problem goes to the :class:`ProblemLog` with its file, the line the record
starts on and the column, so the report can name each one.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Container, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tandem.program.bundle.convert import ParseCache, convert_column, row_mask, show
from tandem.program.bundle.problems import ProblemLog
from tandem.program.bundle.spec import Column, FileSpec


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
    stored_emails: dict[str, str] = field(default_factory=dict)  # lower(email) -> as stored


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


def map_header(spec: FileSpec, header: Sequence[str], log: ProblemLog) -> dict[str, int]:
    """Bundle column name → position in the file, with header problems logged."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
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


class FileValidator:
    """Checks one file a chunk at a time, remembering what spans chunks.

    Cells, IDs unique within the file, date order, references into earlier
    files (or the database), a pairing's two people and emails are checked
    per chunk; what needs the whole file (references of a file to itself,
    emails taken from people the bundle does not rewrite) at :meth:`finish`.
    Every problem goes to ``log`` exactly as a whole-file check reports it.
    """

    def __init__(
        self,
        spec: FileSpec,
        header: Sequence[str],
        log: ProblemLog,
        *,
        known: dict[str, set[Any]] | None = None,
        existing: Existing | None = None,
        unreadable: Collection[str] = (),
        formula_quotes: bool = True,
    ) -> None:
        self.spec = spec
        # False when the file has no single quote at all: no cell to restore.
        self.formula_quotes = formula_quotes
        self.log = log
        self.width = len(header)
        self.positions = map_header(spec, header, log)
        self.present = set(self.positions)
        self.known = known if known is not None else {}
        self.existing = existing if existing is not None else Existing()
        self.unreadable = unreadable
        self.size = 0
        self.ids: set[Any] = set()  # the file's IDs so far
        # Each chunk's IDs and lines, to name the line a repeated ID first
        # occurred on: indexed (``_first_line``) only once a repeat is found.
        self._chunk_ids: list[tuple[list[Any], np.ndarray]] = []
        self._first_line: dict[Any, int] = {}
        self._indexed = 0  # chunks _first_line covers
        self._parsed: dict[str, ParseCache] = {}
        self._self_refs: list[tuple[Column, list[Any], np.ndarray]] = []
        self._email_first: dict[str, int] = {}
        self._email_taken: list[tuple[str, str, int]] = []  # (email, owner, line)

    def chunk(self, columns: list[list[str]], lines: np.ndarray) -> FileData:
        """Check and convert one chunk of records, given column by column (header order)."""
        spec = self.spec
        data = FileData(spec, np.asarray(lines, dtype=np.int64))
        data.present = self.present
        report = _Reporter(self.log, data)
        n = data.size
        for column in spec.all_columns:
            if column.name not in self.positions:
                if column not in spec.optional:
                    data.values[column.name] = [column.default] * n
                continue
            cells: Sequence[str] = columns[self.positions[column.name]]
            columns[self.positions[column.name]] = []  # freed as soon as converted
            cache = self._parsed.setdefault(column.name, ParseCache())
            cache.trim()
            data.values[column.name] = convert_column(
                column, cells, report, cache, quotes=self.formula_quotes
            )
        self._check_unique_ids(data, report)
        for column in spec.columns:
            if column.not_before and column.name in self.positions:
                _check_order(column, data, report)
        self._check_references(data, report)
        if spec.stem == "pairings":
            check_pairs(data, self.log)
        if spec.stem == "events":
            check_events(data, self.log)
        if spec.stem == "people":
            self._check_emails(data, report)
        self.size += n
        return data

    def finish(self) -> set[Any]:
        """The whole-file checks; returns the file's IDs."""
        ids = self.ids
        for column, values, lines in self._self_refs:
            data = FileData(self.spec, lines)
            known = self.known.get(column.ref or "", set())
            unknown = ~row_mask(_Union(known, ids), values)
            _Reporter(self.log, data).rows(
                column.name, unknown, _unknown_id(values, f"{column.ref}.csv")
            )
        self._self_refs = []
        if self._email_taken:
            taken = [(e, o, line) for e, o, line in self._email_taken if o not in ids]
            self.log.add_rows(
                self.spec.filename,
                [line for _e, _o, line in taken],
                "email",
                (
                    f"email {show(email)} already belongs to person {show(owner)} in the database"
                    for email, owner, _line in taken
                ),
                len(taken),
            )
        self._parsed = {}
        self.ids = set()
        self._chunk_ids = []
        self._first_line = {}
        return ids

    def _check_unique_ids(self, data: FileData, report: _Reporter) -> None:
        key = self.spec.key_columns
        name = key[-1]
        ids = data.values[name] if len(key) == 1 else _key_values(data, key)
        repeat = _duplicate_message(key)
        seen = self.ids
        # Kept to find the line of a first occurrence: the IDs are alive
        # anyway (in ``seen``), this costs a pointer per row.
        self._chunk_ids.append((ids, data.lines))
        before = len(seen)
        seen.update(ids)  # the common case: every ID new, one C-level pass
        added = len(seen) - before
        filled = len(ids)
        if None in seen:  # a missing ID (reported as missing) is no ID
            seen.discard(None)
            added -= 1
            filled -= ids.count(None)
        if added == filled:
            return
        # Some ID repeats: name each repeat and the line the ID first occurred on.
        first = self._first_line
        for earlier_ids, earlier_lines in self._chunk_ids[self._indexed : -1]:
            for value, line in zip(earlier_ids, earlier_lines.tolist(), strict=True):
                if value is not None:
                    first.setdefault(value, line)
        self._indexed = len(self._chunk_ids)
        repeated, earlier = _repeats(ids, data.lines, first)
        report.rows(name, repeated, lambda i: repeat(ids[i], earlier[i]))

    def _check_references(self, data: FileData, report: _Reporter) -> None:
        """References resolve against the bundle's rows or rows already in the database.

        References into a file that could not be read at all are not checked:
        that file's own problem says it all.  References to the file itself
        wait for :meth:`finish` (a manager may come later in the file).
        """
        for column in self.spec.columns:
            if column.ref is None or column.name not in self.present:
                continue
            if column.ref in self.unreadable:
                continue
            values = data.values[column.name]
            known = self.known.get(column.ref, set())
            if column.ref == self.spec.stem:
                unknown = ~row_mask(_Union(known, self.ids), values)
                if unknown.any():
                    where = np.flatnonzero(unknown)
                    self._self_refs.append(
                        (column, [values[i] for i in where.tolist()], data.lines[where])
                    )
                continue
            if None not in known:  # an empty reference is not an unknown one
                known.add(None)
            if known.issuperset(values):  # one C-level pass when all resolve
                continue
            unknown = ~row_mask(known, values)
            report.rows(column.name, unknown, _unknown_id(values, f"{column.ref}.csv"))

    def _check_emails(self, data: FileData, report: _Reporter) -> None:
        """Emails are unique (ignoring case) within the bundle and against other people."""
        if "email" not in self.present:
            return
        emails = data.values["email"]
        lowered = [e.lower() if e is not None else None for e in emails]
        repeated, earlier = _repeats(lowered, data.lines, self._email_first)
        report.rows(
            "email",
            repeated,
            lambda i: f"email {show(emails[i])} is already used on line {earlier[i]}",
        )
        owners = self.existing.emails
        if not owners:
            return
        # Only people the bundle does not rewrite keep their email after
        # import: whether the owner is among them is known at finish().
        person = data.values["person_id"]
        for index, value in enumerate(lowered):
            if value is None or repeated[index]:
                continue
            owner = owners.get(value)
            if owner is not None and owner != person[index]:
                self._email_taken.append((str(emails[index]), owner, int(data.lines[index])))


def _key_values(data: FileData, key: tuple[str, ...]) -> list[Any]:
    """A composite identity per row (None when any part of it is missing)."""
    parts = [data.values[name] for name in key]
    return [None if None in row else row for row in zip(*parts, strict=True)]


def _repeats(
    values: Sequence[Any], lines: np.ndarray, first: dict[Any, int]
) -> tuple[np.ndarray, dict[int, int]]:
    """Which values were seen before (in ``first``, or earlier in ``values``) and, for
    each repeat's index, the line its value first stood on; ``first`` learns the new
    values' lines.  A missing value (None) is never a repeat."""
    repeated = np.zeros(len(values), dtype=bool)
    earlier: dict[int, int] = {}
    for index, (value, line) in enumerate(zip(values, lines.tolist(), strict=True)):
        if value is None:
            continue
        if value in first:
            repeated[index] = True
            earlier[index] = first[value]
        else:
            first[value] = line
    return repeated, earlier


def _duplicate_message(key: tuple[str, ...]) -> Callable[[Any, int], str]:
    """How a repeated identity is named: an ID, or (participants) a person in a cohort."""
    if len(key) == 1:
        return lambda value, line: f"duplicate ID {show(value)} (first on line {line})"

    def message(value: Any, line: int) -> str:
        *context, last = value
        where = ", ".join(f"{n} {show(v)}" for n, v in zip(key[:-1], context, strict=True))
        return f"{key[-1]} {show(last)} appears twice for {where} (first on line {line})"

    return message


class _Union:
    """Membership in a set or the mapping of IDs seen so far, and None (no reference)."""

    def __init__(self, first: Container[Any], second: Container[Any]) -> None:
        self.first = first
        self.second = second

    def __contains__(self, value: Any) -> bool:
        return value is None or value in self.first or value in self.second


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


def _unknown_id(values: Sequence[Any], ref_file: str) -> Callable[[int], str]:
    def message(i: int) -> str:
        return f"unknown ID {show(values[i])}: not in {ref_file} nor in the database"

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
            f"(mentor_id and mentee_id are both {show(mentor[i])})"
        ),
    )


# A value that belongs to one kind of event only: (column, the kind it belongs to).
EVENT_DETAILS = (("new_level", "promoted"), ("voluntary", "left"))


def check_events(data: FileData, log: ProblemLog) -> None:
    """``new_level`` only on a ``promoted`` event, ``voluntary`` only on a ``left`` one.

    Given on another kind the value means nothing (most likely a shifted
    column), so it is refused rather than silently dropped.  An event whose
    kind is itself invalid is reported for its kind only.
    """
    kinds = data.values["kind"]
    report = _Reporter(log, data)
    for column, kind in EVENT_DETAILS:
        if column not in data.present:
            continue
        values = data.values[column]
        stray = np.fromiter(
            (
                v is not None and k is not None and k != kind
                for v, k in zip(values, kinds, strict=True)
            ),
            dtype=bool,
            count=data.size,
        )
        report.rows(column, stray, _stray_detail(column, kind, kinds))


def _stray_detail(column: str, kind: str, kinds: Sequence[Any]) -> Callable[[int], str]:
    def message(i: int) -> str:
        return f"{column} is only for {kind} events; this event is {kinds[i]}"

    return message

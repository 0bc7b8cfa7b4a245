"""Exporting the program as a bundle (folder, or a zip when the path ends in .zip).

Every file of the format is written, header first, in the spec's column order,
so export → import reproduces the program.  Rows are streamed from the
database in chunks, so a million check-ins never sit in memory at once.  Text
cells are neutralised against spreadsheet formulas.  The derived columns
(health, stall verdict, themes, sentiment) come from the analytic tables as
last refreshed; import ignores them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, Select, func, select

from tandem.program.bundle.formulas import neutralise_formula
from tandem.program.bundle.spec import (
    FEEDBACK,
    FILES,
    PAIRINGS,
    THEMES_COLUMNS,
    THEMES_FILENAME,
    Column,
    FileSpec,
)
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import Feedback
from tandem.program.theme_tables import FeedbackAnalysis, Theme

Progress = Callable[[str], None]
STREAM_ROWS = 5_000


@dataclass
class ExportReport:
    path: str
    files: dict[str, int] = field(default_factory=dict)  # file name -> data rows


def format_number(value: float | int | None) -> str:
    """Shortest exact text: 3.0 → "3", 2.5 → "2.5"; import reads it back unchanged."""
    if value is None:
        return ""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return repr(number)


def format_datetime(value: dt.datetime | None) -> str:
    """Naive UTC as ISO with Z; a midnight that came from a plain date stays a date."""
    if value is None:
        return ""
    if value.time() == dt.time(0, 0):
        return value.date().isoformat()
    return value.isoformat() + "Z"


def _text(value: Any) -> str:
    return "" if value is None else neutralise_formula(str(value))


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _date(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def _formatter(column: Column) -> Callable[[Any], str]:
    if column.kind in ("id", "text", "list"):
        return _text
    if column.kind == "number":
        return format_number
    if column.kind == "date":
        return _date
    if column.kind == "datetime":
        return format_datetime
    if column.kind == "bool":
        return _optional_bool
    return _plain  # int, enum


def _bool(value: bool | None) -> str:
    return "true" if value else "false"


def _optional_bool(value: bool | None) -> str:
    return "" if value is None else _bool(value)


def _derived(spec: FileSpec) -> tuple[list[str], list[Any], list[Callable[[Any], str]]]:
    """Extra export-only columns of a file: names, select expressions, formatters."""
    if spec is PAIRINGS:
        return (
            ["health", "stalled", "stall_reasons"],
            [PairingHealth.health, PairingHealth.stalled, PairingHealth.reasons],
            [format_number, _bool, _text],
        )
    if spec is FEEDBACK:
        return (
            ["theme", "sentiment"],
            [func.coalesce(Feedback.coded_theme, Theme.name), FeedbackAnalysis.sentiment],
            [_text, format_number],
        )
    return [], [], []


def _query(
    spec: FileSpec, *, private_notes: bool = True
) -> tuple[list[str], Select[Any], list[Callable[[Any], str]]]:
    table = spec.table
    columns = list(spec.all_columns)
    names = [c.name for c in columns]
    selects: list[Any] = [table.c[c.db_name] for c in columns]
    formatters = [_formatter(c) for c in columns]
    extra_names, extra_selects, extra_formatters = _derived(spec)
    source: Any = table
    if spec is PAIRINGS:
        source = table.outerjoin(
            PairingHealth.__table__, PairingHealth.pairing_id == table.c.pairing_id
        )
    elif spec is FEEDBACK:
        source = table.outerjoin(
            FeedbackAnalysis.__table__, FeedbackAnalysis.feedback_id == table.c.feedback_id
        ).outerjoin(Theme.__table__, Theme.theme_id == FeedbackAnalysis.theme_id)
    statement = (
        select(*selects, *extra_selects)
        .select_from(source)
        .order_by(*(table.c[spec.by_name[name].db_name] for name in spec.key_columns))
    )
    if spec is FEEDBACK and not private_notes:
        statement = statement.where(table.c.visibility != "private")
    return names + extra_names, statement, formatters + extra_formatters


def _stream(connection: Connection, statement: Select[Any]) -> Iterator[Any]:
    """Rows in chunks of STREAM_ROWS (a server-side cursor on PostgreSQL)."""
    result = connection.execute(
        statement.execution_options(stream_results=True, yield_per=STREAM_ROWS)
    )
    for partition in result.partitions():
        yield from partition


def _write_file(
    connection: Connection,
    spec: FileSpec,
    handle: IO[str],
    progress: Progress | None,
    *,
    private_notes: bool = True,
) -> int:
    names, statement, formatters = _query(spec, private_notes=private_notes)
    writer = csv.writer(handle)
    writer.writerow(names)
    count = 0
    pairs = list(enumerate(formatters))
    for row in _stream(connection, statement):
        writer.writerow([fmt(row[i]) for i, fmt in pairs])
        count += 1
        if progress is not None and count % 100_000 == 0:
            progress(f"{spec.filename}: {count:,} rows")
    return count


def _write_themes(connection: Connection, handle: IO[str]) -> int:
    """Every active theme, with how many notes carry it in the exported feedback.csv."""
    exported = func.coalesce(Feedback.coded_theme, Theme.name)
    counted = connection.execute(
        select(exported, func.count())
        .select_from(Feedback.__table__)
        .outerjoin(FeedbackAnalysis.__table__, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
        .outerjoin(Theme.__table__, Theme.theme_id == FeedbackAnalysis.theme_id)
        .where(exported.is_not(None))
        .group_by(exported)
    )
    counts: Counter[str] = Counter()
    for theme, count in counted:
        counts[theme.strip().lower()] += int(count)
    writer = csv.writer(handle)
    writer.writerow(THEMES_COLUMNS)
    themes = connection.execute(
        select(Theme.name, Theme.keywords).where(Theme.active.is_(True)).order_by(Theme.name)
    )
    written = 0
    for name, keywords in themes:
        writer.writerow([_text(name), _text(keywords), counts.get(name.strip().lower(), 0)])
        written += 1
    return written


@contextmanager
def _folder_sink(folder: Path) -> Iterator[Callable[[str], Any]]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, Path]] = []

    @contextmanager
    def open_file(name: str) -> Iterator[IO[str]]:
        temporary = folder / f".{name}.partial"
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            yield handle
        written.append((temporary, folder / name))

    try:
        yield open_file
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    # Only once every file is complete do they replace the previous export.
    for temporary, final in written:
        os.replace(temporary, final)


@contextmanager
def _zip_sink(path: Path) -> Iterator[Callable[[str], Any]]:
    if path.is_dir():
        # Checked first: the finished zip could never replace a folder.
        raise IsADirectoryError(f"{path} is a folder, not a .zip file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:

            @contextmanager
            def open_file(name: str) -> Iterator[IO[str]]:
                with (
                    archive.open(name, "w", force_zip64=True) as raw,
                    io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle,
                ):
                    yield handle

            yield open_file
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def export_bundle(
    engine: Engine,
    path: str | Path,
    *,
    progress: Progress | None = None,
    private_notes: bool = True,
) -> ExportReport:
    """Write the whole program to ``path`` (a folder, or a zip if it ends in ``.zip``).

    ``private_notes=False`` leaves private notes out of feedback.csv: a download
    from the dashboard must not carry text that never leaves the pair. The
    command line's export (on the server, a full backup) keeps them.
    """
    path = Path(path)
    report = ExportReport(path=str(path))
    sink = _zip_sink(path) if path.suffix.lower() == ".zip" else _folder_sink(path)
    # One read transaction: every file sees the same snapshot of the program.
    with engine.connect() as connection, connection.begin(), sink as open_file:
        for spec in FILES:
            if progress is not None:
                progress(f"writing {spec.filename}")
            with open_file(spec.filename) as handle:
                report.files[spec.filename] = _write_file(
                    connection, spec, handle, progress, private_notes=private_notes
                )
        with open_file(THEMES_FILENAME) as handle:
            report.files[THEMES_FILENAME] = _write_themes(connection, handle)
    return report

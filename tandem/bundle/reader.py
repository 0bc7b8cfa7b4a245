"""Reading a bundle: folder or zip → raw bytes per file → decoded CSV records.

Nothing here knows the columns; it finds the files, refuses unsafe zips,
decodes UTF-8 (BOM accepted) and splits RFC 4180 records while remembering
the line each record starts on, so that every later problem can name it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from tandem.bundle.problems import BundleError, ProblemLog
from tandem.bundle.spec import BY_FILENAME, EXPORT_ONLY_FILES, FILES

# Zip-bomb guards: a real program's bundle is far below these (1M check-ins is
# about 60 MB of CSV).  Module attributes so tests can lower them.
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_FILE_BYTES = 1 * 1024**3
MAX_ZIP_ENTRIES = 1_000

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class CsvTable:
    """One file's records: the header, and the rows with the line each starts on."""

    filename: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]


def open_bundle(path: str | Path) -> dict[str, bytes]:
    """The bundle's files by lower-case name; raises :class:`BundleError` if unusable."""
    log = ProblemLog()
    files = collect_bundle(path, log)
    _raise_if(log)
    return files


def collect_bundle(path: str | Path, log: ProblemLog) -> dict[str, bytes]:
    """Like :func:`open_bundle`, with problems and warnings going to ``log``."""
    path = Path(path)
    if path.is_dir():
        files = _read_folder(path, log)
    elif path.is_file() and (path.suffix.lower() == ".zip" or _looks_like_zip(path)):
        with path.open("rb") as handle:
            files = _read_zip(path.name, handle, log)
    elif path.exists():
        log.add(str(path), None, None, "not a bundle: expected a folder or a .zip file")
        files = {}
    else:
        log.add(str(path), None, None, "no such folder or file")
        files = {}
    _check_required(files, log)
    return files


def read_bundle_bytes(name: str, data: bytes) -> dict[str, bytes]:
    """Files of an uploaded bundle: a zip, or a single CSV named ``name``.

    The browser upload uses this so an uploaded bundle is checked exactly like
    one given to the command line.
    """
    log = ProblemLog()
    files = collect_bundle_bytes(name, data, log)
    _raise_if(log)
    return files


def collect_bundle_bytes(name: str, data: bytes, log: ProblemLog) -> dict[str, bytes]:
    """Like :func:`read_bundle_bytes`, with problems and warnings going to ``log``."""
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)) or name.lower().endswith(".zip"):
        files = _read_zip(name, io.BytesIO(data), log)
    elif name.lower().endswith(".csv"):
        files = {PurePosixPath(name.replace("\\", "/")).name.lower(): data}
    else:
        log.add(name, None, None, "not a bundle: expected a .zip or a .csv file")
        files = {}
    _check_required(files, log)
    return files


def _raise_if(log: ProblemLog) -> None:
    if log:
        raise BundleError(log.problems, warnings=log.warnings, total=log.total)


def _check_required(files: dict[str, bytes], log: ProblemLog) -> None:
    if log:
        return
    for spec in FILES:
        if spec.required_file and spec.filename not in files:
            log.add(spec.filename, None, None, "file is missing: a bundle needs at least this file")


def _looks_like_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)


def _keep(name: str, log: ProblemLog, where: str) -> bool:
    """Whether a file found in the bundle is one of ours (warn about stray CSVs)."""
    lowered = name.lower()
    if lowered in BY_FILENAME or lowered in EXPORT_ONLY_FILES:
        return lowered in BY_FILENAME
    if lowered.endswith(".csv"):
        log.warn(f"{where}{name}: not a bundle file; ignored")
    return False


def _read_folder(path: Path, log: ProblemLog) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for child in sorted(path.iterdir()):
        if child.is_file() and _keep(child.name, log, ""):
            if child.name.lower() in files:
                log.add(child.name, None, None, "two files differ only in letter case")
                continue
            files[child.name.lower()] = child.read_bytes()
    return files


def _unsafe(name: str) -> bool:
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    return any(part == ".." for part in re.split(r"[\\/]", name))


def _read_zip(
    label: str, handle: io.BufferedIOBase | io.BytesIO, log: ProblemLog
) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as error:
        log.add(label, None, None, f"not a readable zip file ({error})")
        return {}
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            log.add(label, None, None, f"zip has {len(infos)} entries; at most {MAX_ZIP_ENTRIES}")
            return {}
        for info in infos:
            if _unsafe(info.filename):
                log.add(label, None, None, f"entry {info.filename!r} escapes the bundle folder")
        if log:
            return {}
        entries = [
            info
            for info in infos
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not PurePosixPath(info.filename).name.startswith(".")
        ]
        total = sum(info.file_size for info in entries)
        if total > MAX_TOTAL_BYTES:
            log.add(label, None, None, f"zip expands to {total} bytes; at most {MAX_TOTAL_BYTES}")
            return {}
        prefix = _common_folder(entries)
        files: dict[str, bytes] = {}
        read_total = 0
        for info in entries:
            relative = info.filename[len(prefix) :]
            if "/" in relative:
                if relative.lower().endswith(".csv"):
                    log.warn(f"{label}: {info.filename}: in a subfolder; ignored")
                continue
            if not _keep(relative, log, f"{label}: "):
                continue
            if info.file_size > MAX_FILE_BYTES:
                log.add(label, None, None, f"{relative} expands to {info.file_size} bytes; too big")
                continue
            # Read at most one byte past the cap: a forged header cannot make us
            # inflate more than the cap allows.
            with archive.open(info) as member:
                data = member.read(MAX_FILE_BYTES + 1)
            read_total += len(data)
            if len(data) > MAX_FILE_BYTES or read_total > MAX_TOTAL_BYTES:
                log.add(label, None, None, f"{relative} expands beyond the size limit")
                return {}
            if relative.lower() in files:
                log.add(label, None, None, f"{relative}: two files differ only in letter case")
                continue
            files[relative.lower()] = data
        return files


def _common_folder(entries: list[zipfile.ZipInfo]) -> str:
    """``"folder/"`` when every file sits inside one top-level folder, else ``""``."""
    tops = {info.filename.split("/", 1)[0] for info in entries}
    if len(tops) == 1 and all("/" in info.filename for info in entries):
        return tops.pop() + "/"
    return ""


def parse_csv(filename: str, data: bytes, log: ProblemLog) -> CsvTable | None:
    """Decode and split one file; problems go to ``log`` (None when unreadable)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
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
    if not text.strip():
        log.add(filename, 1, None, "file is empty, expected a header row")
        return None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        log.add(filename, line, None, "file contains a NUL byte; is it really a CSV file?")
        return None
    if '"' not in text:
        return _split_unquoted(filename, text, log)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    try:
        header = next(reader)
        if not any(cell.strip() for cell in header):
            log.add(filename, 1, None, "line 1 is blank, expected a header row")
            return None
        width = len(header)
        previous = reader.line_num
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if len(record) != width or not any(record):
                _irregular(filename, start, record, width, log)
                continue
            rows.append(record)
            lines.append(start)
    except csv.Error as error:
        log.add(filename, previous + 1, None, f"malformed CSV: {error}")
        return None
    return CsvTable(filename, header, rows, lines)


def _irregular(filename: str, line: int, record: list[str], width: int, log: ProblemLog) -> None:
    """A record of the wrong width is a problem, unless it is a blank line."""
    if any(record):
        log.add(filename, line, None, f"row has {_fields(len(record))} but the header has {width}")


def _split_unquoted(filename: str, text: str, log: ProblemLog) -> CsvTable | None:
    """Fast path for a file without quotes: every record is exactly one line.

    The csv module still splits the fields (so the rules stay the same), but
    the line of record ``i`` is simply ``i + 1`` and irregular records are
    found with one numpy pass instead of a Python loop per row.
    """
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:  # pragma: no cover - without quotes or NULs csv cannot fail
        log.add(filename, 1, None, f"malformed CSV: {error}")
        return None
    header = records[0]
    if not any(cell.strip() for cell in header):
        log.add(filename, 1, None, "line 1 is blank, expected a header row")
        return None
    width = len(header)
    body = records[1:]
    widths = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    # Records whose fields are all empty are blank lines, skipped like in the slow path.
    filled = np.fromiter(map(any, body), dtype=bool, count=len(body))
    regular = widths == width
    for index in np.flatnonzero(filled & ~regular).tolist():
        _irregular(filename, index + 2, body[index], width, log)
    keep = regular & filled
    lines = np.flatnonzero(keep) + 2
    rows = body if keep.all() else [body[i] for i in lines - 2]
    return CsvTable(filename, header, rows, lines.tolist())


def _fields(count: int) -> str:
    return f"{count} field" if count == 1 else f"{count} fields"

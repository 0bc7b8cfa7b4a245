"""Reading a bundle: folder, zip or single uploaded CSV → raw bytes per file.

Nothing here knows the columns; it finds the files, refuses unsafe zips and
zip bombs (sizes, entries, endless blank lines) and checks that the required
files are there.  Splitting a file into records is :mod:`tandem.program.bundle.records`.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from tandem.program.bundle.problems import BundleError, ProblemLog
from tandem.program.bundle.spec import BY_FILENAME, EXPORT_ONLY_FILES, FILES

# Zip-bomb guards: a real program's bundle is far below these (1M check-ins is
# about 60 MB of CSV).  Module attributes so tests can lower them.
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_FILE_BYTES = 1 * 1024**3
MAX_ZIP_ENTRIES = 1_000

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_DRIVE = re.compile(r"^[A-Za-z]:")


def open_bundle(path: str | Path) -> dict[str, bytes]:
    """The bundle's files by lower-case name; raises :class:`BundleError` if unusable."""
    log = ProblemLog()
    files = collect_bundle(path, log)
    _raise_if(log)
    return files


def collect_bundle(path: str | Path, log: ProblemLog) -> dict[str, bytes]:
    """Like :func:`open_bundle`, with problems and warnings going to ``log``."""
    path = Path(path)
    try:
        files = _read_path(path, log)
    except OSError as error:  # unreadable: permissions, a folder that vanished, …
        log.add(str(path), None, None, f"cannot be read ({error.strerror or error})")
        files = {}
    _check_required(files, log)
    return files


def _read_path(path: Path, log: ProblemLog) -> dict[str, bytes]:
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
        filename = PurePosixPath(name.replace("\\", "/")).name.lower()
        files = {} if _blank_run(filename, data, 0, 0, log) else {filename: data}
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
            try:
                with child.open("rb") as handle:
                    data = _read_limited(handle, child.name, log)
            except OSError as error:
                log.add(child.name, None, None, f"cannot be read ({error.strerror or error})")
                continue
            if data is not None:
                files[child.name.lower()] = data
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
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
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
            data = _read_entry(archive, info, label, relative, log)
            if data is None:
                continue
            read_total += len(data)
            if len(data) > MAX_FILE_BYTES or read_total > MAX_TOTAL_BYTES:
                log.add(label, None, None, f"{relative} expands beyond the size limit")
                return {}
            if relative.lower() in files:
                log.add(label, None, None, f"{relative}: two files differ only in letter case")
                continue
            files[relative.lower()] = data
        return files


def _read_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, name: str, log: ProblemLog
) -> bytes | None:
    """One entry's bytes, or None with a problem naming the entry when it cannot be read
    (or when it is refused while read: see :func:`_read_limited`)."""
    try:
        with archive.open(info) as member:
            return _read_limited(member, name, log)
    except NotImplementedError:
        reason = (
            f"uses a compression method this reader does not support (method "
            f"{info.compress_type}); make the zip again with ordinary (deflate) compression"
        )
    except RuntimeError as error:  # zipfile's word for an encrypted entry (checked second:
        # NotImplementedError is a RuntimeError)
        reason = (
            "is encrypted; make the zip again without a password"
            if "encrypt" in str(error).lower() or info.flag_bits & 0x1
            else f"cannot be read ({error})"
        )
    except zipfile.BadZipFile as error:
        reason = f"is corrupt ({error}); make the zip again"
    except (zlib.error, EOFError, OSError, ValueError) as error:
        reason = f"is corrupt: its compressed data cannot be read ({error}); make the zip again"
    log.add(label, None, None, f"entry {info.filename!r} {reason}")
    return None


# Bytes read at a time from a file or a zip entry.
_READ_CHUNK = 16 * 1024**2
# Blank lines in a row beyond which a file is refused while it is read: far
# more than any spreadsheet has rows, and what a tiny zip of hundreds of
# megabytes of nothing holds.  (A spreadsheet's empty rows are lines of commas,
# which are not counted here.)
MAX_BLANK_LINES = 1_000_000
# (One line break more than the lines: the first one ends the line before the run.)
_BLANK_RUNS = (b"\n" * (MAX_BLANK_LINES + 2), b"\r\n" * (MAX_BLANK_LINES + 2))
_BLANK_HINTS = (b"\n" * 4096, b"\r\n" * 4096)


def _read_limited(handle: IO[bytes], name: str, log: ProblemLog) -> bytes | None:
    """A file's bytes, read a chunk at a time; stops early on oversized or blank input.

    At most one byte past ``MAX_FILE_BYTES`` is read (a forged zip header
    cannot make us inflate more), and a run of more than ``MAX_BLANK_LINES``
    blank lines is refused as soon as it is seen (None, the problem logged
    with its line; a longer file is left to the caller's size check).
    """
    chunks: list[bytes] = []
    size = 0
    hinted = False  # whether the previous chunk had thousands of blank lines in a row
    while size <= MAX_FILE_BYTES:
        chunk = handle.read(min(_READ_CHUNK, MAX_FILE_BYTES + 1 - size))
        if not chunk:
            break
        # A run that long has thousands of line breaks in a row in this chunk
        # or the one before (a run within two chunks has half of it in one; a
        # longer one fills a whole chunk): a cheap search first, and the exact
        # one, over both chunks, only when either had a hint.
        was_hinted, hinted = hinted, any(chunk.find(hint) >= 0 for hint in _BLANK_HINTS)
        if hinted or was_hinted:
            previous = chunks[-1] if chunks else b""
            lines = sum(c.count(b"\n") for c in chunks[:-1])
            if _blank_run(name, previous + chunk, size - len(previous), lines, log):
                return None
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _blank_run(name: str, data: bytes, offset: int, lines: int, log: ProblemLog) -> bool:
    """Whether ``data`` (starting ``offset`` bytes and ``lines`` line breaks into the
    file) has more than ``MAX_BLANK_LINES`` blank lines in a row; logged with the line."""
    found = [at for at in (data.find(run) for run in _BLANK_RUNS) if at >= 0]
    if not found:
        return False
    at = min(found)
    # The first line break of the run ends the line before it (unless the file starts blank).
    line = 1 if offset + at == 0 else lines + data.count(b"\n", 0, at) + 2
    log.add(
        name,
        line,
        None,
        f"more than {MAX_BLANK_LINES:,} blank lines in a row from here; "
        "is this really the CSV file?",
    )
    return True


def _common_folder(entries: list[zipfile.ZipInfo]) -> str:
    """``"folder/"`` when every file sits inside one top-level folder, else ``""``."""
    tops = {info.filename.split("/", 1)[0] for info in entries}
    if len(tops) == 1 and all("/" in info.filename for info in entries):
        return tops.pop() + "/"
    return ""

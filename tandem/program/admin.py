"""What the Admin page needs from the core: upload checks, export as bytes, the audit log.

The page itself only lays these out.  The upload limit lives here (and the
same number is handed to ``st.file_uploader``), so the browser's refusal and
the server's own check can never disagree; ``.streamlit/config.toml`` sets
``server.maxUploadSize`` to the same 50 MB as a last line of defence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Engine, func, select

from tandem.program.bundle import export_bundle
from tandem.program.bundle.spec import BY_FILENAME, EXPORT_ONLY_FILES, FILES
from tandem.program.models import AuditEntry, Cohort

MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
UPLOAD_TYPES = ("zip", "csv")
AUDIT_LIMIT = 200


def check_upload(name: str, size: int) -> str | None:
    """Why an uploaded file is refused before it is read, or None when it may be checked.

    The browser enforces the same type and size, but a client can be bypassed;
    the server decides.  The message names the file as plain text.
    """
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower().lstrip(".")
    if suffix not in UPLOAD_TYPES:
        return (
            f"{name} is not a bundle: upload a .zip of the bundle's CSV files, "
            "or a single .csv file such as people.csv."
        )
    if size > MAX_UPLOAD_BYTES:
        return (
            f"{name} is {size / 1024 / 1024:.1f} MB, more than the {MAX_UPLOAD_MB} MB an upload "
            "may have. Import a bundle this large with the command line: "
            "python -m tandem import PATH"
        )
    if size == 0:
        return f"{name} is empty."
    return None


def _base_name(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


def check_uploads(files: Sequence[tuple[str, int]]) -> list[str]:
    """Why a selection of uploaded files (name, size) is refused before it is read.

    One file is checked as ``check_upload`` does.  Several must all be the
    bundle's CSV files (no .zip among them, each name once, ``people.csv``
    and every other required file present) and together stay within the
    upload limit.  Every problem is listed, each naming its file.
    """
    problems = [problem for name, size in files if (problem := check_upload(name, size))]
    if len(files) < 2 or problems:
        return problems
    names = [_base_name(name) for name, _ in files]
    if any(name.lower().endswith(".zip") for name in names):
        return ["Upload one .zip on its own, or the bundle's CSV files without a .zip."]
    known = ", ".join(spec.filename for spec in FILES)
    seen: set[str] = set()
    for name in names:
        lowered = name.lower()
        if lowered in seen:
            problems.append(f"{name} is selected twice: choose each of the bundle's files once.")
        elif lowered not in BY_FILENAME and lowered not in EXPORT_ONLY_FILES:
            problems.append(f"{name} is not a bundle file: the bundle's files are {known}.")
        seen.add(lowered)
    for spec in FILES:
        if spec.required_file and spec.filename not in seen:
            problems.append(f"{spec.filename} is missing: a bundle needs at least this file.")
    total = sum(size for _, size in files)
    if total > MAX_UPLOAD_BYTES:
        problems.append(
            f"The {len(files)} files are {total / 1024 / 1024:.1f} MB together, more than the "
            f"{MAX_UPLOAD_MB} MB an upload may have. Import a bundle this large with the "
            "command line: python -m tandem import PATH"
        )
    return problems


def bundle_of_uploads(files: Sequence[tuple[str, bytes]]) -> tuple[str, bytes]:
    """The upload to import: one file as it is, several CSV files as one .zip of them.

    The files go into the zip byte for byte (stored, not compressed), so the
    import reads, checks and reports them exactly as the same bundle zipped
    by hand.  Call ``check_uploads`` first.  A file only an export writes
    (``themes.csv``) is left out, as the importer skips it anyway.
    """
    if len(files) == 1:
        return files[0]
    buffer = io.BytesIO()
    names = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files:
            base = _base_name(name)
            if base.lower() in EXPORT_ONLY_FILES:
                continue
            archive.writestr(base.lower(), data)
            names.append(base)
    return f"{len(names)} CSV files ({', '.join(sorted(names))})", buffer.getvalue()


def fingerprint(data: bytes) -> str:
    """A stable identity for an upload: the same bytes are never imported twice in a row."""
    return hashlib.sha256(data).hexdigest()


def export_bundle_bytes(engine: Engine) -> bytes:
    """The whole program as a zip bundle, in memory (for a browser download).

    Private notes are left out: their text never leaves the pair, and a download
    is a screen of its own. ``python -m tandem export`` on the server writes the
    full backup.  Written through a temporary file because the exporter streams
    to a path; the file is gone when this returns.
    """
    with tempfile.TemporaryDirectory(prefix="tandem-export-") as folder:
        path = Path(folder) / "tandem-bundle.zip"
        export_bundle(engine, path, private_notes=False)
        return path.read_bytes()


def export_file_name(today: dt.date | None = None) -> str:
    return f"tandem-bundle-{(today or dt.date.today()).isoformat()}.zip"


def cohort_choices(engine: Engine) -> list[tuple[str, str]]:
    """(cohort id, name) of every cohort, newest first: what a lead may be limited to."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(Cohort.cohort_id, Cohort.name).order_by(Cohort.start_date.desc(), Cohort.name)
        ).all()
    return [(str(cohort_id), str(name)) for cohort_id, name in rows]


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def recent_audit(
    engine: Engine, *, entity: str | None = None, limit: int = AUDIT_LIMIT
) -> list[AuditRow]:
    """The latest ``limit`` audit rows (newest first), optionally of one entity only."""
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if entity:
        statement = statement.where(AuditEntry.entity == entity)
    with engine.connect() as connection:
        rows = connection.execute(statement.limit(max(1, limit))).all()
    # The row's columns are AuditRow's fields, one for one.
    return [AuditRow(**row._asdict()) for row in rows]


def audit_entities(engine: Engine) -> list[tuple[str, int]]:
    """Each entity in the audit log with its number of rows, for the filter."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntry.entity, func.count())
            .group_by(AuditEntry.entity)
            .order_by(AuditEntry.entity)
        ).all()
    return [(str(entity), int(count)) for entity, count in rows]

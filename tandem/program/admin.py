"""What the Admin page needs from the core: upload checks, export as bytes, the audit log.

The page itself only lays these out.  The upload limit lives here (and the
same number is handed to ``st.file_uploader``), so the browser's refusal and
the server's own check can never disagree; ``.streamlit/config.toml`` sets
``server.maxUploadSize`` to the same 50 MB as a last line of defence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Engine, func, select

from tandem.program.bundle import export_bundle
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
    return [
        AuditRow(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            before=row.before,
            after=row.after,
        )
        for row in rows
    ]


def audit_entities(engine: Engine) -> list[tuple[str, int]]:
    """Each entity in the audit log with its number of rows, for the filter."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntry.entity, func.count())
            .group_by(AuditEntry.entity)
            .order_by(AuditEntry.entity)
        ).all()
    return [(str(entity), int(count)) for entity, count in rows]

"""Importing a bundle: check everything and write it in one transaction, all or nothing.

Order of work, inside the one transaction: load the IDs and emails already
in the database, then stream the files in dependency order, a chunk of
records at a time (a file is never held whole in memory): check each chunk's
cells and its references to the database and to earlier files, and upsert
it straight away while no problem has been found so far.  Once one is found,
writing stops but checking goes on, so that every problem is reported, and
the transaction is rolled back.  Only a bundle without any problem gets its
audit row and is committed; any error while writing rolls back too, to
exactly the database as it was.  On SQLite a writing import's transaction
takes the write lock before its first read and runs without the connection's
foreign-key checks, which its own reference checks make redundant
(:func:`_import_transaction`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select, update
from sqlalchemy.orm import Session

from tandem.program import audit, rollups
from tandem.program.bulk import Written, deferred_indexes, upsert_columns
from tandem.program.bundle.problems import BundleError, ProblemLog
from tandem.program.bundle.reader import collect_bundle, collect_bundle_bytes
from tandem.program.bundle.records import CsvStream
from tandem.program.bundle.spec import FILES, FLAGS, PAIRINGS, PEOPLE, FileSpec
from tandem.program.bundle.validate import Existing, FileData, FileValidator
from tandem.program.db import (
    is_sqlite,
    session_factory,
    take_writer_turn,
    transaction,
    writer_transaction,
)
from tandem.program.models import Person

Progress = Callable[[str], None]
SQLITE_CACHE_KIB = -262_144  # negative = KiB: at most 256 MiB of page cache
# Tables whose rows a dashboard edits under optimistic concurrency: an import
# that changes a row bumps its version so a stale edit is refused.
_VERSIONED = (PAIRINGS, FLAGS)


@dataclass
class FileCount:
    rows: int
    inserted: int | None = None  # None on a dry run
    updated: int | None = None  # rows that existed and changed
    unchanged: int | None = None  # rows that existed exactly as given: not written


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    source: str
    files: dict[str, FileCount] = field(default_factory=dict)  # by file name
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rows(self) -> dict[str, int]:
        return {name: count.rows for name, count in self.files.items()}

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        parts = []
        for name, count in self.files.items():
            detail = f"{name}: {count.rows} rows"
            if count.inserted is not None:
                detail += f" ({count.inserted} new, {count.updated} updated"
                detail += f", {count.unchanged} unchanged)" if count.unchanged else ")"
            parts.append(detail)
        return f"{verb} {self.source}\n  " + "\n  ".join(parts)


def import_bundle(
    engine: Engine,
    path: str | Path,
    *,
    actor: str = "cli",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import the bundle folder or zip at ``path``; raises :class:`BundleError` if invalid."""
    _say(progress, f"reading {path}")
    log = ProblemLog()
    files = collect_bundle(path, log)
    return _import_files(
        engine, files, log, source=Path(path).name, actor=actor, progress=progress, dry_run=dry_run
    )


def import_bundle_bytes(
    engine: Engine,
    name: str,
    data: bytes,
    *,
    actor: str,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import an uploaded zip (or single people.csv) exactly as the command line would."""
    log = ProblemLog()
    files = collect_bundle_bytes(name, data, log)
    return _import_files(
        engine, files, log, source=name, actor=actor, progress=progress, dry_run=dry_run
    )


def import_files(
    engine: Engine,
    files: dict[str, bytes],
    *,
    source: str,
    actor: str = "cli",
    progress: Progress | None = None,
    dry_run: bool = False,
    warnings: Sequence[str] = (),
) -> ImportReport:
    """Validate and write the bundle's files (lower-case name → bytes).

    ``warnings`` already found while reading the container are kept in the
    report (or on the error).
    """
    log = ProblemLog()
    log.warnings.extend(warnings)
    return _import_files(
        engine, files, log, source=source, actor=actor, progress=progress, dry_run=dry_run
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of cells are allocated.

    Parsing creates millions of small lists and strings, none of them cyclic;
    without this the collector rescans them over and over (measured: about a
    third of the parse time).  Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_gc_paused()
def _import_files(
    engine: Engine,
    files: dict[str, bytes],
    log: ProblemLog,
    *,
    source: str,
    actor: str,
    progress: Progress | None,
    dry_run: bool,
) -> ImportReport:
    """Import the files a bundle was read into (``log`` holds what reading found).

    A bundle that could not be read whole is refused before anything else.
    """
    _raise_if(log)
    present = [spec for spec in FILES if spec.filename in files]
    if PEOPLE.filename not in files:
        log.add(PEOPLE.filename, None, None, "file is missing: a bundle needs at least this file")
    report = ImportReport(source=source, warnings=log.warnings, dry_run=dry_run)
    with _import_transaction(engine, write=not dry_run, say=progress) as session:
        connection = session.connection()
        existing = _load_existing(connection)
        known = {stem: set(ids) for stem, ids in existing.ids.items()}
        unreadable: set[str] = set()
        with ExitStack() as writing:
            if not dry_run:
                # What the refresh derived from the old data no longer holds.
                rollups.invalidate(connection)
                # An empty table gets its secondary indexes built once after the load
                # (measured: twice the import speed at 50,000 pairings on SQLite).
                writing.enter_context(_sqlite_cache(connection))
                writing.enter_context(deferred_indexes(connection, [s.table for s in present]))
            for spec in present:
                count = _import_file(
                    connection,
                    spec,
                    files[spec.filename],
                    log,
                    _Context(existing, known, unreadable, progress, write=not dry_run),
                )
                if count is not None:
                    report.files[spec.filename] = count
            if log:
                raise BundleError(
                    log.problems,
                    warnings=log.warnings,
                    total=log.total,
                    file_order=[spec.filename for spec in FILES],
                )
        if dry_run:
            return report  # leaving the block commits nothing: only reads happened
        audit.record(
            session,
            actor=actor,
            action="import",
            entity="bundle",
            entity_id=source,
            after={name: count.rows for name, count in report.files.items()},
        )
        _say(progress, "committing")
    return report


@contextmanager
def _import_transaction(
    engine: Engine, *, write: bool, say: Progress | None = None
) -> Iterator[Session]:
    """The import's one transaction; on SQLite, a writing one runs without foreign-key checks.

    The importer checks every reference itself — against the IDs it reads at
    the start and the bundle's earlier files — so SQLite's own check of each
    inserted row only repeats it (measured: about 3 CPU s of 1.6 million
    rows).  That is safe only if no other writer can delete a referenced row
    between that read and the commit, so the transaction starts with
    ``BEGIN IMMEDIATE``: the write lock is taken *before* anything is read.
    A writing import takes its turn among writers on both backends
    (:func:`tandem.program.db.take_writer_turn`), waiting for a refresh or another
    import that holds it.
    ``PRAGMA foreign_keys`` cannot change inside a transaction, so it is set
    on the connection before the transaction begins and restored after it
    ends, however it ends (the connection goes back to the pool).  A dry run
    and PostgreSQL keep the plain transaction, checks included.
    """
    if not write:
        with transaction(engine) as session:
            yield session
        return
    if not is_sqlite(engine):
        with writer_transaction(engine, say) as session:
            yield session
        return
    with (
        engine.connect() as connection,
        _foreign_keys_off(connection),
        session_factory(engine)(bind=connection) as session,
        session.begin(),
    ):
        # pysqlite would only begin (DEFERRED) at the first write, after the reads.
        take_writer_turn(session.connection(), say)
        yield session


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite's foreign-key checks off for ``connection`` while the block runs.

    Must be entered outside any transaction (the pragma is a no-op inside
    one; then the checks simply stay on).  On the way out — success or
    error — the previous setting is restored and read back; a connection
    whose setting cannot be confirmed is invalidated rather than returned to
    the pool without its checks.
    """
    previous = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()  # ends SQLAlchemy's autobegun transaction (no SQLite one was open)
    try:
        yield
    finally:
        _restore_foreign_keys(connection, int(previous or 0))


def _restore_foreign_keys(connection: Connection, previous: int) -> None:
    try:
        connection.rollback()  # whatever is still open: nothing after a commit
        connection.exec_driver_sql(f"PRAGMA foreign_keys={previous}")
        restored = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        connection.commit()
    except Exception:
        restored = None
    if restored != previous:
        # Never hand a connection without its checks back: the pool opens a
        # new one (with the engine's settings) in its place.
        connection.invalidate()


@dataclass
class _Context:
    """What every file of one import shares."""

    existing: Existing
    known: dict[str, set[Any]]  # stem -> IDs in the database or the bundle's earlier files
    unreadable: set[str]  # stems of files that could not be read at all
    progress: Progress | None
    write: bool


def _import_file(
    connection: Connection, spec: FileSpec, raw: bytes, log: ProblemLog, context: _Context
) -> FileCount | None:
    """Read, check and (while the bundle has no problem so far) write one file, a chunk at a time.

    Files come in dependency order, so each chunk's references can be checked
    against the files before it at once, and a chunk is written as soon as it
    is checked: the file is never held whole in memory.  Once any problem is
    found, writing stops and checking goes on, so that every problem is
    reported; the caller then rolls the transaction back.  Returns None for a
    file that could not be read.
    """
    own = ProblemLog()  # this file's problems, dropped if it turns out unreadable
    stream = CsvStream(spec.filename, raw, own)
    if not stream.open():
        log.merge(own)
        context.unreadable.add(spec.stem)
        return None
    validator = FileValidator(
        spec,
        stream.header,
        own,
        known=context.known,
        existing=context.existing,
        unreadable=context.unreadable,
        formula_quotes=b"'" in raw,
    )
    writer = _Writer(connection, spec, context.existing) if context.write else None
    wanted = frozenset(validator.positions.values())  # columns the validator reads
    for chunk in stream:
        data = validator.chunk(chunk.column_lists(len(stream.header), wanted), chunk.lines)
        del chunk
        _say(context.progress, f"checking {spec.filename}: {validator.size:,} rows")
        if writer is not None and not log and not own:
            _write(connection, data, context.existing, writer.written)
            writer.chunk(data)
            _say(context.progress, f"writing {spec.filename}: {validator.size:,} rows")
    if stream.failed:
        own.warnings.clear()  # the header's warnings: the file was not read after all
        log.merge(own)
        context.unreadable.add(spec.stem)
        return None
    ids = validator.finish()
    log.merge(own)
    if spec.stem in _REFERENCED:
        context.known.setdefault(spec.stem, set()).update(ids)
    if writer is None or log:
        return FileCount(validator.size)
    return writer.finish(validator.size)


# Files other files refer to: their IDs are kept for the reference checks.
_REFERENCED = frozenset(column.ref for s in FILES for column in s.columns if column.ref)


class _Writer:
    """Counts and second passes around one file's chunked upserts."""

    def __init__(self, connection: Connection, spec: FileSpec, existing: Existing) -> None:
        self.connection = connection
        self.spec = spec
        self.existing = existing
        self.before = _count(connection, spec)
        self.managers: list[tuple[Any, Any]] = []  # (person_id, manager_id)
        # People are written in two passes: which rows changed is known by key.
        self.written = Written(keys=[] if spec is PEOPLE else None)

    def chunk(self, data: FileData) -> None:
        if self.spec is PEOPLE:
            self.managers.extend(
                zip(data.values["person_id"], data.values["manager_id"], strict=True)
            )

    def finish(self, rows: int) -> FileCount:
        """The file's counts: new rows, changed rows, and rows given exactly as stored."""
        inserted = _count(self.connection, self.spec) - self.before
        if self.spec is PEOPLE:
            assert self.written.keys is not None
            changed = set(self.written.keys) | _set_managers(self.connection, self.managers)
            before = self.existing.ids.get(PEOPLE.stem, set())
            updated = sum(1 for person in changed if person in before)
        else:
            updated = self.written.rows - inserted
        return FileCount(
            rows=rows, inserted=inserted, updated=updated, unchanged=rows - inserted - updated
        )


@contextmanager
def _sqlite_cache(connection: Connection) -> Iterator[None]:
    """A larger SQLite page cache while writing (index pages of big tables stay in memory).

    A per-connection setting, restored afterwards; measured about 25% faster
    on 200k check-ins.  PostgreSQL manages its own buffers.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size={SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or -2000)}")


def _raise_if(log: ProblemLog) -> None:
    if log:
        raise BundleError(log.problems, warnings=log.warnings, total=log.total)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _load_existing(connection: Connection) -> Existing:
    existing = Existing()
    for spec in (s for s in FILES if s.stem in _REFERENCED):
        column = spec.table.c[spec.id_column.db_name]
        existing.ids[spec.stem] = set(connection.execute(select(column)).scalars())
    rows = connection.execute(
        select(Person.person_id, Person.email).where(Person.email.is_not(None))
    )
    for person, email in rows:
        existing.emails[str(email).lower()] = person
        existing.stored_emails[str(email).lower()] = str(email)
    return existing


def _count(connection: Connection, spec: FileSpec) -> int:
    return int(connection.execute(select(func.count()).select_from(spec.table)).scalar_one())


def _write(connection: Connection, data: FileData, existing: Existing, written: Written) -> None:
    """Upsert one checked chunk; rows whose values are unchanged are left alone.

    Rows that the dashboard edits under optimistic concurrency (pairings,
    flags) get a new version only when something actually changed, so an
    edit started before re-importing the same bundle still saves.
    """
    spec = data.spec
    columns = {
        column.db_name: data.values[column.name]
        for column in spec.all_columns
        if column.name in data.values
    }
    update_columns = None
    if spec is PEOPLE:
        _free_emails(connection, data, existing)
        # Pass one: no reporting lines yet (a manager may come later in the
        # file); existing people keep theirs until pass two sets them.
        columns["manager_id"] = [None] * data.size
        update_columns = [key for key in columns if key != "manager_id"]
    upsert_columns(
        connection,
        spec.table,
        columns,
        update_columns=update_columns,
        changed_only=True,
        version_column="version" if spec in _VERSIONED else None,
        written=written,
    )


def _free_emails(connection: Connection, data: FileData, existing: Existing) -> None:
    """Clear emails the bundle moves to another person, so the unique index never trips.

    Only while the old owner still has it: an earlier chunk may have given
    the owner a new email already.
    """
    moving = []
    for person, email in zip(data.values["person_id"], data.values["email"], strict=True):
        if email is None:
            continue
        lowered = email.lower()
        owner = existing.emails.get(lowered)
        if owner is not None and owner != person:
            moving.append({"owner": owner, "old_email": existing.stored_emails[lowered]})
    if moving:
        people = Person.__table__
        statement = (
            update(people)  # type: ignore[arg-type]
            .where(people.c.person_id == bindparam("owner"))
            .where(people.c.email == bindparam("old_email"))
            .values(email=None)
        )
        connection.execute(statement, moving)


def _set_managers(connection: Connection, pairs: list[tuple[Any, Any]]) -> set[Any]:
    """Pass two: reporting lines, once every person of the bundle exists.

    Only the lines that differ from what is stored are written; returns the
    people whose line changed.
    """
    if not pairs:
        return set()
    people = Person.__table__
    stored: dict[str, str | None] = {
        person: manager
        for person, manager in connection.execute(select(people.c.person_id, people.c.manager_id))
    }
    changes = [(person, manager) for person, manager in pairs if stored.get(person) != manager]
    if not changes:
        return set()
    if connection.dialect.name == "postgresql":
        # One statement over two arrays: far fewer round trips than executemany.
        connection.exec_driver_sql(
            "UPDATE people AS p SET manager_id = v.manager "
            "FROM unnest(%s::text[], %s::text[]) AS v(person, manager) "
            "WHERE p.person_id = v.person",
            ([person for person, _ in changes], [manager for _, manager in changes]),
        )
    else:
        connection.exec_driver_sql(
            "UPDATE people SET manager_id = ? WHERE person_id = ?",
            [(manager, person) for person, manager in changes],
        )
    return {person for person, _ in changes}

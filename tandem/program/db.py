"""The shared database: where it is, how to connect, how to describe it.

One SQLAlchemy engine per URL.  Without ``DATABASE_URL`` Tandem uses an
embedded SQLite file (``data/tandem.db``) in WAL mode with foreign keys on, so
a team can try it with zero set-up; PostgreSQL (``postgresql+psycopg://…``) is
the shared, first-class backend.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tandem.program import data_version

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "tandem.db"

_ENGINES: dict[str, Engine] = {}

#: How long a SQLite statement waits for a lock another connection holds.
SQLITE_BUSY_MS = 10_000
#: How long a writer waits for its turn (another import or refresh step) on SQLite.
WRITER_WAIT_MS = 3_600_000
#: PostgreSQL advisory lock of the writers' turn ("tandem:T", once the theme refresh's own).
WRITER_LOCK_KEY = int.from_bytes(b"tandem:T", "big")
WAITING = "waiting for another import or refresh to finish…"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: an explicit one, else ``DATABASE_URL``, else embedded SQLite."""
    url = explicit or os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    # Plain "postgresql://" would pick psycopg2, which we do not ship; people
    # copy URLs from their cloud console, so accept the common spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class UnusableURL(ValueError):
    """A database URL Tandem cannot use: not a URL, or not SQLite or PostgreSQL."""


_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")


def check_url(url: str) -> None:
    """Raise :class:`UnusableURL` (saying what to write instead) unless Tandem can use ``url``.

    Tandem runs on SQLite and on PostgreSQL through psycopg 3, nothing else.
    """
    shown = _PASSWORD.sub(r"\1***@", url)
    expected = "expected postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME or sqlite:////absolute/path.db"
    try:
        parsed = make_url(url)
    except Exception:
        raise UnusableURL(f"{shown!r} is not a database URL; {expected}") from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if (backend, driver) not in (("sqlite", "pysqlite"), ("postgresql", "psycopg")):
        raise UnusableURL(
            f"{shown!r}: Tandem runs on SQLite and on PostgreSQL (psycopg 3), "
            f"not {backend}+{driver}; {expected}"
        )


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ``url`` when it does not exist yet (None otherwise or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database or "")
    return None if path.exists() else path


def describe_url(url: str) -> str:
    """A human description of a database URL with any password hidden."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database or ':memory:'}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"PostgreSQL {parsed.database} on {host}{port}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (created on first use)."""
    resolved = database_url(url)
    engine = _ENGINES.get(resolved)
    if engine is None:
        engine = _create_engine(resolved)
        _ENGINES[resolved] = engine
    return engine


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and Path(parsed.database) == DEFAULT_SQLITE_PATH:
            # Only the embedded default's folder is made: a mistyped path must
            # fail, not quietly become a new, empty database somewhere.
            DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": 5},
    )


def dispose_engine(url: str | None = None) -> None:
    """Close and forget the engine for ``url`` (tests, and after a file is replaced)."""
    engine = _ENGINES.pop(database_url(url), None)
    if engine is not None:
        data_version.forget(engine)
        engine.dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed whole on success, rolled back whole on error."""
    with session_factory(engine)() as session, session.begin():
        yield session


@contextmanager
def connected(bind: Engine | Connection | Session) -> Iterator[Connection | Session]:
    """Something to execute on: ``bind`` itself when it is a connection or session
    (the caller's transaction), else a connection of the engine for this block."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            yield connection
    else:
        yield bind


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def take_writer_turn(connection: Connection, say: Callable[[str], None] | None = None) -> None:
    """Make the connection's transaction the one writer among imports and refreshes.

    Called first thing in the transaction, before anything is read, by every
    import and every step of a refresh: two of them started at once then take
    turns instead of colliding (duplicate keys on PostgreSQL, "database is
    locked" on SQLite).  A writer that has to wait says so (``say``) and waits:

    * PostgreSQL: a transaction-level advisory lock (released at commit or
      rollback), waited for without a limit;
    * SQLite: ``BEGIN IMMEDIATE``, the write lock taken before the first read
      (the driver would otherwise begin only at the first write, and a read
      transaction that another writer overtook cannot write at all), waited for
      up to ``WRITER_WAIT_MS``.
    """
    if connection.dialect.name == "postgresql":
        key = {"key": WRITER_LOCK_KEY}
        if not connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), key).scalar():
            if say is not None:
                say(WAITING)
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), key)
        return
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if getattr(driver, "in_transaction", True):
        return  # already begun (by this mechanism): the lock is held
    connection.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            if "locked" not in str(error).lower() and "busy" not in str(error).lower():
                raise
            if say is not None:
                say(WAITING)
            connection.exec_driver_sql(f"PRAGMA busy_timeout={WRITER_WAIT_MS}")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")


@contextmanager
def writer_transaction(
    engine: Engine, say: Callable[[str], None] | None = None
) -> Iterator[Session]:
    """:func:`transaction` that first takes its turn among writers (:func:`take_writer_turn`)."""
    with transaction(engine) as session:
        take_writer_turn(session.connection(), say)
        yield session

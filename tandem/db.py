"""The shared database: where it is, how to connect, how to describe it.

One SQLAlchemy engine per URL.  Without ``DATABASE_URL`` Tandem uses an
embedded SQLite file (``data/tandem.db``) in WAL mode with foreign keys on, so
a team can try it with zero set-up; PostgreSQL (``postgresql+psycopg://…``) is
the shared, first-class backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tandem import data_version

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "tandem.db"

_ENGINES: dict[str, Engine] = {}


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached or opened."""


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
    cursor.execute("PRAGMA busy_timeout=10000")
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
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
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

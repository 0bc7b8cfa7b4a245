"""A cheap value that changes whenever a write to the database has committed, from any process.

A cache keyed by :func:`data_version` never serves a result older than the
last commit visible when the version was read, provided the version is read
*before* the query whose result it keys: whoever stored an entry under a
version read it before querying, and the version cannot be the same again
once anything has committed since.

- **PostgreSQL**: ``pg_current_snapshot()``.  Its ``xmax`` is one past the
  latest completed transaction id and its list names the transactions in
  progress, so the commit of any transaction that wrote (only those take an
  id) changes it; reads take no id and leave it alone.  Transaction ids are
  per server, so a write to another database on the same server changes it
  too: a needless fresh start for a cache, never a stale one.  One round trip.
- **SQLite file**: ``PRAGMA data_version`` on one long-lived connection per
  file and process that never writes: its value changes whenever another
  connection, in this process or any other, commits.  The file's identity
  (device and inode), size and modification time are part of the version, so
  a file deleted and built again (or copied over) is a new version too; the
  connection is reopened on the new file, and the pooled connections of the
  engine asking are dropped (they would still read the old file), so the
  query that follows reads the new one.  Microseconds, no round trip.
- **Anything else** (an in-memory SQLite database): a fresh value on every
  call, so nothing is ever served from a cache.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
import weakref
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, event, text

_POSTGRES_VERSION = text("SELECT pg_current_snapshot()::text")


def data_version(engine: Engine) -> str:
    """A value that differs after any transaction that wrote to ``engine``'s database commits."""
    backend = engine.dialect.name
    if backend == "postgresql":
        with engine.connect() as connection:
            return "pg:" + str(connection.execute(_POSTGRES_VERSION).scalar_one())
    path = _sqlite_file(engine)
    if path is not None:
        return _watcher(path).version(engine)
    return f"uncached:{uuid.uuid4().hex}"


def _sqlite_file(engine: Engine) -> str | None:
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or engine.url.query.get("mode") == "memory":
        return None
    return str(Path(database).resolve())


class _SqliteWatcher:
    """The one connection per file that reads ``PRAGMA data_version`` (and never writes)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._token = ""
        #: the file each engine last asked about
        self._seen: weakref.WeakKeyDictionary[Engine, tuple[int, int]] = weakref.WeakKeyDictionary()

    def version(self, engine: Engine) -> str:
        with self._lock:
            try:
                stat = os.stat(self.path)
            except OSError:  # no file (yet): nothing to cache against
                self._close()
                return f"uncached:{uuid.uuid4().hex}"
            identity = (stat.st_dev, stat.st_ino)
            if self._connection is None or identity != self._identity:
                self._open(identity)
            if self._seen.get(engine, identity) != identity:
                engine.dispose()  # its pooled connections still read the file that was replaced
            self._seen[engine] = identity
            assert self._connection is not None
            try:
                (value,) = self._connection.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                self._close()
                return f"uncached:{uuid.uuid4().hex}"
            # data_version values are per connection: the token tells connections apart.
            return f"sqlite:{self._token}:{value}:{stat.st_size}:{stat.st_mtime_ns}"

    def _open(self, identity: tuple[int, int]) -> None:
        self._close()
        # mode=rw: never create a missing file; autocommit (isolation_level=None):
        # no read transaction is ever left open to hold back checkpoints.
        self._connection = sqlite3.connect(
            f"file:{quote(self.path)}?mode=rw",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            timeout=10,
        )
        self._identity = identity
        self._token = uuid.uuid4().hex[:12]

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._identity = None

    def close(self) -> None:
        with self._lock:
            self._close()


_WATCHERS: dict[str, _SqliteWatcher] = {}
_WATCHERS_LOCK = threading.Lock()


def _watcher(path: str) -> _SqliteWatcher:
    with _WATCHERS_LOCK:
        watcher = _WATCHERS.get(path)
        if watcher is None:
            watcher = _WATCHERS[path] = _SqliteWatcher(path)
        return watcher


def forget(engine: Engine) -> None:
    """Close the version connection of ``engine``'s SQLite file (when the engine is disposed)."""
    path = _sqlite_file(engine)
    if path is None:
        return
    with _WATCHERS_LOCK:
        watcher = _WATCHERS.pop(path, None)
    if watcher is not None:
        watcher.close()


# --- commits made by this thread --------------------------------------------------------

_commits = threading.local()


@event.listens_for(Engine, "commit")
def _count_commit(_connection: object) -> None:
    _commits.count = getattr(_commits, "count", 0) + 1


def local_commits() -> int:
    """How many transactions this thread has committed (reads included) through any engine.

    It moves *before* each commit reaches the database: a caller that read a
    :func:`data_version` and sees this count change since must read it again
    to see its own write.  (Commits by other threads are writes by someone
    else, seen from the next version read on.)
    """
    return int(getattr(_commits, "count", 0))

"""Measuring instruments for the benchmarks: SQL time, CPU time, peak memory, the machine.

SQL time on SQLite cannot be taken from SQLAlchemy's cursor events alone:
``sqlite3`` runs a query lazily, one step per fetched row, so most of the work
happens in ``fetchall``/``fetchmany`` after ``after_cursor_execute`` fired.
``timed_sqlite_engine`` therefore builds the app's engine with a connection
class whose cursors time ``execute``, ``executemany`` and every fetch.  On
PostgreSQL psycopg's default (client-side) cursors receive the whole result
in ``execute``, so the engine events measure it.
"""

from __future__ import annotations

import os
import platform
import resource
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from tandem.program import db as tandem_db


class SqlClock:
    """Seconds spent inside the database driver (summed over every thread)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        #: CPU seconds of the calling threads inside the driver (SQLite only).
        self.cpu = 0.0
        self.statements = 0
        #: Seconds per SQL text, when ``record`` is on (bench/profile_page.py).
        self.by_statement: dict[str, float] = {}
        #: CPU seconds of the calling thread per SQL text (SQLite only: the
        #: engine runs in that thread), when ``record`` is on.
        self.cpu_by_statement: dict[str, float] = {}
        self.record = False
        self._lock = threading.Lock()

    def add(
        self, seconds: float, statements: int = 0, sql: str | None = None, cpu: float = 0.0
    ) -> None:
        with self._lock:
            self.seconds += seconds
            self.cpu += cpu
            self.statements += statements
            if self.record and sql is not None:
                self.by_statement[sql] = self.by_statement.get(sql, 0.0) + seconds
                self.cpu_by_statement[sql] = self.cpu_by_statement.get(sql, 0.0) + cpu

    def reset(self) -> None:
        with self._lock:
            self.seconds = 0.0
            self.cpu = 0.0
            self.statements = 0
            self.by_statement = {}
            self.cpu_by_statement = {}


CLOCK = SqlClock()


class _TimedCursor(sqlite3.Cursor):
    _sql: str | None = None

    def execute(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self._sql = str(args[0]) if args else None
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return super().execute(*args, **kwargs)
        finally:
            CLOCK.add(time.perf_counter() - began, 1, self._sql, time.thread_time() - cpu)

    def executemany(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self._sql = str(args[0]) if args else None
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return super().executemany(*args, **kwargs)
        finally:
            CLOCK.add(time.perf_counter() - began, 1, self._sql, time.thread_time() - cpu)

    def fetchone(self) -> Any:
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return super().fetchone()
        finally:
            CLOCK.add(time.perf_counter() - began, 0, self._sql, time.thread_time() - cpu)

    def fetchmany(self, *args: Any, **kwargs: Any) -> list[Any]:
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return super().fetchmany(*args, **kwargs)
        finally:
            CLOCK.add(time.perf_counter() - began, 0, self._sql, time.thread_time() - cpu)

    def fetchall(self) -> list[Any]:
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return super().fetchall()
        finally:
            CLOCK.add(time.perf_counter() - began, 0, self._sql, time.thread_time() - cpu)


class _TimedConnection(sqlite3.Connection):
    def cursor(self, factory: Any = _TimedCursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)


def install_timed_engine(url: str) -> Engine:
    """Make ``tandem.program.db.get_engine(url)`` return an engine whose SQL time goes to ``CLOCK``.

    The app reaches its engine through ``get_engine``; replacing the cached
    entry (a private dict, acceptable for a benchmark) keeps the app's own
    code path while adding the instruments.
    """
    resolved = tandem_db.database_url(url)
    tandem_db.dispose_engine(resolved)
    if make_url(resolved).get_backend_name() == "sqlite":
        engine = create_engine(resolved, connect_args={"timeout": 10, "factory": _TimedConnection})
        event.listen(engine, "connect", tandem_db._sqlite_pragmas)
    else:
        engine = tandem_db._create_engine(resolved)
        starts: dict[int, float] = {}

        def before(_conn: Any, cursor: Any, *_args: Any) -> None:
            starts[id(cursor)] = time.perf_counter()

        def after(_conn: Any, cursor: Any, *_args: Any) -> None:
            began = starts.pop(id(cursor), None)
            if began is not None:
                CLOCK.add(time.perf_counter() - began, 1)

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
    tandem_db._ENGINES[resolved] = engine
    return engine


def current_rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def max_rss_bytes() -> int:
    """The process's peak resident set so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class RssSampler:
    """Peak resident memory during a block, sampled every 10 ms on a side thread."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, current_rss_bytes())
            self._stop.wait(0.01)

    def __enter__(self) -> RssSampler:
        self.peak = current_rss_bytes()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, current_rss_bytes())


@dataclass
class Timing:
    """Wall, CPU (this process and its children) and SQL seconds of one measured block."""

    wall: float = 0.0
    cpu: float = 0.0
    sql: float = 0.0
    sql_cpu: float = 0.0
    statements: int = 0
    peak_rss: int = 0
    load: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@contextmanager
def measured() -> Iterator[Timing]:
    timing = Timing()
    CLOCK.reset()
    cpu = _cpu_seconds()
    with RssSampler() as sampler:
        began = time.perf_counter()
        try:
            yield timing
        finally:
            timing.wall = time.perf_counter() - began
    timing.cpu = _cpu_seconds() - cpu
    timing.sql = CLOCK.seconds
    timing.sql_cpu = CLOCK.cpu
    timing.statements = CLOCK.statements
    timing.peak_rss = sampler.peak
    timing.load = os.getloadavg()[0]


def machine() -> dict[str, str]:
    """The machine, described for RESULTS.md."""
    cpu_model = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    try:
        kernel = subprocess.run(["uname", "-sr"], capture_output=True, text=True).stdout.strip()
    except OSError:
        kernel = platform.platform()
    return {
        "cpus (nproc)": str(len(os.sched_getaffinity(0))),
        "cpu model": cpu_model,
        "memory": memory,
        "kernel": kernel,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }

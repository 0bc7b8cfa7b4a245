"""Benchmark: what the data version costs a page run (one call per run, see components/ui/cache.py).

Times ``tandem.program.data_version.data_version`` on a migrated SQLite file and, with
``--postgres URL``, on a throw-away PostgreSQL database, next to a plain
``SELECT 1`` through the same engine for scale; prints medians in
microseconds.  Run: ``.venv/bin/python bench/bench_data_version.py
[--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--calls N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.program import migrate
from tandem.program.data_version import data_version
from tandem.program.db import dispose_engine, get_engine


def median_us(call: Callable[[], object], calls: int) -> float:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def select_one(engine: Engine) -> object:
    with engine.connect() as connection:
        return connection.execute(text("SELECT 1")).scalar_one()


def measure(label: str, engine: Engine, calls: int) -> None:
    migrate.upgrade(engine)
    data_version(engine)  # first call opens the SQLite version connection
    version = median_us(lambda: data_version(engine), calls)
    baseline = median_us(lambda: select_one(engine), calls)
    print(f"{label}: data_version {version:,.0f} µs, SELECT 1 {baseline:,.0f} µs (medians)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made there)")
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'tandem.db'}"
        measure("SQLite", get_engine(url), args.calls)
        dispose_engine(url)
    if args.postgres:
        name = f"tandem_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        try:
            measure("PostgreSQL", get_engine(url), args.calls)
        finally:
            dispose_engine(url)
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()

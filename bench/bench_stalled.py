"""Benchmark the Stalled pairings page's queries on demo programs of a few sizes.

    .venv/bin/python bench/bench_stalled.py                  # 500 and 5,000 pairings
    .venv/bin/python bench/bench_stalled.py --sizes 2000 --repeat 5

Prints the median seconds of each query the page runs.  The trend and the
nudge list read what ``refresh_health`` stored; "(live)" rows time them as
they run when the stored health is not current (after an import): one
``health_frame`` per month end.

    .venv/bin/python -m bench.bench_stalled --page /tmp/me/copy.db --repeat 3

runs the Stalled pairings page itself (through app.py, with AppTest) on an
existing database, cold (empty caches) and warm, and prints medians.  Use a
copy you have refreshed (``refresh_health``), never the shared benchmark file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine

import tandem.health as queries
from tandem.access import EVERYTHING, Viewer
from tandem.access.filters import Filters
from tandem.health import refresh_health
from tandem.program import db as tandem_db
from tandem.program import rollups
from tandem.program.demo import generate_demo
from tandem.program.schema import metadata

TODAY = dt.date(2026, 6, 1)


def _median(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _measure(engine: Engine, repeat: int) -> None:
    everything = Filters(scope=EVERYTHING)
    cases: dict[str, Callable[[], object]] = {
        "queue page (50 rows + total)": lambda: queries.stalled_queue(engine, everything),
        "headline counts": lambda: queries.queue_counts(engine, everything),
        "health distribution": lambda: queries.health_distribution(
            engine, everything, Viewer(role="lead")
        ),
        "trend (6 month ends)": lambda: queries.stall_trend(engine, everything, today=TODAY),
        "nudge list": lambda: queries.filtered_nudge_list(engine, everything, TODAY),
    }
    for name, work in cases.items():
        print(f"  {name:32s} {_median(work, repeat):8.3f} s")
    with engine.begin() as connection:
        rollups.invalidate(connection)  # as an import leaves it
    live: dict[str, Callable[[], object]] = {
        "trend (live)": lambda: queries.stall_trend(engine, everything, today=TODAY),
        "nudge list (live)": lambda: queries.filtered_nudge_list(engine, everything, TODAY),
    }
    for name, work in live.items():
        print(f"  {name:32s} {_median(work, repeat):8.3f} s")


def bench_page(path: Path, repeat: int) -> None:
    """The Stalled pairings page through app.py: cold (caches cleared) and warm runs."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from bench.measure import install_timed_engine, measured
    from bench.run_all import APP, _page_problem, _quiet_streamlit

    url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    _quiet_streamlit()
    install_timed_engine(url)
    # The first AppTest of a process pays Streamlit's one-off start-up.
    AppTest.from_file(APP, default_timeout=900).run()
    runs: dict[str, list[tuple[float, float, float]]] = {"cold": [], "warm": []}
    for _ in range(repeat):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(APP, default_timeout=900)
        at.switch_page("pages/stalled.py")
        for kind in ("cold", "warm"):
            with measured() as timing:
                at.run()
            problem = _page_problem(at)
            if problem:
                raise SystemExit(f"the page failed: {problem}")
            runs[kind].append((timing.wall, timing.cpu, timing.sql))
    for kind, timings in runs.items():
        wall, cpu, sql = (statistics.median(t[i] for t in timings) for i in range(3))
        print(
            f"stalled page {kind}: {wall:.2f} s wall, {cpu:.2f} s CPU, {sql:.2f} s SQL "
            f"(median of {len(timings)}; load {os.getloadavg()[0]:.2f})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page", type=Path, metavar="FILE", help="time the page on this file")
    args = parser.parse_args()
    if args.page:
        bench_page(args.page, args.repeat)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-stalled-") as folder:
        for size in args.sizes:
            url = f"sqlite:///{Path(folder) / f'stalled_{size}.db'}"
            engine = tandem_db.get_engine(url)
            metadata.create_all(engine)
            generate_demo(engine, pairings=size, today=TODAY)
            refresh_health(engine, today=TODAY)
            print(f"{size:,} pairings (SQLite), median of {args.repeat}:")
            _measure(engine, args.repeat)
            tandem_db.dispose_engine(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

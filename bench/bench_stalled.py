"""Benchmark the Stalled pairings page's queries on demo programs of a few sizes.

    .venv/bin/python bench/bench_stalled.py                  # 500 and 5,000 pairings
    .venv/bin/python bench/bench_stalled.py --sizes 2000 --repeat 5

Prints the median seconds of each query the page runs (the trend is six
``health_frame`` computations, one per month end — the page caches it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine

from tandem import db as tandem_db
from tandem.demo import generate_demo
from tandem.filters import Filters
from tandem.health import refresh_health
from tandem.queries import stalled as queries
from tandem.schema import metadata

TODAY = dt.date(2026, 6, 1)


def _median(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _measure(engine: Engine, repeat: int) -> None:
    everything = Filters()
    cases: dict[str, Callable[[], object]] = {
        "queue page (50 rows + total)": lambda: queries.stalled_queue(engine, everything),
        "headline counts": lambda: queries.queue_counts(engine, everything),
        "health distribution": lambda: queries.health_distribution(engine, everything),
        "trend (6 month ends)": lambda: queries.stall_trend(engine, everything, today=TODAY),
        "nudge list": lambda: queries.filtered_nudge_list(engine, everything, TODAY),
    }
    for name, work in cases.items():
        print(f"  {name:32s} {_median(work, repeat):8.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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

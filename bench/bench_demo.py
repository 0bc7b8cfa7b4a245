"""Benchmark the demo generator: seconds and rows/s at demo and enterprise scale.

    .venv/bin/python bench/bench_demo.py                 # 500 and 5,000 pairings, median of 3
    .venv/bin/python bench/bench_demo.py --big           # …and 50,000 pairings, once
    .venv/bin/python bench/bench_demo.py --sizes 2000 --repeat 5
    .venv/bin/python bench/bench_demo.py --database-url postgresql+psycopg://postgres@127.0.0.1/x

Each run writes into a fresh database (a new SQLite file, or the given
PostgreSQL database cleared first) and reports the whole ``generate_demo``
call — story generation plus the bulk writes in one transaction — its CPU
seconds (the honest figure on a busy shared machine), and, apart, the time
spent generating the story alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.program import db as tandem_db
from tandem.program.demo import generate_demo
from tandem.program.demo.story import build_story
from tandem.program.schema import metadata

TODAY = dt.date(2026, 6, 1)


def _one_run(pairings: int, url: str | None, folder: Path, run: int) -> tuple[float, float, int]:
    path = folder / f"demo_{pairings}_{run}.db"
    target = f"sqlite:///{path}" if url is None else url
    engine = tandem_db.get_engine(target)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = generate_demo(engine, pairings=pairings, seed=7, today=TODAY)
    seconds = time.perf_counter() - started
    # CPU seconds of this process (SQLite runs in-process): on a shared,
    # busy machine this is the better guide to what an idle one would take.
    cpu = time.process_time() - cpu_started
    tandem_db.dispose_engine(target)
    if url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return seconds, cpu, summary.total_rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="500,5000", help="comma-separated pairings counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median shown)")
    parser.add_argument("--big", action="store_true", help="also run 50,000 pairings once")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    sizes = [(int(s), args.repeat) for s in args.sizes.split(",") if s.strip()]
    if args.big:
        sizes.append((50_000, 1))
    backend = "SQLite" if args.database_url is None else "PostgreSQL"
    print(f"demo generator on {backend}, today={TODAY}, seed=7")
    header = (
        f"{'pairings':>9} {'runs':>4} {'rows':>10} {'story s':>8} {'total s':>8} "
        f"{'cpu s':>8} {'rows/s':>9}"
    )
    print(header)
    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp:
        folder = Path(tmp)
        for pairings, repeat in sizes:
            started = time.perf_counter()
            build_story(pairings, 7, TODAY)
            story_seconds = time.perf_counter() - started
            runs = [_one_run(pairings, args.database_url, folder, r) for r in range(repeat)]
            median = statistics.median(seconds for seconds, _cpu, _rows in runs)
            cpu = statistics.median(cpu for _seconds, cpu, _rows in runs)
            rows = runs[0][2]
            print(
                f"{pairings:>9,} {repeat:>4} {rows:>10,} {story_seconds:>8.2f} "
                f"{median:>8.2f} {cpu:>8.2f} {rows / median:>9,.0f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

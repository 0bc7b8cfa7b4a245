"""A lead codes a note: how long until the notes like it show their new theme (issue #20).

    cp bench/out/demo_p50000_*.db /tmp/x.db          # never the cached original
    .venv/bin/python -m bench.themes.bench_live /tmp/x.db [--codings 3]

In one process (as the app: the theme model is fitted once per coding, since a
coding changes the model), for each of ``--codings`` notes from the coding
queue: the queue itself (``coding_queue``, 5 notes), the coding (``code_from_queue``)
and ``update_after_coding`` — which finds the notes like the coded one and
stores their themes — each timed (wall and CPU).  Prints the medians.
``make bench`` runs ``time_codings`` on the imported 50,000-pairing program
(bench/run_all.py).  The database is written to: pass a copy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from sqlalchemy import Engine

CODINGS = 3


def time_codings(engine: Engine, codings: int = CODINGS) -> list[dict[str, Any]]:
    """Code ``codings`` queue notes one after the other; the timings of each step."""
    from tandem.access import EVERYTHING
    from tandem.access.filters import Filters
    from tandem.themes.coding import code_from_queue, coding_queue
    from tandem.themes.live import update_after_coding

    results = []
    for _ in range(codings):
        wall, cpu = time.perf_counter(), time.process_time()
        queue = coding_queue(engine, Filters(scope=EVERYTHING), limit=5)
        queued = (time.perf_counter() - wall, time.process_time() - cpu)
        if not queue:
            break
        note = queue[0]
        # Code it with a theme the engine did not give it: the notes like it must move.
        theme = "Delegation" if note.guess != "Delegation" else "Career growth"
        code_from_queue(engine, EVERYTHING, note.feedback_id, theme, "bench")
        wall, cpu = time.perf_counter(), time.process_time()
        update = update_after_coding(engine, [note.feedback_id], actor="bench")
        results.append(
            {
                "queue_wall": queued[0],
                "queue_cpu": queued[1],
                "update_wall": time.perf_counter() - wall,
                "update_cpu": time.process_time() - cpu,
                "candidates": update.candidates,
                "changed": update.changed,
            }
        )
    return results


def describe(results: list[dict[str, Any]]) -> str:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    return (
        f"after a coding, notes like it updated in {median('update_wall'):.2f} s wall / "
        f"{median('update_cpu'):.2f} s CPU (median of {len(results)}; "
        f"{median('candidates'):,.0f} notes re-read, {median('changed'):,.0f} changed theme); "
        f"the queue of 5 in {median('queue_wall'):.2f} s wall / {median('queue_cpu'):.2f} s CPU"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="path of a SQLite database (a copy: it is written to)")
    parser.add_argument("--codings", type=int, default=CODINGS)
    args = parser.parse_args(argv)
    from tandem.program.db import get_engine

    url = args.database if "://" in args.database else f"sqlite:///{args.database}"
    results = time_codings(get_engine(url), args.codings)
    for result in results:
        print(result, file=sys.stderr)
    print(describe(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

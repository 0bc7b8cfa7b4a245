"""Benchmark: matching a cohort's sign-ups exactly (issue #17: 2,000 × 1,000 under 5 s and 1 GB).

    .venv/bin/python -m bench.bench_match [--repeat 3] [--mentees 2000] [--mentors 1000]

A SQLite program of 3,000 people (the org tree and attributes of
``bench.bench_rebalance.synthetic``): 1,000 mentors with 1–3 slots, of which
300 are held by open pairings in another cohort (some of them full), 200 ended pairs that may not
repeat, and 2,000 mentees, all signed up for one new cohort and waiting.
``match_cohort`` (read, score every pair, solve exactly, reasons, runner-ups)
is timed in a fresh process; the median wall and CPU seconds and the peak
resident memory of that process are printed as JSON and kept in
``bench/out/match.json`` for ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUT = PROJECT_ROOT / "bench" / "out" / "match.json"
TARGET_SECONDS = 5.0
TARGET_RSS = 1024**3


def build_program(url: str, n_mentors: int, n_mentees: int) -> None:
    from bench.bench_rebalance import synthetic
    from tandem.program import migrate
    from tandem.program.bulk import upsert
    from tandem.program.db import get_engine
    from tandem.program.schema import metadata

    people, pairings, _stalled = synthetic(n_mentors, n_mentees, 0, seed=11)
    # 300 open pairings in another cohort hold their mentors' slots; 200 ended pairs
    # may not repeat.  Their mentees still wait in the new cohort.
    held = [dict(p, cohort_id="c-old", version=1) for p in pairings[:300]]
    ended = [dict(p, cohort_id="c-old", status="ended", version=1) for p in pairings[300:500]]
    start = dt.date(2027, 1, 4)
    cohorts = [
        {
            "cohort_id": cid,
            "name": cid,
            "program_type": "executive",
            "start_date": start,
            "end_date": None,
            "sponsor_id": None,
        }
        for cid in ("c-old", "c-new")
    ]
    participants = [
        {
            "cohort_id": "c-new",
            "person_id": p["person_id"],
            "role": "mentor" if i < n_mentors else "mentee",
            "joined_on": None,
        }
        for i, p in enumerate(people)
    ]
    engine = get_engine(url)
    migrate.upgrade(engine)
    tables = metadata.tables
    with engine.begin() as connection:
        upsert(connection, tables["people"], people)
        upsert(connection, tables["cohorts"], cohorts)
        upsert(connection, tables["pairings"], held + ended)
        upsert(connection, tables["participants"], participants)


def worker(url: str, repeat: int) -> dict[str, Any]:
    """Time ``match_cohort`` in this process (run it fresh for a clean peak)."""
    import resource

    from tandem.access import EVERYTHING
    from tandem.matching.cohort import match_cohort
    from tandem.program.db import get_engine

    engine = get_engine(url)
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = match_cohort(engine, EVERYTHING, "c-new")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert result is not None
    return {
        "wall_s": statistics.median(walls),
        "cpu_s": statistics.median(cpus),
        "runs": repeat,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "proposals": len(result.proposals),
        "unmatched": len(result.unmatched),
        "total_score": result.total_score,
    }


def run(repeat: int = 3, n_mentors: int = 1000, n_mentees: int = 2000) -> dict[str, Any]:
    """Build the program, time it in a fresh process, store and return the result."""
    with tempfile.TemporaryDirectory(prefix="bench_match_") as tmp:
        url = f"sqlite:///{Path(tmp) / 'match.db'}"
        build_program(url, n_mentors, n_mentees)
        command = [sys.executable, "-m", "bench.bench_match", "--worker", url]
        command += ["--repeat", str(repeat)]
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True, check=True
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result |= {
        "load": os.getloadavg()[0],
        "mentors": n_mentors,
        "mentees": n_mentees,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1))
    return result


def render(result: dict[str, Any]) -> list[str]:
    """The RESULTS.md section for a stored result."""
    met = result["wall_s"] < TARGET_SECONDS and result["peak_rss_bytes"] < TARGET_RSS
    return [
        "## Matching a cohort (issue #17)",
        "",
        f"Run {result['date']}: `match_cohort` on {result['mentees']:,} waiting mentees against "
        f"{result['mentors']:,} mentors (SQLite, `python -m bench.bench_match`), median of "
        f"{result['runs']} run(s) in a fresh process; load average {result.get('load', 0):.1f} "
        "on 2 cores (wall time inflated by the shared machine, CPU time much less).",
        "",
        "| wall s | cpu s | peak RSS | proposals | unmatched | target (5 s, 1 GB) |",
        "|---:|---:|---:|---:|---:|---|",
        f"| {result['wall_s']:.2f} | {result['cpu_s']:.2f} | "
        f"{result['peak_rss_bytes'] / 1024**2:,.0f} MiB | {result['proposals']:,} | "
        f"{result['unmatched']:,} | {'met' if met else 'NOT met'} |",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat)))
        return 0
    result = run(args.repeat, args.mentors, args.mentees)
    print("\n".join(render(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

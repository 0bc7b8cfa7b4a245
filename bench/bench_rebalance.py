"""Benchmark: exact rebalancing at demo and enterprise scale (prints medians).

    .venv/bin/python bench/bench_rebalance.py [--repeat 3] [--db]

* enterprise: 2,000 movable mentees over 10,000 mentors (12,000 people,
  5,000 fixed pairings holding slots), solved in memory — the planning cost.
* program: a 200-mentee program.
* ``--db`` also times the whole ``compute_rebalance`` (reading a SQLite file
  written by ``tandem.program.bulk.upsert``) at both scales.
* ``--program FILE`` times ``compute_rebalance`` on an existing program (e.g.
  the cached ``bench/out/demo_p50000_*.db``; it is only read), with the peak
  memory of the process: run it in a fresh process for a clean peak.

Synthetic data are generated here with a fixed seed; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.matching import OpenPairing, compute_rebalance, plan_rebalance
from tandem.matching.config import MatchConfig
from tandem.matching.people import People
from tandem.matching.rules import HardRules
from tandem.program.bulk import upsert
from tandem.program.db import get_engine
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import Pairing, Person
from tandem.program.schema import metadata

COMPETENCIES = [f"skill {i}" for i in range(40)]
DIVISIONS = ["Wealth", "Risk", "Technology", "Operations", "Finance", "Markets", "HR"]
GEOGRAPHIES = ["UK", "US", "Singapore", "Germany", "India", "Brazil"]
FUNCTIONS = ["Finance", "Engineering", "Sales", "Legal", "Product", None]


def synthetic(
    n_mentors: int, n_mentees: int, n_fixed: int, seed: int = 7
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[str]]:
    """People rows, pairing rows and the ids of the stalled (movable) pairings."""
    rng = np.random.default_rng(seed)
    n = n_mentors + n_mentees
    levels = np.where(np.arange(n) < n_mentors, rng.integers(3, 9, n), rng.integers(1, 5, n))
    people: list[dict[str, Any]] = []
    for i in range(n):
        # A realistic org tree: everyone reports to someone earlier (depth ≈ 5–7).
        higher = int(rng.integers(0, max(1, i // 5))) if i > 0 else -1
        people.append(
            {
                "person_id": f"P{i:06d}",
                "name": f"Person {i}",
                "email": None,
                "title": None,
                "level": int(levels[i]),
                "division": DIVISIONS[int(rng.integers(len(DIVISIONS)))],
                "function": FUNCTIONS[int(rng.integers(len(FUNCTIONS)))],
                "geography": GEOGRAPHIES[int(rng.integers(len(GEOGRAPHIES)))],
                "manager_id": f"P{higher:06d}" if higher >= 0 else None,
                "tenure_years": float(rng.integers(0, 30)),
                "strengths": ";".join(rng.choice(COMPETENCIES, 4, replace=False)),
                "development_goals": ";".join(rng.choice(COMPETENCIES, 3, replace=False)),
                "learning_style": None,
                "monthly_hours": float(rng.integers(0, 12)),
                "max_mentees": int(rng.integers(1, 4)) if i < n_mentors else 0,
                "group_name": None,
            }
        )
    pairings: list[dict[str, Any]] = []
    stalled: set[str] = set()
    start = dt.date(2026, 1, 5)

    def pairing(pid: str, mentor: int, mentee: int) -> dict[str, Any]:
        return {
            "pairing_id": pid,
            "cohort_id": None,
            "mentor_id": f"P{mentor:06d}",
            "mentee_id": f"P{mentee:06d}",
            "kind": "traditional",
            "status": "active",
            "start_date": start,
            "planned_end_date": None,
            "ended_date": None,
            "cadence_days": 30,
            "objective": None,
        }

    # Mentors' slots, shuffled: every pairing takes a free one (no overload).
    slots = rng.permutation(
        np.repeat(np.arange(n_mentors), [p["max_mentees"] for p in people[:n_mentors]])
    )
    for j in range(n_mentees):
        mentor = int(slots[j])
        pid = f"M{j:06d}"
        pairings.append(pairing(pid, mentor, n_mentors + j))
        stalled.add(pid)
    # Healthy pairings among the mentor pool: they hold slots, they do not move.
    for j in range(n_fixed):
        mentor = int(slots[n_mentees + j])
        mentee = (mentor + 1 + int(rng.integers(n_mentors - 1))) % n_mentors
        pairings.append(pairing(f"F{j:06d}", mentor, mentee))
    return people, pairings, stalled


def in_memory(people_rows, pairing_rows, stalled) -> tuple[People, HardRules, list[OpenPairing]]:
    people = People.from_rows(people_rows)
    load = np.zeros(len(people), dtype=np.int32)
    opened = set()
    open_pairings = []
    for p in pairing_rows:
        mentor, mentee = people.index[p["mentor_id"]], people.index[p["mentee_id"]]
        load[mentor] += 1
        opened.add((mentor, mentee))
        open_pairings.append(
            OpenPairing(
                p["pairing_id"],
                p["mentee_id"],
                p["mentor_id"],
                "traditional",
                "active",
                1,
                None,
                p["pairing_id"] in stalled,
                "",
            )
        )
    rules = HardRules(people=people, load=load, closed_pairs=set(), open_pairs=opened)
    return people, rules, open_pairings


def median_time(fn, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def time_program(path: str, repeat: int) -> int:
    """compute_rebalance on an existing SQLite program: wall and CPU medians, peak memory."""
    import resource

    engine = get_engine(f"sqlite:///{Path(path).resolve()}")  # compute_rebalance only reads
    walls, cpus = [], []
    plan = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        plan = compute_rebalance(engine)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert plan is not None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{Path(path).name}: {plan.movable} movable, {len(plan.suggestions)} moves, "
        f"total {plan.total_score:.6f} — wall median {statistics.median(walls):.2f}s, "
        f"CPU median {statistics.median(cpus):.2f}s, peak {peak:.0f} MiB "
        f"(load {Path('/proc/loadavg').read_text().split()[0]})"
    )
    engine.dispose()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", action="store_true", help="also time compute_rebalance on SQLite")
    parser.add_argument("--program", help="SQLite file of a whole program (read only)")
    args = parser.parse_args()
    if args.program:
        return time_program(args.program, args.repeat)
    # Only the stalled pairings move: the fixed ones are random, so many fit poorly.
    config = MatchConfig(poor_fit_threshold=0.0)
    scales = {"program": (300, 200, 150), "enterprise": (10_000, 2_000, 5_000)}
    for name, (n_mentors, n_mentees, n_fixed) in scales.items():
        people_rows, pairing_rows, stalled = synthetic(n_mentors, n_mentees, n_fixed)
        people, rules, open_pairings = in_memory(people_rows, pairing_rows, stalled)
        seconds, plan = median_time(
            functools.partial(plan_rebalance, people, rules, open_pairings, config), args.repeat
        )
        print(
            f"{name}: {plan.movable} movable, {n_mentors} mentors — plan median {seconds:.3f}s "
            f"({len(plan.suggestions)} moves, {plan.stays} stay, {len(plan.unresolved)} "
            f"unresolved, total {plan.total_score:.3f})"
        )
        if args.db:
            with tempfile.TemporaryDirectory() as tmp:
                engine = get_engine(f"sqlite:///{tmp}/bench.db")
                metadata.create_all(engine)
                with engine.begin() as connection:
                    upsert(connection, Person.__table__, people_rows)
                    upsert(connection, Pairing.__table__, pairing_rows)
                    upsert(
                        connection,
                        PairingHealth.__table__,
                        [
                            {
                                "pairing_id": pid,
                                "stalled": True,
                                "reasons": "no contact",
                                "as_of": dt.date(2026, 6, 1),
                            }
                            for pid in sorted(stalled)
                        ],
                    )
                run = functools.partial(compute_rebalance, engine, config=config)
                seconds, plan = median_time(run, args.repeat)
                print(
                    f"{name}: compute_rebalance from SQLite ({plan.movable} movable) "
                    f"median {seconds:.3f}s"
                )
                engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

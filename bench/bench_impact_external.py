"""The external check of issue #16 over many seeds: does the adjusted difference find the truth?

    .venv/bin/python bench/bench_impact_external.py               # seeds 1-20
    .venv/bin/python bench/bench_impact_external.py --seeds 5 --first 100
    .venv/bin/python bench/bench_impact_external.py --keep bench/out/external  # reuse the
        # imported databases of an earlier run (for trying a change of the estimator)

Each seed writes an HR population with a planted mentoring effect and a
selection bias (``tests/impact_external.py``: not Tandem's demo) as a bundle,
imports it through the real importer into a fresh SQLite file and reads the
whole program's estimate for mentees (``impact_report``, what
``python -m tandem impact --json`` prints; the unit test runs that command
itself on one seed).  Printed, for retention and promotion: the true effect,
the naive and adjusted differences, whether the 95 % interval covers the
truth, and over the seeds the median absolute error of each difference, the
largest adjusted error and the interval's coverage.  A 95 % interval should
cover the truth in about 19 seeds of 20.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.access import EVERYTHING
from tandem.impact import impact_report
from tandem.program.bundle import import_bundle
from tandem.program.db import dispose_engine, get_engine
from tandem.program.schema import metadata
from tests.impact_external import generate

OUTCOMES = ("retention", "promotion")


def _imported(seed: int, folder: Path) -> tuple[str, dict[str, float]]:
    """The seed's database and truth, imported now unless an earlier run left them."""
    database, truths = folder / f"external-{seed}.db", folder / f"truth-{seed}.json"
    url = f"sqlite:///{database}"
    if database.exists() and truths.exists():
        return url, json.loads(truths.read_text())
    database.unlink(missing_ok=True)
    external = generate(folder / f"bundle-{seed}", seed)
    engine = get_engine(url)
    metadata.create_all(engine)
    import_bundle(engine, folder / f"bundle-{seed}", actor="bench")
    dispose_engine(url)
    truths.write_text(json.dumps(external.truth))
    return url, external.truth


def one_seed(seed: int, folder: Path) -> dict[str, dict[str, float]]:
    url, truths = _imported(seed, folder)
    engine = get_engine(url)
    report = impact_report(engine, EVERYTHING).to_json()
    dispose_engine(url)
    rows: dict[str, dict[str, float]] = {}
    for result in report["results"]:  # type: ignore[attr-defined]
        if result["group"] != "mentees":
            continue
        truth = truths[result["outcome"]]
        rows[result["outcome"]] = {
            "truth": truth,
            "naive": result["naive_difference"],
            "adjusted": result["adjusted_difference"],
            "low": result["ci_low"],
            "high": result["ci_high"],
            "covered": float(result["ci_low"] <= truth <= result["ci_high"]),
            "unmatched": result["unmatched"],
            "participants": result["participants"],
        }
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) databases here")
    args = parser.parse_args(argv)
    results: list[dict[str, dict[str, float]]] = []
    started = time.perf_counter()
    print("| seed | outcome | truth | naive | adjusted | 95 % interval | covers | unmatched |")
    print("|---:|---|---:|---:|---:|---|---|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for seed in range(args.first, args.first + args.seeds):
            rows = one_seed(seed, folder)
            results.append(rows)
            for outcome in OUTCOMES:
                r = rows[outcome]
                print(
                    f"| {seed} | {outcome} | {r['truth']:+.3f} | {r['naive']:+.3f} "
                    f"| {r['adjusted']:+.3f} | {r['low']:+.3f} to {r['high']:+.3f} "
                    f"| {'yes' if r['covered'] else '**no**'} | {int(r['unmatched'])} |",
                    flush=True,
                )
    print()
    print(
        "| outcome | median truth | median abs. error, naive | median abs. error, adjusted "
        "| largest abs. error, adjusted | within 0.05 | interval covers truth |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for outcome in OUTCOMES:
        rows = [r[outcome] for r in results]
        naive = [abs(r["naive"] - r["truth"]) for r in rows]
        adjusted = [abs(r["adjusted"] - r["truth"]) for r in rows]
        within = sum(e <= 0.05 for e in adjusted)
        covered = sum(int(r["covered"]) for r in rows)
        print(
            f"| {outcome} | {statistics.median(r['truth'] for r in rows):+.3f} "
            f"| {statistics.median(naive):.3f} | {statistics.median(adjusted):.3f} "
            f"| {max(adjusted):.3f} | {within}/{len(rows)} | {covered}/{len(rows)} |"
        )
    print(f"\n{len(results)} seeds in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

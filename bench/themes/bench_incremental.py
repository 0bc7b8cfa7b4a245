"""Incremental theme refresh on a real program: 1,000 new notes, each round in a fresh process.

    cp bench/out/demo_p50000_*.db /tmp/x.db          # never the cached original
    DATABASE_URL=sqlite:////tmp/x.db .venv/bin/python -m tandem migrate
    .venv/bin/python -m bench.themes.bench_incremental /tmp/x.db [--rounds 3] [--profile DIR]

Each round inserts 1,000 new uncoded notes the way ``bench_scale`` does
(``tandem.program.bulk.upsert``), then, in a new Python process, times one
``refresh_themes`` (CPU and wall of that call: the model fits are included,
since a fresh process has no fitted model).  A last round changes nothing.
A first refresh, not counted, settles what is there (after migrating a
database to stamped notes, it checks every note once).  Prints the median CPU
and wall of the rounds.  The database is written to: pass a copy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

NEW_NOTES = 1_000
FIRST_ID = 9_000_000  # far above any id bench_scale or the demo uses


def _child(url: str, start: int | None, profile: str | None) -> None:
    from bench.themes.bench_scale import notes, write
    from tandem.program.db import get_engine
    from tandem.themes.refresh import refresh_themes

    if start is not None:
        write(url, notes(NEW_NOTES, start=start, seed=100, coded_share=0))
    engine = get_engine(url)
    wall, cpu = time.perf_counter(), time.process_time()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        report = profiler.runcall(refresh_themes, engine)
        profiler.dump_stats(profile)
    else:
        report = refresh_themes(engine)
    print(
        json.dumps(
            {
                "wall": time.perf_counter() - wall,
                "cpu": time.process_time() - cpu,
                "recomputed": report.recomputed,
                "total": report.total,
            }
        )
    )


def _round(url: str, start: int | None, profile: str | None) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.themes.bench_incremental", url, "--child"]
    if start is not None:
        command += ["--start", str(start)]
    if profile:
        command += ["--profile", profile]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="path of a SQLite database (a copy: it is written to)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", default=None, help="folder for one cProfile file per round")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = args.database if "://" in args.database else f"sqlite:///{args.database}"
    if args.child:
        _child(url, args.start, args.profile)
        return 0
    from sqlalchemy import create_engine, text

    probe = create_engine(url)
    with probe.connect() as connection:
        used = connection.execute(
            text("SELECT count(*) FROM feedback WHERE feedback_id LIKE 'n%'")
        ).scalar_one()
    probe.dispose()
    # The first refresh after migrating to stamped notes checks every note
    # once (and after an earlier run of this script, recomputes nothing).
    first = _round(url, None, None)
    print(f"first refresh: {json.dumps(first)}", file=sys.stderr, flush=True)
    rounds = []
    for k in range(args.rounds):
        profile = f"{args.profile}/round{k}.prof" if args.profile else None
        result = _round(url, FIRST_ID + used + NEW_NOTES * k, profile)
        assert result["recomputed"] == NEW_NOTES, result
        print(f"round {k}: {json.dumps(result)}", file=sys.stderr, flush=True)
        rounds.append(result)
    idle = _round(url, None, f"{args.profile}/idle.prof" if args.profile else None)
    assert idle["recomputed"] == 0, idle
    print(
        f"incremental, {NEW_NOTES:,} new notes among {rounds[-1]['total']:,} (fresh process, "
        f"median of {len(rounds)}): {statistics.median(r['cpu'] for r in rounds):.2f} s CPU / "
        f"{statistics.median(r['wall'] for r in rounds):.2f} s wall "
        f"(CPU each: {', '.join(format(r['cpu'], '.2f') for r in rounds)}); "
        f"nothing changed: {idle['cpu']:.2f} s CPU / {idle['wall']:.2f} s wall"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

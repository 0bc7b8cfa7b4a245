"""Theme refresh at enterprise scale: full, incremental and no-op refreshes on SQLite.

    .venv/bin/python -m bench.themes.bench_scale                  # 500,000 notes
    .venv/bin/python -m bench.themes.bench_scale --notes 100000 --out /tmp/x

Builds a throw-away SQLite database of synthetic notes (the hand-written notes
of bench/themes with small variations and a reference number, so that every
text is distinct and no note is scored for free by the engine's de-duplication),
3% of them hand-coded with their true theme and spread over two years, and
written a day before (``feedback.updated_at``), then measures:

- a full refresh (wall, CPU of the main process, CPU and peak memory of the
  worker processes);
- incremental refreshes after 1,000 new notes (median of 3);
- a refresh with nothing changed;
- a refresh after one old note was hand-coded (not among the most recent coded
  notes, so the model is unchanged and only that note is recomputed);
- a refresh after one note's text was edited.

Prints a Markdown block to paste into bench/themes/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import update

from bench.themes.bench_themes import load
from tandem.program.bulk import upsert
from tandem.program.db import dispose_engine, get_engine, transaction
from tandem.program.models import Feedback
from tandem.program.schema import metadata
from tandem.themes.refresh import RefreshReport, refresh_themes

CODED_SHARE = 0.03
START = dt.date(2025, 1, 1)


def notes(
    n: int, start: int = 0, seed: int = 7, coded_share: float = CODED_SHARE
) -> list[dict[str, object]]:
    """``n`` distinct synthetic feedback rows, ids from ``start``."""
    base = load("dev_notes.csv") + load("test_notes.csv")
    rng = random.Random(seed + start)
    openers = ("", "", "Update: ", "Note - ", "Mentor: ", "Mentee: ", "Q3: ", "Honestly, ")
    closers = ("", "", " More next time.", " Will revisit.", " See actions.")
    rows: list[dict[str, object]] = []
    for i in range(start, start + n):
        note = base[i % len(base)]
        coded = note["theme"] if rng.random() < coded_share else None
        rows.append(
            {
                "feedback_id": f"n{i:07d}",
                "pairing_id": None,
                "cohort_id": None,
                "date": START + dt.timedelta(days=i * 730 // max(n + start, 1)),
                "source": "checkin_note",
                "author_role": "mentee",
                "visibility": "program" if i % 3 else "shareable",
                "text": f"{rng.choice(openers)}{note['text']}{rng.choice(closers)} (ref {i})",
                "coded_theme": coded,
            }
        )
    return rows


def write(url: str, rows: list[dict[str, object]]) -> None:
    with transaction(get_engine(url)) as session:
        upsert(session.connection(), Feedback.__table__, rows)  # type: ignore[arg-type]


def timed(action: Callable[[], RefreshReport]) -> tuple[float, float, RefreshReport]:
    wall, cpu = time.perf_counter(), time.process_time()
    report = action()
    return time.perf_counter() - wall, time.process_time() - cpu, report


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=500_000)
    parser.add_argument("--out", default=None, help="folder for the database (default: temp)")
    args = parser.parse_args(argv)
    folder = Path(args.out or tempfile.mkdtemp(prefix="bench_scale_"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"themes_{args.notes}.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    metadata.create_all(get_engine(url))
    engine = get_engine(url)
    write(url, notes(args.notes))
    with transaction(engine) as session:
        # Written a day ago, as in a program that is running: notes written
        # within the refresh's SETTLE_MARGIN are re-checked by their text.
        yesterday = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=1)
        session.execute(update(Feedback).values(updated_at=yesterday))
    lines = [
        f"### {args.notes:,} synthetic notes, SQLite "
        f"(load average at start {os.getloadavg()[0]:.1f}, {dt.date.today()})",
        "",
    ]

    def say(message: str) -> None:
        print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    workers_cpu = children_cpu()
    wall, cpu, report = timed(lambda: refresh_themes(engine, progress=say))
    workers_cpu = children_cpu() - workers_cpu
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines.append(
        f"- full refresh: {wall:.1f} s wall; CPU {cpu:.1f} s main process + {workers_cpu:.1f} s"
        f" in the workers; worker peak memory {peak:.0f} MiB; main process peak"
        f" {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        f" ({report.recomputed:,} notes, {report.assigned:,} assigned, {report.coded:,} coded;"
        f" load now {os.getloadavg()[0]:.1f})"
    )
    print(lines[-1], flush=True)

    rounds = []
    for round_ in range(3):
        # New notes arrive uncoded (a lead codes later; a newly coded note the
        # model learns from recomputes everything, as it should).
        write(url, notes(1_000, start=args.notes + 1_000 * round_, seed=100, coded_share=0))
        rounds.append(timed(lambda: refresh_themes(engine)))
        assert rounds[-1][2].recomputed == 1_000, rounds[-1][2]
    lines.append(
        "- incremental, 1,000 new notes (median of 3): "
        f"{statistics.median(r[0] for r in rounds):.2f} s wall /"
        f" {statistics.median(r[1] for r in rounds):.2f} s CPU"
        f" (each: {', '.join(f'{r[0]:.2f}' for r in rounds)} s)"
    )
    print(lines[-1], flush=True)
    wall, cpu, report = timed(lambda: refresh_themes(engine))
    assert report.recomputed == 0, report
    lines.append(f"- nothing changed: {wall:.2f} s wall / {cpu:.2f} s CPU")
    print(lines[-1], flush=True)

    with transaction(engine) as session:  # an old note coded by hand: model unchanged
        session.execute(
            update(Feedback)
            .where(Feedback.feedback_id == "n0000001")
            .values(coded_theme="Delegation")
        )
    wall, cpu, report = timed(lambda: refresh_themes(engine))
    lines.append(
        f"- one old note hand-coded: {wall:.2f} s wall / {cpu:.2f} s CPU"
        f" ({report.recomputed} recomputed)"
    )
    print(lines[-1], flush=True)
    with transaction(engine) as session:
        session.execute(
            update(Feedback)
            .where(Feedback.feedback_id == "n0000002")
            .values(text="We keep cancelling; radio silence since March.")
        )
    wall, cpu, report = timed(lambda: refresh_themes(engine))
    lines.append(
        f"- one note's text edited: {wall:.2f} s wall / {cpu:.2f} s CPU"
        f" ({report.recomputed} recomputed; load now {os.getloadavg()[0]:.1f})"
    )
    print(lines[-1], flush=True)
    dispose_engine(url)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

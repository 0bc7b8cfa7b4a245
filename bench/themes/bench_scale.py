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

from sqlalchemy import Engine, update

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


def _say(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=500_000)
    parser.add_argument("--out", default=None, help="folder for the database (default: temp)")
    args = parser.parse_args(argv)
    folder = Path(args.out or tempfile.mkdtemp(prefix="bench_scale_"))
    folder.mkdir(parents=True, exist_ok=True)
    url = _fill_database(folder / f"themes_{args.notes}.db", args.notes)
    engine = get_engine(url)
    lines = [
        f"### {args.notes:,} synthetic notes, SQLite "
        f"(load average at start {os.getloadavg()[0]:.1f}, {dt.date.today()})",
        "",
    ]
    # Each step prints its line as it finishes (a run takes a while), then all at the end.
    for step in (
        lambda: _full_refresh(engine),
        lambda: _incremental_refreshes(engine, url, args.notes),
        lambda: _unchanged_refresh(engine),
        lambda: _hand_coded_refresh(engine),
        lambda: _edited_refresh(engine),
    ):
        lines.append(step())
        print(lines[-1], flush=True)
    dispose_engine(url)
    print("\n".join(lines))
    return 0


def _fill_database(path: Path, count: int) -> str:
    """A new SQLite file holding ``count`` notes written a day ago; its URL."""
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    metadata.create_all(get_engine(url))
    write(url, notes(count))
    with transaction(get_engine(url)) as session:
        # Written a day ago, as in a program that is running: notes written
        # within the refresh's SETTLE_MARGIN are re-checked by their text.
        yesterday = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=1)
        session.execute(update(Feedback).values(updated_at=yesterday))
    return url


def _full_refresh(engine: Engine) -> str:
    workers_cpu = children_cpu()
    wall, cpu, report = timed(lambda: refresh_themes(engine, progress=_say))
    workers_cpu = children_cpu() - workers_cpu
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return (
        f"- full refresh: {wall:.1f} s wall; CPU {cpu:.1f} s main process + {workers_cpu:.1f} s"
        f" in the workers; worker peak memory {peak:.0f} MiB; main process peak"
        f" {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        f" ({report.recomputed:,} notes, {report.assigned:,} assigned, {report.coded:,} coded;"
        f" load now {os.getloadavg()[0]:.1f})"
    )


def _incremental_refreshes(engine: Engine, url: str, count: int) -> str:
    rounds = []
    for round_ in range(3):
        # New notes arrive uncoded (a lead codes later; a newly coded note the
        # model learns from recomputes everything, as it should).
        write(url, notes(1_000, start=count + 1_000 * round_, seed=100, coded_share=0))
        rounds.append(timed(lambda: refresh_themes(engine)))
        assert rounds[-1][2].recomputed == 1_000, rounds[-1][2]
    return (
        "- incremental, 1,000 new notes (median of 3): "
        f"{statistics.median(r[0] for r in rounds):.2f} s wall /"
        f" {statistics.median(r[1] for r in rounds):.2f} s CPU"
        f" (each: {', '.join(f'{r[0]:.2f}' for r in rounds)} s)"
    )


def _unchanged_refresh(engine: Engine) -> str:
    wall, cpu, report = timed(lambda: refresh_themes(engine))
    assert report.recomputed == 0, report
    return f"- nothing changed: {wall:.2f} s wall / {cpu:.2f} s CPU"


def _refresh_after_edit(
    engine: Engine, feedback_id: str, **values: str
) -> tuple[float, float, RefreshReport]:
    """Change one note, then time the refresh that follows."""
    with transaction(engine) as session:
        session.execute(
            update(Feedback).where(Feedback.feedback_id == feedback_id).values(**values)
        )
    return timed(lambda: refresh_themes(engine))


def _hand_coded_refresh(engine: Engine) -> str:
    # An old note coded by hand: the model is unchanged.
    wall, cpu, report = _refresh_after_edit(engine, "n0000001", coded_theme="Delegation")
    return (
        f"- one old note hand-coded: {wall:.2f} s wall / {cpu:.2f} s CPU"
        f" ({report.recomputed} recomputed)"
    )


def _edited_refresh(engine: Engine) -> str:
    text = "We keep cancelling; radio silence since March."
    wall, cpu, report = _refresh_after_edit(engine, "n0000002", text=text)
    return (
        f"- one note's text edited: {wall:.2f} s wall / {cpu:.2f} s CPU"
        f" ({report.recomputed} recomputed; load now {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    raise SystemExit(main())

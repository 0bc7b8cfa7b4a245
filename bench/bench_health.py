"""Benchmark: health refresh at enterprise scale on SQLite.

Builds a synthetic program (50,000 pairings, ~1,000,000 check-ins, 200,000
milestones, 100,000 analysed feedback notes) in a temporary SQLite file with
tandem.program.bulk.upsert, then times ``health_frame`` and ``refresh_health`` and
prints medians.  Run: ``.venv/bin/python bench/bench_health.py [--pairings N]``; add
``--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test`` to run the
same on a throw-away PostgreSQL database.

``--history-of FILE`` instead times the refresh with its month-end history
(``pairing_health_history``) on a copy of an existing database (e.g. the
50,000-pairing file of ``bench.build``): every month end (as after an
import), nothing new (a later day of the same month), and one new month.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.health import health_frame, refresh_health
from tandem.program import bulk, rollups
from tandem.program.db import database_url, dispose_engine, get_engine
from tandem.program.models import CheckIn, Feedback, Milestone, Pairing, Person
from tandem.program.schema import metadata
from tandem.program.theme_tables import FeedbackAnalysis

TODAY = dt.date(2025, 6, 15)


def build(url: str, pairings: int, checkins_per: int, seed: int = 7) -> None:
    """A synthetic program in ``url``: people, pairings, check-ins, milestones, notes."""
    rng = np.random.default_rng(seed)
    engine = get_engine(url)
    metadata.create_all(engine)
    # Drawn first, in this order: the data (and so the timings) stay those of earlier runs.
    start_offsets = rng.integers(30, 700, pairings)
    cadences = rng.choice([14, 30, 30, 30, 45, 60], pairings)
    t0 = time.perf_counter()
    with engine.begin() as connection:
        _add_people_and_pairings(connection, pairings, start_offsets, cadences)
        number = _add_checkins(connection, rng, pairings, checkins_per, start_offsets)
        _add_milestones(connection, rng, pairings)
        _add_feedback(connection, rng, pairings)
    print(
        f"built {pairings:,} pairings, {number:,} check-ins in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )


def _add_people_and_pairings(
    connection: Connection, pairings: int, start_offsets: np.ndarray, cadences: np.ndarray
) -> None:
    people = pairings * 2
    statuses = np.array(["active"] * 7 + ["paused", "completed", "proposed"])
    bulk.upsert(
        connection,
        Person.__table__,  # type: ignore[arg-type]
        [
            {
                "person_id": f"P{i}",
                "name": f"Person {i}",
                "email": f"p{i}@example.com",
                "level": int(1 + i % 8),
                "division": f"D{i % 12}",
                "geography": f"G{i % 6}",
                "max_mentees": 2,
            }
            for i in range(people)
        ],
    )
    bulk.upsert(
        connection,
        Pairing.__table__,  # type: ignore[arg-type]
        [
            {
                "pairing_id": f"X{i}",
                "mentor_id": f"P{2 * i}",
                "mentee_id": f"P{2 * i + 1}",
                "status": str(statuses[i % len(statuses)]),
                "start_date": TODAY - dt.timedelta(days=int(start_offsets[i])),
                "ended_date": None,
                "cadence_days": int(cadences[i]),
                "kind": "traditional",
            }
            for i in range(pairings)
        ],
    )


def _add_checkins(
    connection: Connection,
    rng: np.random.Generator,
    pairings: int,
    checkins_per: int,
    start_offsets: np.ndarray,
) -> int:
    """About ``checkins_per`` check-ins per pairing, written 100,000 at a time; how many."""
    subs = np.array(["both", "both", "mentor", "mentee", None], dtype=object)
    rows = []
    number = 0
    for i in range(pairings):
        span = int(start_offsets[i])
        count = int(rng.integers(checkins_per // 2, checkins_per * 3 // 2 + 1))
        days = np.sort(rng.integers(0, span, count))
        ratings = rng.integers(1, 6, (count, 4))
        who = rng.integers(0, len(subs), count)
        for k in range(count):
            rows.append(
                {
                    "checkin_id": f"C{number}",
                    "pairing_id": f"X{i}",
                    "date": TODAY - dt.timedelta(days=span - int(days[k])),
                    "submitted_by": subs[who[k]],
                    "clarity": int(ratings[k, 0]),
                    "confidence": int(ratings[k, 1]),
                    "influence": int(ratings[k, 2]),
                    "safety": int(ratings[k, 3]),
                }
            )
            number += 1
        if len(rows) >= 100_000:
            bulk.upsert(connection, CheckIn.__table__, rows)  # type: ignore[arg-type]
            rows = []
    bulk.upsert(connection, CheckIn.__table__, rows)  # type: ignore[arg-type]
    return number


def _add_milestones(connection: Connection, rng: np.random.Generator, pairings: int) -> None:
    milestone_rows = []
    for i in range(pairings):
        for k in range(4):
            due = TODAY + dt.timedelta(days=int(rng.integers(-300, 200)))
            done = due + dt.timedelta(days=int(rng.integers(-20, 20))) if k % 2 else None
            milestone_rows.append(
                {
                    "milestone_id": f"M{i}-{k}",
                    "pairing_id": f"X{i}",
                    "title": "step",
                    "due_date": due,
                    "completed_date": done,
                    "status": None,
                }
            )
    bulk.upsert(connection, Milestone.__table__, milestone_rows)  # type: ignore[arg-type]


def _add_feedback(connection: Connection, rng: np.random.Generator, pairings: int) -> None:
    """Two analysed notes per pairing (the sentiment health reads)."""
    notes = [
        {
            "feedback_id": f"F{j}",
            "pairing_id": f"X{j % pairings}",
            "date": TODAY - dt.timedelta(days=int(j % 300)),
            "source": "journal",
            "author_role": "mentee",
            "visibility": "program",
            "text": "note",
        }
        for j in range(pairings * 2)
    ]
    bulk.upsert(connection, Feedback.__table__, notes)  # type: ignore[arg-type]
    bulk.upsert(
        connection,
        FeedbackAnalysis.__table__,  # type: ignore[arg-type]
        [
            {
                "feedback_id": note["feedback_id"],
                "sentiment": float(rng.uniform(-1, 1)),
                "refreshed_at": dt.datetime(2025, 6, 1),
            }
            for note in notes
        ],
    )


def measure(url: str, repeat: int) -> None:
    engine = get_engine(url)
    frame_times, frame_cpu, refresh_times, refresh_cpu = [], [], [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        frame = health_frame(engine, TODAY)
        frame_times.append(time.perf_counter() - began)
        frame_cpu.append(time.process_time() - began_cpu)
        began_cpu = time.process_time()
        report = refresh_health(engine, today=TODAY)
        refresh_times.append(report.seconds)
        refresh_cpu.append(time.process_time() - began_cpu)
    # Client CPU seconds are printed too: on a shared machine wall time mostly
    # measures the neighbours (on SQLite the client CPU includes the database;
    # on PostgreSQL the server's work is not in it).
    print(f"backend             {engine.dialect.name}")
    print(f"pairings            {len(frame):,}")
    print(f"stalled / at risk   {report.stalled:,} / {report.at_risk:,}")
    print(
        f"health_frame   median {statistics.median(frame_times):.2f} s wall, "
        f"{statistics.median(frame_cpu):.2f} s client CPU"
    )
    print(
        f"refresh_health median {statistics.median(refresh_times):.2f} s wall, "
        f"{statistics.median(refresh_cpu):.2f} s client CPU"
    )


def measure_history(source: Path, today: dt.date) -> None:
    """The refresh with every month end, with none missing, and with one new month."""
    with tempfile.TemporaryDirectory(prefix="bench-health-") as folder:
        copy = Path(folder) / "copy.db"
        shutil.copyfile(source, copy)
        url_text = f"sqlite:///{copy}"
        engine = get_engine(url_text)
        with engine.begin() as connection:
            rollups.invalidate(connection)  # as an import leaves it
        next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=2)
        cases = (
            ("every month end (after an import)", today),
            ("nothing missing (same month)", today),
            ("one new month end", next_month),
        )
        for name, day in cases:
            began, began_cpu = time.perf_counter(), time.process_time()
            report = refresh_health(engine, today=day)
            print(
                f"refresh_health {name:36s} {time.perf_counter() - began:6.2f} s wall, "
                f"{time.process_time() - began_cpu:6.2f} s CPU "
                f"({report.pairings:,} pairings, as of {day}, load "
                f"{Path('/proc/loadavg').read_text().split()[0]})"
            )
        dispose_engine(url_text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairings", type=int, default=50_000)
    parser.add_argument("--checkins-per-pairing", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on a throw-away database created (and dropped) on this PostgreSQL server",
    )
    parser.add_argument(
        "--history-of",
        type=Path,
        metavar="FILE",
        help="time the refresh with its month-end history on a copy of this SQLite file",
    )
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()
    if args.history_of:
        measure_history(args.history_of, args.today)
        return 0
    if args.postgres:
        admin = create_engine(database_url(args.postgres), isolation_level="AUTOCOMMIT")
        name = f"tandem_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(database_url(args.postgres)).set(database=name)
        rendered = url.render_as_string(hide_password=False)
        try:
            build(rendered, args.pairings, args.checkins_per_pairing)
            measure(rendered, args.repeat)
        finally:
            dispose_engine(rendered)
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        return 0
    with tempfile.TemporaryDirectory() as folder:
        url_text = f"sqlite:///{folder}/bench.db"
        build(url_text, args.pairings, args.checkins_per_pairing)
        measure(url_text, args.repeat)
        dispose_engine(url_text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

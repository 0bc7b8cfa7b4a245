"""Import (and export) speed of a synthetic bundle on SQLite (or a given database).

    .venv/bin/python bench/bench_import.py --checkins 200000 [--repeat 3]
        [--database-url postgresql+psycopg://…]
    .venv/bin/python bench/bench_import.py --bundle /tmp/bundle50k [--repeat 3]

Generates a bundle with the shape of a large program (20 check-ins per
pairing, a manager for most people, feedback and milestones) in a temporary
folder, imports it into an empty database ``--repeat`` times and prints the
median rows/second over all files, then times one export.  ``--bundle``
imports an existing bundle instead (e.g. one exported from the 50,000-pairing
benchmark database with ``python -m tandem export``).  Each run also prints
its CPU seconds, the load average and the process's peak RSS so far.
Nothing is asserted: timings vary with the machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

# Run as a plain script from anywhere: make the project importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine

from tandem.program import db as tandem_db
from tandem.program.bundle import export_bundle, import_bundle
from tandem.program.schema import metadata

START = dt.date(2024, 1, 1)


class _Files:
    """Writes the bundle's CSV files into one folder, counting each file's rows."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.counts: dict[str, int] = {}

    def write(self, name: str, header: list[str], rows: Iterable[list[object]]) -> None:
        with (self.folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            n = 0
            for row in rows:
                writer.writerow(row)
                n += 1
        self.counts[name] = n


def write_bundle(folder: Path, checkins: int, seed: int = 7) -> dict[str, int]:
    """A bundle shaped like a large program: 20 check-ins per pairing; row counts per file."""
    rng = random.Random(seed)
    pairings = max(10, checkins // 20)
    people = max(20, pairings)
    files = _Files(folder)
    _write_people(files, people)
    _write_cohorts(files)
    _write_pairings(files, pairings, people)
    _write_milestones(files, pairings)
    _write_checkins(files, pairings, checkins, rng)
    _write_feedback(files, pairings)
    return files.counts


def _write_people(files: _Files, people: int) -> None:
    divisions = ["Corporate", "Technology", "Operations", "Commercial"]
    geos = ["EMEA", "Americas", "APAC"]
    files.write(
        "people.csv",
        [
            "person_id",
            "name",
            "email",
            "level",
            "division",
            "geography",
            "manager_id",
            "strengths",
            "development_goals",
            "max_mentees",
        ],
        (
            [
                f"p{i}",
                f"Person {i}",
                f"p{i}@example.com",
                1 + i % 8,
                divisions[i % 4],
                geos[i % 3],
                f"p{i // 7}" if i else "",
                "strategy;coaching",
                "hiring",
                2,
            ]
            for i in range(people)
        ),
    )


def _write_cohorts(files: _Files) -> None:
    files.write(
        "cohorts.csv",
        ["cohort_id", "name", "program_type", "start_date", "end_date", "sponsor_id"],
        ([f"c{i}", f"Wave {i}", "executive", "2024-01-01", "2026-12-31", "p0"] for i in range(5)),
    )


def _write_pairings(files: _Files, pairings: int, people: int) -> None:
    files.write(
        "pairings.csv",
        [
            "pairing_id",
            "cohort_id",
            "mentor_id",
            "mentee_id",
            "status",
            "start_date",
            "cadence_days",
            "objective",
        ],
        (
            [
                f"pr{i}",
                f"c{i % 5}",
                f"p{i}",
                f"p{(i + 1) % people}",
                "active",
                (START + dt.timedelta(days=i % 200)).isoformat(),
                30,
                "Grow as a leader",
            ]
            for i in range(pairings)
        ),
    )


def _write_milestones(files: _Files, pairings: int) -> None:
    files.write(
        "milestones.csv",
        ["milestone_id", "pairing_id", "title", "due_date", "completed_date"],
        (
            [
                f"m{i}",
                f"pr{i % pairings}",
                "Agree the learning contract",
                (START + dt.timedelta(days=220 + i % 100)).isoformat(),
                "",
            ]
            for i in range(pairings * 2)
        ),
    )


def _write_checkins(files: _Files, pairings: int, checkins: int, rng: random.Random) -> None:
    files.write(
        "checkins.csv",
        [
            "checkin_id",
            "pairing_id",
            "date",
            "duration_minutes",
            "submitted_by",
            "clarity",
            "confidence",
            "influence",
            "safety",
            "mentor_learning",
        ],
        (
            [
                f"ci{i}",
                f"pr{i % pairings}",
                (START + dt.timedelta(days=200 + (i // pairings) * 14 + i % 7)).isoformat(),
                rng.choice((30, 45, 60)),
                "both",
                rng.randint(1, 5),
                rng.randint(1, 5),
                rng.randint(1, 5),
                rng.randint(1, 5),
                rng.randint(1, 5),
            ]
            for i in range(checkins)
        ),
    )


def _write_feedback(files: _Files, pairings: int) -> None:
    files.write(
        "feedback.csv",
        ["feedback_id", "pairing_id", "date", "source", "author_role", "visibility", "text"],
        (
            [
                f"f{i}",
                f"pr{i % pairings}",
                "2024-09-01",
                "checkin_note",
                "mentee",
                "program",
                "We agreed a clear next step, and I feel more confident presenting.",
            ]
            for i in range(pairings)
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkins", type=int, default=200_000)
    parser.add_argument("--bundle", default=None, help="import this bundle folder instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--no-export", action="store_true", help="skip timing the export")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.bundle:
            folder = Path(args.bundle)
            total = 0
        else:
            folder = Path(tmp) / "bundle"
            folder.mkdir()
            counts = write_bundle(folder, args.checkins)
            total = sum(counts.values())
            print(f"bundle: {counts} ({total:,} rows)")
        timings = []
        url = None
        for run in range(args.repeat):
            url = args.database_url or f"sqlite:///{Path(tmp) / f'run{run}.db'}"
            engine = tandem_db.get_engine(url)
            metadata.drop_all(engine)
            metadata.create_all(engine)
            began, cpu = time.perf_counter(), time.process_time()
            report = import_bundle(engine, folder)
            timings.append(time.perf_counter() - began)
            cpu = time.process_time() - cpu
            total = sum(report.rows.values())
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            load = Path("/proc/loadavg").read_text().split()[:3]
            print(
                f"run {run + 1}: {timings[-1]:.2f} s ({cpu:.2f} CPU s), "
                f"{total / timings[-1]:,.0f} rows/s, peak RSS {peak:,.0f} MB, load {' '.join(load)}"
            )
            engine.dispose()
        median = statistics.median(timings)
        print(f"import median: {median:.2f} s = {total / median:,.0f} rows/s ({total:,} rows)")
        if not args.no_export:
            engine = tandem_db.get_engine(url)
            began = time.perf_counter()
            export_bundle(engine, Path(tmp) / "export")
            elapsed = time.perf_counter() - began
            print(f"export: {elapsed:.2f} s = {total / elapsed:,.0f} rows/s")
        if args.database_url:
            metadata.drop_all(create_engine(args.database_url))


if __name__ == "__main__":
    main()

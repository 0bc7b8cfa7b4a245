"""Build (and cache) the benchmark databases: a migrated, refreshed demo program per size.

SQLite files are cached under ``bench/out/`` keyed by size, seed, the demo's
``today`` and the schema head, so repeated ``make bench`` runs do not rebuild
them (50,000 pairings take minutes).  A file is built under a temporary name
and renamed only when complete, so an interrupted build is never reused.

PostgreSQL databases are throw-away: ``create_pg_database`` makes an empty one
per size, ``drop_pg_database`` removes it.  They are filled by importing the
bundle exported from the cached SQLite program (which also measures import).

    .venv/bin/python -m bench.build 50000      # build the 50k SQLite file now
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from tandem.program import db as tandem_db
from tandem.program import migrate

OUT = Path(__file__).resolve().parent / "out"
#: The benchmarks' report (written by ``bench.report``; perceived speed rewrites its section).
RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"
SEED = 7
#: The enterprise size the targets are set at (pages, import, perceived speed).
BIG = 50_000
#: Largest program whose cached database gets the real theme refresh (and whose
#: benchmark times it).  Since session 2 the refresh is linear in the program
#: (capped coded examples, scoring in blocks): 50,000 pairings take a few
#: minutes.  Larger programs get ``synthetic_analysis``: the same rows, cheaply.
THEME_REFRESH_MAX = 50_000
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass
class BuildTimes:
    """Seconds spent building one database (zero when it came from the cache)."""

    demo_seconds: float = 0.0
    demo_rows: int = 0
    refresh_seconds: float = 0.0
    cached: bool = False
    synthetic_themes: bool = False


def _demo_written(engine: Engine) -> bool:
    """True when a (committed) demo program is in the database: an interrupted
    build resumes after the generation, which takes minutes at 50,000 pairings."""
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'demo'")
            ).scalar()
        )


def synthetic_analysis(
    engine: Engine,
    progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
) -> int:
    """Fill ``feedback_analysis`` as a theme refresh would, without its classifier.

    Sentiment is the real one (``tandem.themes.sentiment``); the theme is the
    coded one when a note has it, else one of the codebook's themes chosen by
    a hash of the note's id (a fifth left unassigned), so pages read rows of
    the same shape and volume as after a real refresh, which also stores the
    notes' facts and the counts per slice (periods ending ``today``).
    Benchmark use only.
    """
    import hashlib

    from tandem.program import bulk
    from tandem.program.models import utcnow
    from tandem.program.theme_tables import FeedbackAnalysis
    from tandem.themes import sentiment
    from tandem.themes.codebook import seed_default_codebook
    from tandem.themes.facts import rewrite_theme_facts
    from tandem.themes.slices import rewrite_theme_slices

    seed_default_codebook(engine)
    with engine.begin() as connection:
        themes: dict[str, int] = dict(
            connection.execute(text("SELECT lower(name), theme_id FROM themes")).tuples().all()
        )
        ids = sorted(themes.values())
        notes = connection.execute(
            text("SELECT feedback_id, text, coded_theme FROM feedback ORDER BY feedback_id")
        ).all()
        now = utcnow()
        written = 0
        for start in range(0, len(notes), 50_000):
            chunk = notes[start : start + 50_000]
            moods = sentiment.score_many([note_text or "" for _, note_text, _ in chunk])
            rows = []
            for (fid, _note_text, coded), mood in zip(chunk, moods, strict=True):
                digest = int(hashlib.blake2b(fid.encode(), digest_size=4).hexdigest(), 16)
                theme = themes.get(coded.strip().lower()) if coded else None
                if theme is None and digest % 5:
                    theme = ids[digest % len(ids)]
                rows.append(
                    {
                        "feedback_id": fid,
                        "theme_id": theme,
                        "confidence": 1.0 if coded else (digest % 1000) / 1000,
                        "sentiment": mood,
                        "input_hash": None,
                        "method": "coded" if coded else "bench-synthetic",
                        "refreshed_at": now,
                    }
                )
            written += bulk.upsert(connection, FeedbackAnalysis.__table__, rows)  # type: ignore[arg-type]
            if progress is not None:
                progress(f"synthetic analysis: {written:,}/{len(notes):,}")
    with engine.begin() as connection:
        rewrite_theme_facts(connection)
        rewrite_theme_slices(connection, today or dt.date.today())
    return written


def sqlite_path(pairings: int, today: dt.date, seed: int = SEED) -> Path:
    head = migrate.head_revision() or "none"
    return OUT / f"demo_p{pairings}_s{seed}_{today.isoformat()}_{head}.db"


def _say(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build_sqlite(
    pairings: int,
    today: dt.date,
    *,
    seed: int = SEED,
    progress: Callable[[str], None] | None = _say,
) -> tuple[Path, BuildTimes]:
    """The cached SQLite demo for ``pairings`` (built, migrated and refreshed if missing)."""
    from tandem.health import refresh_health
    from tandem.matching import refresh_rebalance_plan
    from tandem.portfolio.rollups import refresh_portfolio_rollups
    from tandem.program.demo import generate_demo
    from tandem.refresh import refresh_all

    path = sqlite_path(pairings, today, seed)
    if path.exists():
        return path, BuildTimes(cached=True)
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    url = f"sqlite:///{partial}"
    engine = tandem_db.get_engine(url)
    times = BuildTimes()
    try:
        migrate.upgrade(engine)
        if not _demo_written(engine):
            started = time.perf_counter()
            summary = generate_demo(
                engine, pairings=pairings, seed=seed, today=today, progress=progress
            )
            times.demo_seconds = time.perf_counter() - started
            times.demo_rows = summary.total_rows
        started = time.perf_counter()
        if pairings > THEME_REFRESH_MAX:
            times.synthetic_themes = True
            synthetic_analysis(engine, progress, today)
            refresh_health(engine, today=today)
            with engine.begin() as connection:
                refresh_portfolio_rollups(connection, today)
            refresh_rebalance_plan(engine, progress=progress)
        else:
            refresh_all(engine, today=today, progress=progress)
        times.refresh_seconds = time.perf_counter() - started
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        tandem_db.dispose_engine(url)
    partial.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return path, times


def pg_url(name: str) -> str:
    return str(make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False))


def _admin_engine() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_pg_database(name: str) -> str:
    """A fresh, empty PostgreSQL database ``name`` (dropped first if it exists); its URL."""
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return pg_url(name)


def drop_pg_database(name: str) -> None:
    tandem_db.dispose_engine(pg_url(name))
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def pg_server_version() -> str:
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    except Exception as error:  # the report says why PostgreSQL is missing
        return f"unavailable ({type(error).__name__})"
    finally:
        admin.dispose()


def sample_pairing(url: str) -> str | None:
    """A pairing worth opening: the one with the most check-ins (ties: smallest id)."""
    with tandem_db.get_engine(url).connect() as connection:
        row = connection.execute(
            text(
                "SELECT pairing_id FROM checkins GROUP BY pairing_id "
                "ORDER BY count(*) DESC, pairing_id LIMIT 1"
            )
        ).first()
    return None if row is None else str(row[0])


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        started = time.perf_counter()
        built, info = build_sqlite(int(arg), dt.date.today())
        print(f"{built} {info} total {time.perf_counter() - started:.1f}s")

"""The demo program: a realistic, seeded mentorship program written straight to the database.

``generate_demo(engine)`` builds the whole story as columns (see ``story.py``
for what it tells) and writes it with ``tandem.program.bulk.upsert`` in one
transaction with one audit row, so a demo is either there whole or not at
all.  The same ``seed`` and ``today`` always give identical rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, Table, delete, select
from sqlalchemy.orm import Session

from tandem.program import audit, bulk, rollups
from tandem.program.db import transaction
from tandem.program.demo.signups import add_sign_ups
from tandem.program.demo.story import Story, StoryCases, build_story
from tandem.program.schema import metadata

__all__ = [
    "MAX_PAIRINGS",
    "PROGRAM_TABLES",
    "DemoError",
    "DemoSummary",
    "StoryCases",
    "clear_program",
    "database_is_empty",
    "generate_demo",
]

MAX_PAIRINGS = 100_000
#: The bundle's tables, parents first (the order they are written in).
PROGRAM_TABLES = (
    "people",
    "cohorts",
    "pairings",
    "milestones",
    "checkins",
    "feedback",
    "flags",
    "career_events",
    "participants",
)
WRITE_CHUNK_ROWS = 20_000


class DemoError(ValueError):
    """The demo cannot be generated as asked (bad size, or the database holds a program)."""


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate_demo`` wrote, and where the story's named cases are."""

    counts: dict[str, int]
    seed: int
    today: dt.date
    #: Where the story's named cases are (overloaded mentor, stalled pairings …).
    cases: StoryCases = field(default_factory=StoryCases)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


def database_is_empty(engine: Engine) -> bool:
    """True when no program table holds a row (people, cohorts, pairings, … flags)."""
    with engine.connect() as connection:
        for name in PROGRAM_TABLES:
            table = metadata.tables[name]
            if connection.execute(select(1).select_from(table).limit(1)).first() is not None:
                return False
    return True


def _dependent_tables() -> list[Table]:
    """The program tables and every table referring to them, children first."""
    doomed = set(PROGRAM_TABLES)
    changed = True
    while changed:
        changed = False
        for table in metadata.tables.values():
            if table.name in doomed:
                continue
            if any(fk.column.table.name in doomed for fk in table.foreign_keys):
                doomed.add(table.name)
                changed = True
    return [t for t in reversed(metadata.sorted_tables) if t.name in doomed]


def clear_program(session: Session) -> dict[str, int]:
    """Delete every program row (and what was derived from them) in the caller's transaction.

    Audit log, settings and the theme codebook are kept.  Returns rows deleted per table.
    """
    deleted: dict[str, int] = {}
    connection = session.connection()
    for table in _dependent_tables():
        result = connection.execute(delete(table))
        deleted[table.name] = int(result.rowcount or 0)
    return deleted


def generate_demo(
    engine: Engine,
    *,
    pairings: int = 200,
    seed: int = 7,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    replace: bool = False,
) -> DemoSummary:
    """Write a demo program of ``pairings`` pairings into ``engine``, in one transaction.

    Volumes scale with ``pairings``: about 1.6 people, 20 check-ins and 10
    feedback notes per pairing, plus 50 to 300 colleagues per cohort who take
    part in nothing (to compare careers with) and about two career events per
    person.  Refuses (``DemoError``) to write into a
    database that already holds a program unless ``replace`` is true, in
    which case the program tables are cleared first, in the same transaction.
    """
    if not 1 <= pairings <= MAX_PAIRINGS:
        raise DemoError(f"pairings must be between 1 and {MAX_PAIRINGS:,}, not {pairings:,}")
    today = today or dt.date.today()
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    if not replace and not database_is_empty(engine):
        raise DemoError("the database already holds a program; use replace=True to clear it")
    story = build_story(pairings, seed, today, say)
    add_sign_ups(story, seed, today)  # who joined each cohort, and the next one to match
    counts = {table.name: len(table) for table in story.tables}
    with transaction(engine) as session:
        if replace:
            deleted = clear_program(session)
            say(f"cleared {sum(deleted.values()):,} existing rows")
        rollups.invalidate(session.connection())
        _write(session, story, say)
        audit.record(
            session,
            actor="demo",
            action="demo",
            entity="program",
            after={
                "pairings": pairings,
                "seed": seed,
                "today": today,
                "replace": replace,
                "counts": counts,
            },
        )
    seconds = time.perf_counter() - started
    say(f"wrote {sum(counts.values()):,} rows in {seconds:.1f}s")
    return DemoSummary(
        counts=counts,
        seed=seed,
        today=today,
        cases=story.cases,
        seconds=seconds,
    )


def _write(session: Session, story: Story, say: Callable[[str], None]) -> None:
    connection = session.connection()
    for table in story.tables:
        target = metadata.tables[table.name]
        total = len(table)
        for start in range(0, total, WRITE_CHUNK_ROWS):
            # Rows are built a chunk at a time: a million check-ins never sit
            # in memory as dicts all at once.
            rows = table.rows(start, min(start + WRITE_CHUNK_ROWS, total))
            bulk.upsert(connection, target, rows)
            if total > WRITE_CHUNK_ROWS:
                say(f"{table.name}: {min(start + WRITE_CHUNK_ROWS, total):,} / {total:,}")
        say(f"wrote {total:,} {table.name}")

"""Helpers for the demo tests: read a whole program back from the database, and each
person's career in it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, select

from tandem.program.demo import PROGRAM_TABLES, DemoSummary
from tandem.program.demo.rates import HISTORY_YEARS
from tandem.program.schema import metadata

TODAY = dt.date(2026, 6, 1)


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every program table as rows (dicts), sorted by primary key in Python.

    Sorting here rather than in SQL keeps the order independent of the
    backend's collation, so dumps from SQLite and PostgreSQL compare equal.
    ``feedback.updated_at`` (when the row was written) is left out.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for name in PROGRAM_TABLES:
            table = metadata.tables[name]
            key = next(iter(table.primary_key.columns)).name
            columns = [c for c in table.columns if (name, c.name) != ("feedback", "updated_at")]
            rows = [dict(row._mapping) for row in connection.execute(select(*columns))]
            out[name] = sorted(rows, key=lambda row: row[key])
    return out


Demo = tuple[DemoSummary, dict[str, list[dict[str, Any]]]]
HISTORY_START = TODAY - dt.timedelta(days=round(HISTORY_YEARS * 365.25))


class Careers:
    """Each person's events in order, and who took part since when."""

    def __init__(self, summary: DemoSummary, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.people = {p["person_id"]: p for p in rows["people"]}
        self.events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in sorted(rows["career_events"], key=lambda e: (e["person_id"], e["date"])):
            self.events[e["person_id"]].append(e)
        self.pairings = rows["pairings"]
        self.mentee_start: dict[str, dt.date] = {}
        for p in self.pairings:
            start = self.mentee_start.get(p["mentee_id"], p["start_date"])
            self.mentee_start[p["mentee_id"]] = min(start, p["start_date"])
        self.comparison = set(summary.cases.comparison_person_ids)

    def hired(self, person: str) -> dt.date:
        return next(e["date"] for e in self.events[person] if e["kind"] == "hired")

    def left(self, person: str) -> dt.date | None:
        return next((e["date"] for e in self.events[person] if e["kind"] == "left"), None)

    def yearly(
        self, people: set[str], since: dict[str, dt.date] | None = None
    ) -> tuple[float, float]:
        """Promotions and departures per person-year (from ``since`` on, else the whole history)."""
        years = promotions = departures = 0.0
        for person in people:
            start = max(self.hired(person), HISTORY_START, (since or {}).get(person, HISTORY_START))
            end = self.left(person) or TODAY
            if end <= start:
                continue
            years += (end - start).days / 365.25
            for e in self.events[person]:
                if start < e["date"] <= end:
                    promotions += e["kind"] == "promoted"
                    departures += e["kind"] == "left"
        return promotions / years, departures / years

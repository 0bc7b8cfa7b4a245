"""Rows of the people and pairings tables for the matching tests, with plain defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tandem.program.schema import metadata

TABLES = metadata.tables


def person(pid: str, level: int = 3, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "person_id": pid,
        "name": f"Name {pid}",
        "level": level,
        "division": "Tech",
        "function": None,
        "geography": "UK",
        "manager_id": None,
        "tenure_years": None,
        "strengths": None,
        "development_goals": None,
        "monthly_hours": None,
        "max_mentees": 2,
    }
    row.update(extra)
    return row


def pairing(pid: str, mentor: str, mentee: str, status: str = "active", **extra: Any) -> dict:
    row = {
        "pairing_id": pid,
        "cohort_id": None,
        "mentor_id": mentor,
        "mentee_id": mentee,
        "kind": "traditional",
        "status": status,
        "start_date": dt.date(2026, 1, 1),
        "ended_date": dt.date(2026, 3, 1) if status in ("ended", "completed") else None,
        "cadence_days": 30,
    }
    row.update(extra)
    return row

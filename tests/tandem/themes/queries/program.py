"""A known program for the Themes page's query tests: ~150 notes over two cohorts, and
the same numbers worked out in Python (``joined``, ``expected_shares``) to check them by.

``build`` writes the notes' facts stored or leaves them to the live join, as
``FACTS["stored"]`` says, and with ``FACTS["slices"]`` also the counts per cohort
slice that views of whole cohorts sum (set per test by ``conftest.facts_mode``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import Engine

from tandem.program.bulk import upsert
from tandem.program.db import transaction
from tandem.program.models import Cohort, Feedback, Pairing, Person
from tandem.program.theme_tables import FeedbackAnalysis, Theme, theme_name_key
from tandem.themes import queries as q
from tandem.themes.facts import note_facts, rewrite_theme_facts
from tandem.themes.slices import rewrite_theme_slices
from tests.factories import person

TODAY = dt.date(2026, 6, 30)
THEMES = {1: "Time pressure", 2: "Stakeholder influence", 3: "Digital fluency"}
SOURCES = ("checkin_note", "survey", "journal")
ROLES = ("mentor", "mentee")
VISIBILITIES = ("private", "program", "shareable")
FACTS = {"stored": False, "slices": False}


def build(engine: Engine, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """Two cohorts, 14 pairings (a few in a small cohort), ~150 notes, analysis rows."""
    rng = random.Random(seed)
    people = [person(f"p{i}", f"Person{i} Surname{i}", 2 + i % 6) for i in range(30)]
    cohorts = [
        {
            "cohort_id": cid,
            "name": name,
            "program_type": "executive",
            "start_date": dt.date(2025, 1, 1),
            "end_date": None,
            "sponsor_id": None,
        }
        for cid, name in (("big", "Big cohort"), ("small", "Small cohort"))
    ]
    pairings = []
    for i in range(14):
        pairings.append(
            {
                "pairing_id": f"x{i:02d}",
                "cohort_id": "small" if i >= 11 else "big",
                "mentor_id": f"p{2 * i}",
                "mentee_id": f"p{2 * i + 1}",
                "kind": "reverse" if i % 3 == 0 else "traditional",
                "status": "active",
                "start_date": dt.date(2025, 1, 1),
                "planned_end_date": None,
                "ended_date": None,
                "cadence_days": 30,
                "objective": None,
            }
        )
    feedback, analysis = [], []
    for n in range(150):
        program_level = n % 10 == 0
        pairing = None if program_level else rng.choice(pairings)
        theme = rng.choice([1, 1, 2, 3, None])
        fid = f"f{n:03d}"
        feedback.append(
            {
                "feedback_id": fid,
                "pairing_id": None if pairing is None else pairing["pairing_id"],
                "cohort_id": "big" if pairing is None else pairing["cohort_id"],
                "date": TODAY - dt.timedelta(days=rng.randrange(0, 200)),
                "source": rng.choice(SOURCES),
                "author_role": rng.choice(ROLES),
                "visibility": rng.choice(VISIBILITIES),
                "text": f"note {n} with words",
                "coded_theme": "Time pressure" if n % 37 == 5 else None,
            }
        )
        if n % 23 != 0:  # a few notes never analysed
            analysis.append(
                {
                    "feedback_id": fid,
                    "theme_id": theme,
                    "confidence": round(rng.random(), 3),
                    "sentiment": round(rng.uniform(-1, 1), 3),
                    "input_hash": None,
                    "method": "test",
                    "refreshed_at": dt.datetime(2026, 6, 30, 12, 0),
                }
            )
    themes = [
        {
            "theme_id": tid,
            "name": name,
            "name_key": theme_name_key(name),
            "description": "",
            "examples": "",
            "keywords": "",
            "origin": "default",
            "active": True,
            "updated_at": dt.datetime(2026, 1, 1),
            "version": 1,
        }
        for tid, name in THEMES.items()
    ]
    with engine.begin() as connection:
        upsert(connection, Person.__table__, people)  # type: ignore[arg-type]
        upsert(connection, Cohort.__table__, cohorts)  # type: ignore[arg-type]
        upsert(connection, Pairing.__table__, pairings)  # type: ignore[arg-type]
        upsert(connection, Feedback.__table__, feedback)  # type: ignore[arg-type]
        upsert(connection, Theme.__table__, themes)  # type: ignore[arg-type]
        upsert(connection, FeedbackAnalysis.__table__, analysis)  # type: ignore[arg-type]
    if FACTS["stored"]:
        with transaction(engine) as session:
            assert rewrite_theme_facts(session.connection()) == len(feedback)
            if FACTS["slices"]:
                rewrite_theme_slices(session.connection(), TODAY)
    # The aggregates below read what this mode says (stored rows, or the live join).
    assert ("theme_note_facts" in str(note_facts(engine).element)) == FACTS["stored"]
    return {"pairings": pairings, "feedback": feedback, "analysis": analysis}


def joined(rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every note with its analysis and pairing, computed in Python."""
    by_id = {a["feedback_id"]: a for a in rows["analysis"]}
    pairing = {p["pairing_id"]: p for p in rows["pairings"]}
    notes = []
    for f in rows["feedback"]:
        a = by_id.get(f["feedback_id"], {})
        p = pairing.get(f["pairing_id"]) if f["pairing_id"] else None
        notes.append(
            {
                **f,
                "unit": f["pairing_id"] or f["feedback_id"],
                "theme": THEMES.get(a.get("theme_id")) if a.get("theme_id") else None,
                "sentiment": a.get("sentiment"),
                "confidence": a.get("confidence"),
                "theme_id": a.get("theme_id"),
                "kind": p["kind"] if p else q.PROGRAM_LEVEL,
                "month": f["date"].strftime("%Y-%m"),
            }
        )
    return notes


def expected_shares(notes: list[dict[str, Any]], key: str) -> dict[tuple[str, str], tuple]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for note in notes:
        groups[note[key]].append(note)
    present = {n["theme"] for n in notes if n["theme"]}
    out = {}
    for group, members in groups.items():
        units = len({m["unit"] for m in members})
        for theme in present:
            share = sum(m["theme"] == theme for m in members) / len(members)
            out[(theme, group)] = (share, units)
    return out


def check_shares(frame, expected, threshold: int, group_column: str) -> None:  # type: ignore[no-untyped-def]
    assert len(frame) == len(expected)
    for row in frame.itertuples():
        share, units = expected[(row.theme, getattr(row, group_column))]
        if units < threshold:
            assert row.suppressed and math.isnan(row.share) and math.isnan(row.n)
        else:
            assert not row.suppressed
            assert row.share == pytest.approx(share)
            assert row.n == units

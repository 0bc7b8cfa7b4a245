"""The codebook and the candidate themes as tables, and the last refresh."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, desc, func, select

from tandem.access.redaction import people_index, redact
from tandem.program.models import Feedback
from tandem.program.theme_tables import ThemeRefreshRun
from tandem.themes.discover import list_candidates
from tandem.themes.queries.selection import WITHHELD
from tandem.themes.store import list_themes


@dataclass(frozen=True)
class LastRefresh:
    finished_at: dt.datetime
    method: str
    total: int
    assigned: int


def last_refresh(engine: Engine) -> LastRefresh | None:
    """The most recent theme refresh, or None when themes were never computed."""
    with engine.connect() as connection:
        row = connection.execute(
            select(
                ThemeRefreshRun.finished_at,
                ThemeRefreshRun.method,
                ThemeRefreshRun.total,
                ThemeRefreshRun.assigned,
            )
            .order_by(desc(ThemeRefreshRun.finished_at), desc(ThemeRefreshRun.run_id))
            .limit(1)
        ).first()
    if row is None:
        return None
    return LastRefresh(row.finished_at, row.method, int(row.total), int(row.assigned))


def codebook_table(engine: Engine) -> pd.DataFrame:
    """The codebook as a read-only table (one row per theme, inactive ones too).

    A promoted candidate's examples may be copies of real notes (candidates made
    before discovery skipped private notes may hold private ones), and keywords are
    distilled from notes: no viewer reads private text, so discovered themes'
    examples are withheld and names are redacted from the rest, for every role.
    """
    themes = list_themes(engine, include_inactive=True)
    index = people_index(engine)
    coded = _coded_counts(engine)
    total = sum(t.feedback_count for t in themes)
    return pd.DataFrame(
        {
            "theme": [t.name for t in themes],
            "description": [t.description for t in themes],
            "examples": [
                WITHHELD if t.origin == "discovered" else redact(" / ".join(t.examples), index)
                for t in themes
            ],
            # Keywords are lower-cased: every name word goes, ordinary or not.
            "keywords": [redact(", ".join(t.keywords), index, case_lost=True) for t in themes],
            "origin": [t.origin for t in themes],
            "active": [t.active for t in themes],
            "notes": [t.feedback_count for t in themes],
            # Nobody coded it and few notes support it: not to be taken at face value.
            "certainty": [
                "uncertain"
                if uncertain_theme(coded.get(t.name.lower(), 0), t.feedback_count, total)
                else "supported"
                for t in themes
            ],
        },
        columns=[
            "theme",
            "description",
            "examples",
            "keywords",
            "origin",
            "active",
            "notes",
            "certainty",
        ],
    )


def uncertain_theme(coded: int, notes: int, total: int) -> bool:
    """A theme nobody coded and few notes support (under 1% of the placed notes, or < 5)."""
    return coded == 0 and (notes < 5 or notes < 0.01 * total)


def _coded_counts(engine: Engine) -> dict[str, int]:
    """Hand-coded notes per theme (lower-cased name; "no theme" codings left out)."""
    name = func.lower(func.trim(Feedback.coded_theme))
    with engine.connect() as connection:
        rows = connection.execute(
            select(name, func.count()).where(Feedback.coded_theme.is_not(None)).group_by(name)
        ).all()
    return {str(key): int(count) for key, count in rows if key}


def candidates_table(engine: Engine, *, min_size: int) -> pd.DataFrame:
    """Open candidate themes: candidate_id, label, keywords, size (biggest first).

    Candidates are distilled from unplaced notes, private ones included (they
    count in aggregates): clusters smaller than ``min_size`` (the privacy
    threshold) are left out and names are redacted, for every viewer.
    """
    candidates = list_candidates(engine)
    index = people_index(engine)
    rows = [
        {
            "candidate_id": c.candidate_id,
            # Labels and keywords are made of lower-cased terms: every name word goes.
            "label": redact(c.label, index, case_lost=True),
            "keywords": redact(c.keywords, index, case_lost=True).replace(";", ", "),
            "size": c.size,
        }
        for c in candidates
        if c.size >= min_size
    ]
    return pd.DataFrame(rows, columns=["candidate_id", "label", "keywords", "size"])

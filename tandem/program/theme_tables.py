"""Tables of the theme engine that are not part of the bundle format.

``Theme`` is the codebook, ``FeedbackAnalysis`` the engine's and the sentiment
model's reading of each note, ``ThemeNoteFacts`` the narrow pre-joined rows
the Feedback themes page counts.

They live with the other tables in ``tandem.program`` (the data itself), so the
schema that Alembic and the tests build never reaches up into a domain.

``ThemeCandidate`` holds clusters that discovery found among unassigned notes,
waiting for a lead to promote or ignore them; ``ThemeRefreshRun`` records each
refresh (what changed, how long it took) so the page can say how fresh the
themes are.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, validates

from tandem.program.models import ID, Base, utcnow

CANDIDATE_STATUSES = ("open", "promoted", "dismissed")


def theme_name_key(name: str) -> str:
    """What makes a theme's name unique: its SHA-256 (exact text, case kept, as the
    unique name was before names could be 10,000 characters long)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def _name_key_of_insert(context: DefaultExecutionContext) -> str:
    return theme_name_key(context.get_current_parameters()["name"])


class Theme(Base):
    """A codebook theme (default, added by a lead, or promoted from discovery)."""

    __tablename__ = "themes"

    theme_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Any length the bundle allows a hand-coded theme (10,000 characters); unique
    # through ``name_key``, because a unique b-tree index on PostgreSQL cannot hold
    # keys that long.
    name: Mapped[str] = mapped_column(Text)
    # Kept from the name: by the validator below when an object's name is set,
    # and by the column default when a Core insert gives only the name.
    name_key: Mapped[str] = mapped_column(String(64), unique=True, default=_name_key_of_insert)
    description: Mapped[str] = mapped_column(Text, default="")
    # Example phrases, one per line: what the theme sounds like in real notes.
    examples: Mapped[str] = mapped_column(Text, default="")
    # Distinctive terms (';'-joined) as last computed by a refresh (themes.csv).
    keywords: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(16), default="default")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @validates("name")
    def _keep_name_key(self, _field: str, name: str) -> str:
        self.name_key = theme_name_key(name)
        return name


class FeedbackAnalysis(Base):
    """The theme engine's and sentiment model's reading of one feedback note."""

    __tablename__ = "feedback_analysis"

    feedback_id: Mapped[str] = mapped_column(
        ID, ForeignKey("feedback.feedback_id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("themes.theme_id", ondelete="SET NULL")
    )
    confidence: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[float | None] = mapped_column(Float)
    # Hash of the text and codebook the result was computed from: a refresh
    # recomputes only notes whose hash changed (incremental assignment).
    input_hash: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(32))
    refreshed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (Index("ix_feedback_analysis_theme", "theme_id"),)


# A theme's notes most confident first, ties by id (the theme refresh's keyword
# sample, the quotes): a range read instead of sorting every note of the theme.
Index(
    "ix_feedback_analysis_theme_rank",
    FeedbackAnalysis.theme_id,
    FeedbackAnalysis.confidence.desc(),
    FeedbackAnalysis.feedback_id,
)


class ThemeNoteFacts(Base):
    """One row per note with what the theme aggregates group and count by, pre-joined.

    Written by the theme refresh (``tandem.themes.facts``): the note's
    pairing (or, for a program-level note, the note itself) as the privacy unit,
    its cohort (the note's own, else its pairing's), date and month, source,
    author role, pairing kind, theme and sentiment.  The Feedback themes page
    reads these narrow rows instead of joining ``feedback`` (whose text makes
    it wide), ``feedback_analysis`` and ``pairings`` on every view.  Only valid
    while ``rollup_state`` says so: an import clears it (``tandem.program.rollups``).
    """

    __tablename__ = "theme_note_facts"

    feedback_id: Mapped[str] = mapped_column(
        ID, ForeignKey("feedback.feedback_id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[str] = mapped_column(ID)
    pairing_id: Mapped[str | None] = mapped_column(ID)
    cohort_id: Mapped[str | None] = mapped_column(ID)
    date: Mapped[dt.date] = mapped_column(Date)
    month: Mapped[str] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(String(32))
    author_role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(16))
    theme_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("themes.theme_id", ondelete="SET NULL")
    )
    sentiment: Mapped[float | None] = mapped_column(Float)
    # No index: every aggregate reads most facts, and a scan of these narrow rows
    # (0.15 s at 463,000 notes) beats index lookups of half of them (0.36 s).


class ThemeSliceCounts(Base):
    """The theme aggregates' counts, per cohort slice: what the Feedback themes page
    and the Overview read for views that select whole cohorts.

    A *slice* is the notes of one cohort's pairings (``program_level`` 0), or the
    program-level notes filed under one cohort (1).  Each privacy unit — a
    pairing, or a program-level note — lies in exactly one slice, so the note
    counts *and* the distinct-unit counts of any set of slices are sums of its
    rows.  ``grouping`` says which count a row holds (``tandem.themes.slices``):
    notes per theme in each month, source, author role, cohort or kind, and the
    distinct units of each group (``is_units`` 1); per theme, the notes with a
    sentiment, their sum and how many read negative (``sentiment``); and notes
    per theme in the current and previous default periods (``period``, valid
    only on the day ``rollup_state`` gives).  Written by the theme refresh from
    ``theme_note_facts``; only valid while ``rollup_state`` says so: an import
    clears it (``tandem.program.rollups``).
    """

    __tablename__ = "theme_slice_counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slice_cohort_id: Mapped[str | None] = mapped_column(ID)
    program_level: Mapped[int] = mapped_column(Integer)
    grouping: Mapped[str] = mapped_column(String(16))
    grp: Mapped[str | None] = mapped_column(Text)
    theme_id: Mapped[int | None] = mapped_column(Integer)
    is_units: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)
    sentiment_sum: Mapped[float | None] = mapped_column(Float)
    negative: Mapped[int | None] = mapped_column(Integer)


class ThemeCandidate(Base):
    """A possible new theme: a cluster of unassigned notes and its distinctive phrases."""

    __tablename__ = "theme_candidates"

    candidate_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(Text)
    # Distinctive terms, ';'-joined, best first.
    keywords: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer)
    # A few member feedback ids, ';'-joined (most central first).
    example_ids: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    promoted_theme_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("themes.theme_id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (Index("ix_theme_candidates_status", "status"),)


class ThemeRefreshRun(Base):
    """One run of ``refresh_themes``: when, how many notes, how many recomputed."""

    __tablename__ = "theme_refresh_runs"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    total: Mapped[int] = mapped_column(Integer)
    recomputed: Mapped[int] = mapped_column(Integer)
    assigned: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    # Every note whose ``feedback.updated_at`` is before this time had its
    # current text analysed when the run committed, so the next incremental run
    # need only look at notes changed since (see ``tandem.themes.refresh``).
    # NULL for runs made before the column existed: the next run checks all.
    settled_before: Mapped[dt.datetime | None] = mapped_column(DateTime)

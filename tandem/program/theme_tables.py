"""Tables of the theme engine that are not part of the bundle format.

They live with the other tables in ``tandem.program`` (the data itself), so the
schema that Alembic and the tests build never reaches up into a domain.

``ThemeCandidate`` holds clusters that discovery found among unassigned notes,
waiting for a lead to promote or ignore them; ``ThemeRefreshRun`` records each
refresh (what changed, how long it took) so the page can say how fresh the
themes are.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.program.models import Base, utcnow

CANDIDATE_STATUSES = ("open", "promoted", "dismissed")


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

"""The database schema: typed SQLAlchemy 2 models.

The first seven tables and ``career_events`` mirror the bundle format
(``shared/spec/bundle-format.md``) one column for one column, so that import
and export are mechanical.  Column defaults the spec states (``kind``
traditional, ``cadence_days`` 30, ``visibility`` program, ``max_mentees`` 2)
are applied on import and stored, so every query sees the effective value.

The remaining tables are what the dashboard itself writes: the audit log,
tunable settings and its users.  Derived results of the refreshes live in
``derived_tables`` and ``theme_tables``, registered on the same ``Base`` (and
listed in ``schema``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(64)

PROGRAM_TYPES = ("executive", "reciprocal", "reverse", "peer")
PAIRING_KINDS = ("traditional", "reverse", "reciprocal", "peer")
PAIRING_STATUSES = ("proposed", "active", "paused", "completed", "ended")
# The one definition of a pairing's life stages; every rule that needs one names it.
# Running: the pair meets (or has paused) — what health scores and what may be moved.
RUNNING_STATUSES = ("active", "paused")
# Open: holds a mentor's slot — running, or proposed and about to start.
OPEN_STATUSES = ("proposed", *RUNNING_STATUSES)
# Closed: over, for good.
CLOSED_STATUSES = ("ended", "completed")
MILESTONE_STATUSES = ("planned", "in_progress", "done", "missed")
SUBMITTERS = ("mentor", "mentee", "both")
FEEDBACK_SOURCES = ("checkin_note", "after_action_review", "journal", "360", "survey", "other")
AUTHOR_ROLES = ("mentor", "mentee", "sponsor", "peer", "lead")
VISIBILITIES = ("private", "program", "shareable")
FLAG_REASONS = (
    "no_contact",
    "missed_milestones",
    "low_ratings",
    "mismatch",
    "capacity",
    "conduct",
    "other",
)
FLAG_STATUSES = ("open", "in_progress", "resolved")
EVENT_KINDS = ("hired", "promoted", "moved", "left")
#: The role a person signed up for in a cohort; ``either`` may be matched in both.
PARTICIPANT_ROLES = ("mentor", "mentee", "either")
PARTICIPANT_ROLE_LABELS = {"mentor": "Mentor", "mentee": "Mentee", "either": "Either"}

# The words a person reads for each code (tables, captions): one place for each.
SOURCE_LABELS = {
    "checkin_note": "Check-in note",
    "after_action_review": "After-action review",
    "journal": "Journal",
    "360": "360 review",
    "survey": "Survey",
    "other": "Other",
}
AUTHOR_ROLE_LABELS = {role: role.title() for role in AUTHOR_ROLES}
VISIBILITY_LABELS = {"private": "Private", "program": "Program", "shareable": "Shareable"}
FLAG_REASON_LABELS = {
    "no_contact": "No contact",
    "missed_milestones": "Missed milestones",
    "low_ratings": "Low ratings",
    "mismatch": "Mismatch",
    "capacity": "Mentor capacity",
    "conduct": "Conduct",
    "other": "Other",
}
FLAG_STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "resolved": "Resolved"}
PAIRING_STATUS_LABELS = {status: status.title() for status in PAIRING_STATUSES}
KIND_LABELS = {kind: kind.title() for kind in PAIRING_KINDS}
PROGRAM_TYPE_LABELS = {kind: kind.title() for kind in PROGRAM_TYPES}
MILESTONE_STATUS_LABELS = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "missed": "Missed",
}

DEFAULT_KIND = "traditional"
DEFAULT_CADENCE_DAYS = 30
DEFAULT_VISIBILITY = "program"
DEFAULT_MAX_MENTEES = 2
#: The most mentees one person may take (the bundle format's range for max_mentees).
MAX_MENTEES = 100


def utcnow() -> dt.datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def pairing_ref(*, primary_key: bool = False) -> Any:
    """The column of a row that belongs to one pairing (deleted with it)."""
    return mapped_column(
        ID, ForeignKey("pairings.pairing_id", ondelete="CASCADE"), primary_key=primary_key
    )


class Base(DeclarativeBase):
    pass


class Person(Base):
    """Someone in the organisation (people.csv), whether they take part or not."""

    __tablename__ = "people"

    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)
    division: Mapped[str] = mapped_column(Text)
    function: Mapped[str | None] = mapped_column(Text)
    geography: Mapped[str] = mapped_column(Text)
    manager_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("people.person_id", ondelete="SET NULL")
    )
    tenure_years: Mapped[float | None] = mapped_column(Float)
    # Lists are stored as the normalised ';'-joined text of the bundle.
    strengths: Mapped[str | None] = mapped_column(Text)
    development_goals: Mapped[str | None] = mapped_column(Text)
    learning_style: Mapped[str | None] = mapped_column(Text)
    monthly_hours: Mapped[float | None] = mapped_column(Float)
    max_mentees: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_MENTEES)
    # "group" is an SQL keyword; the bundle column keeps its name.
    group_name: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 8", name="ck_people_level"),
        Index("ix_people_division", "division"),
        Index("ix_people_geography", "geography"),
        Index("ix_people_manager", "manager_id"),
    )


class Cohort(Base):
    """A round of the program (cohorts.csv): its kind of pairing, dates and sponsor."""

    __tablename__ = "cohorts"

    cohort_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    program_type: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    sponsor_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("people.person_id", ondelete="SET NULL")
    )


class Pairing(Base):
    """A mentor and a mentee in a cohort (pairings.csv): its kind, dates, cadence and objective."""

    __tablename__ = "pairings"

    pairing_id: Mapped[str] = mapped_column(ID, primary_key=True)
    cohort_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("cohorts.cohort_id", ondelete="SET NULL")
    )
    mentor_id: Mapped[str] = mapped_column(ID, ForeignKey("people.person_id"))
    mentee_id: Mapped[str] = mapped_column(ID, ForeignKey("people.person_id"))
    kind: Mapped[str] = mapped_column(String(16), default=DEFAULT_KIND)
    status: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[dt.date] = mapped_column(Date)
    planned_end_date: Mapped[dt.date | None] = mapped_column(Date)
    ended_date: Mapped[dt.date | None] = mapped_column(Date)
    cadence_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_CADENCE_DAYS)
    objective: Mapped[str | None] = mapped_column(Text)
    # Optimistic concurrency: every dashboard write bumps it, and a write that
    # started from an older version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        CheckConstraint("mentor_id <> mentee_id", name="ck_pairings_not_self"),
        Index("ix_pairings_cohort", "cohort_id"),
        Index("ix_pairings_mentor", "mentor_id"),
        Index("ix_pairings_mentee", "mentee_id"),
        Index("ix_pairings_status", "status"),
        Index("ix_pairings_kind", "kind"),
        Index("ix_pairings_start", "start_date"),
    )


class Milestone(Base):
    """A milestone of a pairing's learning contract (milestones.csv)."""

    __tablename__ = "milestones"

    milestone_id: Mapped[str] = mapped_column(ID, primary_key=True)
    pairing_id: Mapped[str] = pairing_ref()
    title: Mapped[str] = mapped_column(Text)
    success_criteria: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[dt.date] = mapped_column(Date)
    completed_date: Mapped[dt.date | None] = mapped_column(Date)
    # As given in the bundle; the effective status is derived in one place.
    status: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_milestones_pairing", "pairing_id"),
        Index("ix_milestones_due", "due_date"),
    )


class CheckIn(Base):
    """One meeting of a pairing and its ratings (checkins.csv)."""

    __tablename__ = "checkins"

    checkin_id: Mapped[str] = mapped_column(ID, primary_key=True)
    pairing_id: Mapped[str] = pairing_ref()
    date: Mapped[dt.date] = mapped_column(Date)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    submitted_by: Mapped[str | None] = mapped_column(String(8))
    clarity: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[int | None] = mapped_column(Integer)
    influence: Mapped[int | None] = mapped_column(Integer)
    safety: Mapped[int | None] = mapped_column(Integer)
    mentor_learning: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_checkins_pairing_date", "pairing_id", "date"),
        # Date first (period queries), then what the headlines average, so a
        # period's check-ins are read from the index alone (migration 0013).
        Index(
            "ix_checkins_date_ratings",
            "date",
            "pairing_id",
            "clarity",
            "confidence",
            "influence",
            "safety",
        ),
    )


class Feedback(Base):
    """A written note about a pairing or a cohort (feedback.csv); its visibility
    decides who may read it."""

    __tablename__ = "feedback"

    feedback_id: Mapped[str] = mapped_column(ID, primary_key=True)
    pairing_id: Mapped[str | None] = pairing_ref()
    cohort_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("cohorts.cohort_id", ondelete="SET NULL")
    )
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))
    author_role: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16), default=DEFAULT_VISIBILITY)
    text: Mapped[str] = mapped_column(Text)
    coded_theme: Mapped[str | None] = mapped_column(Text)
    # When the row was written or last changed (the theme refresh's change
    # signal).  Set by the ORM and by ``tandem.program.bulk`` on every insert and on
    # every update that changes a value; NULL only for rows written by other
    # means, which the refresh then checks by their text.
    updated_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    __table_args__ = (
        Index("ix_feedback_pairing", "pairing_id"),
        Index("ix_feedback_cohort", "cohort_id"),
        Index("ix_feedback_date", "date"),
        Index("ix_feedback_updated_at", "updated_at"),
    )


class Flag(Base):
    """A concern raised about a pairing (flags.csv), open until someone resolves it."""

    __tablename__ = "flags"

    flag_id: Mapped[str] = mapped_column(ID, primary_key=True)
    pairing_id: Mapped[str] = pairing_ref()
    raised_by: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    # Dashboard-side fields (exported as optional columns).
    owner: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        Index("ix_flags_pairing", "pairing_id"),
        Index("ix_flags_status", "status"),
    )


class CareerEvent(Base):
    """A fact about a career from the HR system (events.csv): hired, promoted, moved, left.

    Not about mentoring: the impact estimate compares what happens to
    participants with comparable colleagues who took no part.  ``new_level``
    is the level after a ``promoted`` event, ``voluntary`` whether a ``left``
    was the person's choice; both stay NULL for the other kinds.  No
    ``version`` column: the dashboard never edits events (only pairings and
    flags are edited under optimistic concurrency), an import upserts them by
    ``event_id`` like check-ins.
    """

    __tablename__ = "career_events"

    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, ForeignKey("people.person_id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    new_level: Mapped[int | None] = mapped_column(Integer)
    voluntary: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (
        CheckConstraint(
            "kind IN ({})".format(", ".join(f"'{kind}'" for kind in EVENT_KINDS)),
            name="ck_career_events_kind",
        ),
        CheckConstraint("new_level BETWEEN 1 AND 8", name="ck_career_events_new_level"),
        Index("ix_career_events_person", "person_id"),
        Index("ix_career_events_kind_date", "kind", "date"),
    )


class Participant(Base):
    """Who signed up for a cohort, paired or not (the bundle's optional participants.csv).

    The pair (``cohort_id``, ``person_id``) is the row's identity: a person
    signs up at most once per cohort, and an import upserts by that pair.
    Those without an open pairing in their cohort are the ones a lead matches
    (``tandem.matching.cohort``).
    """

    __tablename__ = "participants"

    cohort_id: Mapped[str] = mapped_column(
        ID, ForeignKey("cohorts.cohort_id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(
        ID, ForeignKey("people.person_id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    joined_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint(
            "role IN ({})".format(", ".join(f"'{role}'" for role in PARTICIPANT_ROLES)),
            name="ck_participants_role",
        ),
        Index("ix_participants_person", "person_id"),
    )


class AuditEntry(Base):
    """One row per write the dashboard or the command line makes."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id"),
        Index("ix_audit_at", "at"),
    )


class Setting(Base):
    """Tunable rules (health weights, match weights, privacy threshold) by key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(Text, default="system")


class AppUser(Base):
    """Who may use the dashboard when sign-in is configured: e-mail → role and cohorts."""

    __tablename__ = "app_users"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    # ';'-joined cohort ids a lead works on; empty means every cohort.
    cohorts: Mapped[str] = mapped_column(Text, default="")
    display_name: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

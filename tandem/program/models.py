"""The database schema: typed SQLAlchemy 2 models.

The first seven tables and ``career_events`` mirror the bundle format
(``shared/spec/bundle-format.md``) one column for one column, so that import
and export are mechanical.  Column defaults the spec states (``kind``
traditional, ``cadence_days`` 30, ``visibility`` program, ``max_mentees`` 2)
are applied on import and stored, so every query sees the effective value.

The remaining tables are what the dashboard itself writes: the audit log and
tunable settings.  Derived results of the analytic engines (health, themes)
live in their own modules' tables, registered on the same ``Base``.
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
        Index("ix_checkins_date", "date"),
    )


class Feedback(Base):
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


# --- Derived results, written by explicit refreshes and read by pages -------


class Theme(Base):
    """A codebook theme (default, added by a lead, or promoted from discovery)."""

    __tablename__ = "themes"

    theme_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Example phrases, one per line: what the theme sounds like in real notes.
    examples: Mapped[str] = mapped_column(Text, default="")
    # Distinctive terms (';'-joined) as last computed by a refresh (themes.csv).
    keywords: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(16), default="default")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


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


class PairingHealth(Base):
    """Health score, stall verdict and reasons of one pairing, as of a day."""

    __tablename__ = "pairing_health"

    pairing_id: Mapped[str] = pairing_ref(primary_key=True)
    health: Mapped[float | None] = mapped_column(Float)
    stalled: Mapped[bool] = mapped_column(Boolean, default=False)
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reasons in words, ';'-joined (the export's stall_reasons).
    reasons: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[dt.date] = mapped_column(Date)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        Index("ix_pairing_health_stalled", "stalled"),
        Index("ix_pairing_health_health", "health"),
    )


class PairingStats(Base):
    """Per-pairing roll-up of check-ins, ratings and milestones, written by the refresh.

    The sponsor pages read these 1:1 rows instead of re-sorting every check-in
    on each view (``tandem.portfolio.pairing_stats``).  Only valid while
    ``rollup_state`` says so: an import clears both (``tandem.program.rollups``).
    ``meetings`` is 0 and the rating columns NULL for a pairing without
    (rated) check-ins.
    """

    __tablename__ = "pairing_stats"

    pairing_id: Mapped[str] = pairing_ref(primary_key=True)
    meetings: Mapped[int] = mapped_column(Integer, default=0)
    first_meeting: Mapped[dt.date | None] = mapped_column(Date)
    last_meeting: Mapped[dt.date | None] = mapped_column(Date)
    rated_meetings: Mapped[int] = mapped_column(Integer, default=0)
    first_rating: Mapped[float | None] = mapped_column(Float)
    latest_rating: Mapped[float | None] = mapped_column(Float)
    rating_gain: Mapped[float | None] = mapped_column(Float)
    latest_clarity: Mapped[int | None] = mapped_column(Integer)
    latest_confidence: Mapped[int | None] = mapped_column(Integer)
    latest_influence: Mapped[int | None] = mapped_column(Integer)
    latest_safety: Mapped[int | None] = mapped_column(Integer)
    mean_mentor_learning: Mapped[float | None] = mapped_column(Float)
    # Milestone counts as of the refresh day (``rollup_state`` row
    # ``pairing_milestones`` holds that day): "due" and "overdue" move with the
    # calendar, so they are read only on that same day.
    milestones: Mapped[int | None] = mapped_column(Integer)
    milestones_done: Mapped[int | None] = mapped_column(Integer)
    milestones_due: Mapped[int | None] = mapped_column(Integer)
    milestones_overdue: Mapped[int | None] = mapped_column(Integer)


class PairingHealthHistory(Base):
    """Health and stall verdict of each pairing at past month ends (the stall trend).

    Written by the health refresh; cleared with the other roll-ups on import,
    because back-dated check-ins change the past.
    """

    __tablename__ = "pairing_health_history"

    month_end: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    pairing_id: Mapped[str] = pairing_ref(primary_key=True)
    health: Mapped[float | None] = mapped_column(Float)
    stalled: Mapped[bool] = mapped_column(Boolean, default=False)
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_pairing_health_history_pairing", "pairing_id"),)


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


class RollupState(Base):
    """Which derived roll-ups are current: a row per roll-up, deleted when data changes."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StoredRebalancePlan(Base):
    """A rebalancing plan (or rotation) computed by the refresh, for the saved configuration.

    ``kind`` is ``"rebalance"`` or ``"rotation"``; ``config_key`` a hash of the
    matching configuration it was computed with; ``fingerprint`` the data
    fingerprint (``tandem.matching.data_fingerprint``) read before
    computing.  Read only while ``rollup_state`` says so *and* both still match
    (``tandem.matching.rebalance.store``); an import clears it (``tandem.program.rollups``).
    """

    __tablename__ = "rebalance_plans"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    config_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[list] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StoredImpactReport(Base):
    """An Impact page report computed by the refresh (``tandem.impact.store``).

    ``view`` is ``"program"`` (every cohort, for a viewer without a cohort
    scope) or a cohort id; ``payload`` the whole report (estimates, curves,
    breakdown: aggregates only, already suppressed).  Read only while
    ``rollup_state`` says so and the months, privacy threshold, data date and
    data fingerprint it was computed with still hold; an import clears it
    (``tandem.program.rollups``).
    """

    __tablename__ = "impact_reports"

    view: Mapped[str] = mapped_column(ID, primary_key=True)
    months: Mapped[int] = mapped_column(Integer, primary_key=True)
    threshold: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[dt.date] = mapped_column(Date)
    fingerprint: Mapped[list] = mapped_column(JSON)
    payload: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StoredRebalanceSuggestion(Base):
    """One suggestion of the stored rebalancing plan, a row each.

    Written by ``tandem.matching.rebalance.store``.

    The plan's ``rebalance_plans`` row holds everything else; its suggestions
    live here so the Rebalancing page reads the few columns it orders, scopes
    and totals by, and the whole suggestion (``suggestion``, every field) only
    for the page of cards it shows.  ``position`` is the suggestion's place in
    the plan.  Written and deleted together with the ``rebalance_plans`` rows.
    """

    __tablename__ = "rebalance_suggestions"

    config_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    pairing_id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    cohort_id: Mapped[str | None] = mapped_column(ID)
    gain: Mapped[float] = mapped_column(Float)
    current_mentor_id: Mapped[str] = mapped_column(ID)
    suggested_mentor_id: Mapped[str] = mapped_column(ID)
    suggestion: Mapped[dict] = mapped_column(JSON)

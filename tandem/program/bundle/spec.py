"""The bundle format as data: one declarative spec per CSV file.

This module is the single place that knows which columns each file has, their
types, ranges, defaults and references (``shared/spec/bundle-format.md``).
The reader, the validator, the importer and the exporter all work from it, so
a format change is one edit here (plus the README and CHANGELOG).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Table

from tandem.program import models

Kind = Literal["id", "text", "int", "number", "date", "datetime", "enum", "list", "bool"]

MAX_ID_LENGTH = 64
#: Every text cell (lists included) unless its column says less.
MAX_TEXT_LENGTH = 10_000
MAX_FEEDBACK_TEXT = MAX_TEXT_LENGTH
#: A person's name (the spec's limit; a hand-coded theme may be as long as any text).
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Column:
    """One column of a bundle file and how it maps onto the database."""

    name: str
    kind: Kind
    required: bool = False
    db: str | None = None  # database column when it differs from the bundle name
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    default: Any = None
    ref: str | None = None  # the file (stem) whose ID this column references
    max_length: int | None = None  # text and lists: MAX_TEXT_LENGTH when not given
    not_before: str | None = None  # another date column this one must not precede
    trim: bool = False  # text that means nothing with surrounding spaces (emails)

    @property
    def db_name(self) -> str:
        return self.db or self.name

    @property
    def length_limit(self) -> int:
        """The most characters a cell of this column may have."""
        if self.max_length is not None:
            return self.max_length
        return MAX_ID_LENGTH if self.kind == "id" else MAX_TEXT_LENGTH


@dataclass(frozen=True)
class FileSpec:
    """One CSV file of the bundle."""

    stem: str  # "people"
    model: type[models.Base]
    columns: tuple[Column, ...]
    # Export-only columns that import ignores without a warning.
    derived: tuple[str, ...] = ()
    # Documented optional extensions: exported, imported only when present.
    optional: tuple[Column, ...] = ()
    required_file: bool = False
    # The columns whose values together identify a row (default: the first
    # column alone, its ID); import upserts by them and refuses a repeat.
    key: tuple[str, ...] = ()
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.all_columns})

    @property
    def filename(self) -> str:
        return f"{self.stem}.csv"

    @property
    def id_column(self) -> Column:
        return self.columns[0]

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The bundle columns that identify a row (the ID column unless ``key`` says more)."""
        return self.key or (self.id_column.name,)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.optional

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[return-value]


def _id(name: str, *, required: bool = False, ref: str | None = None) -> Column:
    return Column(name, "id", required=required, ref=ref, max_length=MAX_ID_LENGTH)


def _pairing_row(id_name: str) -> tuple[Column, Column]:
    """The first columns of a file whose rows each belong to one pairing."""
    return _id(id_name, required=True), _id("pairing_id", required=True, ref="pairings")


def _int(name: str, lo: int, hi: int, **kw: Any) -> Column:
    return Column(name, "int", minimum=lo, maximum=hi, **kw)


def _enum(name: str, choices: tuple[str, ...], **kw: Any) -> Column:
    return Column(name, "enum", choices=choices, **kw)


PEOPLE = FileSpec(
    "people",
    models.Person,
    (
        _id("person_id", required=True),
        Column("name", "text", required=True, max_length=MAX_NAME_LENGTH),
        Column("email", "text", max_length=320, trim=True),
        Column("title", "text"),
        _int("level", 1, 8, required=True),
        Column("division", "text", required=True),
        Column("function", "text"),
        Column("geography", "text", required=True),
        _id("manager_id", ref="people"),
        Column("tenure_years", "number", minimum=0, maximum=80),
        Column("strengths", "list"),
        Column("development_goals", "list"),
        Column("learning_style", "text"),
        Column("monthly_hours", "number", minimum=0, maximum=744),
        _int("max_mentees", 0, models.MAX_MENTEES, default=models.DEFAULT_MAX_MENTEES),
        Column("group", "text", db="group_name"),
    ),
    required_file=True,
)

COHORTS = FileSpec(
    "cohorts",
    models.Cohort,
    (
        _id("cohort_id", required=True),
        Column("name", "text", required=True),
        _enum("program_type", models.PROGRAM_TYPES, required=True),
        Column("start_date", "date", required=True),
        Column("end_date", "date", not_before="start_date"),
        _id("sponsor_id", ref="people"),
    ),
)

PAIRINGS = FileSpec(
    "pairings",
    models.Pairing,
    (
        _id("pairing_id", required=True),
        _id("cohort_id", ref="cohorts"),
        _id("mentor_id", required=True, ref="people"),
        _id("mentee_id", required=True, ref="people"),
        _enum("kind", models.PAIRING_KINDS, default=models.DEFAULT_KIND),
        _enum("status", models.PAIRING_STATUSES, required=True),
        Column("start_date", "date", required=True),
        Column("planned_end_date", "date", not_before="start_date"),
        Column("ended_date", "date", not_before="start_date"),
        _int("cadence_days", 1, 180, default=models.DEFAULT_CADENCE_DAYS),
        Column("objective", "text"),
    ),
    derived=("health", "stalled", "stall_reasons"),
)

MILESTONES = FileSpec(
    "milestones",
    models.Milestone,
    (
        *_pairing_row("milestone_id"),
        Column("title", "text", required=True),
        Column("success_criteria", "text"),
        Column("due_date", "date", required=True),
        Column("completed_date", "date"),
        _enum("status", models.MILESTONE_STATUSES),
    ),
)

CHECKINS = FileSpec(
    "checkins",
    models.CheckIn,
    (
        *_pairing_row("checkin_id"),
        Column("date", "date", required=True),
        _int("duration_minutes", 0, 1440),
        _enum("submitted_by", models.SUBMITTERS),
        _int("clarity", 1, 5),
        _int("confidence", 1, 5),
        _int("influence", 1, 5),
        _int("safety", 1, 5),
        _int("mentor_learning", 1, 5),
    ),
)

FEEDBACK = FileSpec(
    "feedback",
    models.Feedback,
    (
        _id("feedback_id", required=True),
        _id("pairing_id", ref="pairings"),
        _id("cohort_id", ref="cohorts"),
        Column("date", "date", required=True),
        _enum("source", models.FEEDBACK_SOURCES, required=True),
        _enum("author_role", models.AUTHOR_ROLES, required=True),
        _enum("visibility", models.VISIBILITIES, default=models.DEFAULT_VISIBILITY),
        Column("text", "text", required=True, max_length=MAX_FEEDBACK_TEXT),
        Column("coded_theme", "text"),
    ),
    derived=("theme", "sentiment"),
)

FLAGS = FileSpec(
    "flags",
    models.Flag,
    (
        *_pairing_row("flag_id"),
        Column("raised_by", "text", required=True),
        Column("raised_at", "datetime", required=True),
        _enum("reason", models.FLAG_REASONS, required=True),
        Column("note", "text"),
        _enum("status", models.FLAG_STATUSES, required=True),
        Column("resolved_at", "datetime"),
        Column("resolution", "text"),
    ),
    optional=(Column("owner", "text"),),
)

EVENTS = FileSpec(
    "events",
    models.CareerEvent,
    (
        _id("event_id", required=True),
        _id("person_id", required=True, ref="people"),
        Column("date", "date", required=True),
        _enum("kind", models.EVENT_KINDS, required=True),
        # Only for ``promoted`` / ``left`` events (``validate.check_events``).
        _int("new_level", 1, 8),
        Column("voluntary", "bool"),
    ),
)

PARTICIPANTS = FileSpec(
    "participants",
    models.Participant,
    (
        _id("cohort_id", required=True, ref="cohorts"),
        _id("person_id", required=True, ref="people"),
        _enum("role", models.PARTICIPANT_ROLES, required=True),
        Column("joined_on", "date"),
    ),
    key=("cohort_id", "person_id"),
)

# Dependency order: a file only references files before it.
FILES: tuple[FileSpec, ...] = (
    PEOPLE,
    COHORTS,
    PAIRINGS,
    MILESTONES,
    CHECKINS,
    FEEDBACK,
    FLAGS,
    EVENTS,
    PARTICIPANTS,
)
BY_FILENAME: dict[str, FileSpec] = {spec.filename: spec for spec in FILES}
BY_STEM: dict[str, FileSpec] = {spec.stem: spec for spec in FILES}

# Written by export only (derived by the dashboard); import skips it silently.
THEMES_FILENAME = "themes.csv"
THEMES_COLUMNS = ("theme", "keywords", "feedback_count")
EXPORT_ONLY_FILES = frozenset({THEMES_FILENAME})

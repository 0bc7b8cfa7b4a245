"""One pairing's story: the two people, the contract, check-ins, milestones, notes, flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from tandem.competencies import overlap, parse_list
from tandem.milestones import STATUS_LABELS, milestone_status_expr
from tandem.models import (
    AuditEntry,
    CheckIn,
    Cohort,
    Feedback,
    Flag,
    Milestone,
    Pairing,
    PairingHealth,
    Person,
)
from tandem.queries.sql import read_frame

PERSON_FIELDS = (
    "person_id",
    "name",
    "title",
    "level",
    "division",
    "function",
    "geography",
    "strengths",
    "development_goals",
    "learning_style",
)


@dataclass(frozen=True)
class PairingStory:
    pairing: dict[str, Any]
    cohort: dict[str, Any] | None
    mentor: dict[str, Any]
    mentee: dict[str, Any]
    health: dict[str, Any] | None

    @property
    def mentor_covers(self) -> list[str]:
        """The mentee's development goals that are among the mentor's strengths."""
        return overlap(self.mentor.get("strengths"), self.mentee.get("development_goals"))

    @property
    def mentee_covers(self) -> list[str]:
        """The reciprocal direction: mentor's goals the mentee can teach."""
        return overlap(self.mentee.get("strengths"), self.mentor.get("development_goals"))

    @property
    def goals_uncovered(self) -> list[str]:
        covered = {item.lower() for item in self.mentor_covers}
        goals = parse_list(self.mentee.get("development_goals"))
        return [goal for goal in goals if goal.lower() not in covered]


def _row(connection: Any, statement: Any) -> dict[str, Any] | None:
    row = connection.execute(statement).mappings().first()
    return dict(row) if row is not None else None


def pairing_story(engine: Engine, pairing_id: str) -> PairingStory | None:
    """Everything about one pairing except its time series; None if it does not exist."""
    people_columns = [getattr(Person, name) for name in PERSON_FIELDS]
    with engine.connect() as connection:
        pairing = _row(connection, select(Pairing).where(Pairing.pairing_id == pairing_id))
        if pairing is None:
            return None
        cohort = None
        if pairing["cohort_id"]:
            cohort = _row(
                connection, select(Cohort).where(Cohort.cohort_id == pairing["cohort_id"])
            )
        mentor = _row(
            connection, select(*people_columns).where(Person.person_id == pairing["mentor_id"])
        )
        mentee = _row(
            connection, select(*people_columns).where(Person.person_id == pairing["mentee_id"])
        )
        health = _row(
            connection, select(PairingHealth).where(PairingHealth.pairing_id == pairing_id)
        )
    assert mentor is not None and mentee is not None  # foreign keys guarantee both
    return PairingStory(pairing, cohort, mentor, mentee, health)


def pairing_checkins(engine: Engine, pairing_id: str) -> pd.DataFrame:
    statement = (
        select(
            CheckIn.checkin_id,
            CheckIn.date,
            CheckIn.duration_minutes,
            CheckIn.submitted_by,
            CheckIn.clarity,
            CheckIn.confidence,
            CheckIn.influence,
            CheckIn.safety,
            CheckIn.mentor_learning,
        )
        .where(CheckIn.pairing_id == pairing_id)
        .order_by(CheckIn.date, CheckIn.checkin_id)
    )
    return read_frame(engine, statement)


def pairing_milestones(engine: Engine, pairing_id: str, today: dt.date) -> pd.DataFrame:
    statement = (
        select(
            Milestone.milestone_id,
            Milestone.title,
            Milestone.success_criteria,
            Milestone.due_date,
            Milestone.completed_date,
            milestone_status_expr(today).label("status"),
        )
        .where(Milestone.pairing_id == pairing_id)
        .order_by(Milestone.due_date, Milestone.milestone_id)
    )
    with engine.connect() as connection:
        frame = read_frame(connection, statement)
    frame["status_label"] = frame["status"].map(STATUS_LABELS).fillna(frame["status"])
    return frame


def pairing_feedback(
    engine: Engine, pairing_id: str, *, include_private: bool, shareable_only: bool = False
) -> pd.DataFrame:
    """The pairing's notes the viewer may see: private ones only when ``include_private``,
    and only ``shareable`` ones when ``shareable_only`` (presenter mode)."""
    statement = (
        select(
            Feedback.feedback_id,
            Feedback.date,
            Feedback.source,
            Feedback.author_role,
            Feedback.visibility,
            Feedback.text,
        )
        .where(Feedback.pairing_id == pairing_id)
        .order_by(Feedback.date.desc(), Feedback.feedback_id)
    )
    if shareable_only:
        statement = statement.where(Feedback.visibility == "shareable")
    elif not include_private:
        statement = statement.where(Feedback.visibility != "private")
    return read_frame(engine, statement)


def all_person_names(engine: Engine) -> list[str]:
    """Every name in the program, for redacting quotes."""
    with engine.connect() as connection:
        return [str(name) for name in connection.execute(select(Person.name)).scalars()]


def private_note_count(engine: Engine, pairing_id: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(Feedback)
                .where(Feedback.pairing_id == pairing_id, Feedback.visibility == "private")
            ).scalar_one()
        )


def pairing_flags(engine: Engine, pairing_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pairing's flags and their change history (from the audit log)."""
    with engine.connect() as connection:
        flags = read_frame(
            connection,
            select(
                Flag.flag_id,
                Flag.raised_at,
                Flag.raised_by,
                Flag.reason,
                Flag.status,
                Flag.owner,
                Flag.note,
                Flag.resolved_at,
                Flag.resolution,
            )
            .where(Flag.pairing_id == pairing_id)
            .order_by(Flag.raised_at.desc()),
        )
        history = pd.DataFrame(columns=["at", "actor", "action", "entity_id"])
        if not flags.empty:
            history = read_frame(
                connection,
                select(AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.entity_id)
                .where(
                    AuditEntry.entity == "flag",
                    AuditEntry.entity_id.in_(flags["flag_id"].tolist()),
                )
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
            )
    return flags, history

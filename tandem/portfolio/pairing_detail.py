"""One pairing's story: the two people, the contract, check-ins, milestones, notes, flags.

Every function takes the viewer's ``Scope``: a pairing outside a lead's cohorts
raises ``OutOfScope`` (the page says so instead of telling its story), and the
notes obey the rules of confidentiality here, not on the screen: ``private``
text is never returned to anyone (only counted), and a room (presenting) gets
``shareable`` notes only, with people's names redacted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from tandem.access.redaction import people_index, redact
from tandem.access.scope import OutOfScope, Scope
from tandem.program.competencies import overlap, parse_list
from tandem.program.derived_tables import PairingHealth
from tandem.program.milestones import STATUS_LABELS, milestone_status_expr
from tandem.program.models import (
    AuditEntry,
    CheckIn,
    Cohort,
    Feedback,
    Flag,
    Milestone,
    Pairing,
    Person,
)
from tandem.program.sql import read_frame

# Visibilities whose text a viewer may read on a pairing's page: never "private".
READABLE_VISIBILITIES = ("program", "shareable")
WITHHELD_TITLE = "(milestone)"

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


def pairing_story(engine: Engine, pairing_id: str, scope: Scope) -> PairingStory | None:
    """Everything about one pairing except its time series; None if it does not exist.

    Raises ``OutOfScope`` when it exists outside ``scope``.
    """
    people_columns = [getattr(Person, name) for name in PERSON_FIELDS]
    with engine.connect() as connection:
        pairing = _row(connection, select(Pairing).where(Pairing.pairing_id == pairing_id))
        if pairing is None:
            return None
        if not scope.allows(pairing["cohort_id"]):
            raise OutOfScope()
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


def pairing_checkins(engine: Engine, pairing_id: str, scope: Scope) -> pd.DataFrame:
    scope.require_pairing(engine, pairing_id)
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


def pairing_milestones(
    engine: Engine, pairing_id: str, today: dt.date, scope: Scope
) -> pd.DataFrame:
    """The pairing's milestones; presenting, their free text (title, criteria) is withheld."""
    scope.require_pairing(engine, pairing_id)
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
    if scope.presenting:
        frame = frame.assign(title=WITHHELD_TITLE, success_criteria=None)
    return frame


def pairing_feedback(engine: Engine, pairing_id: str, scope: Scope) -> pd.DataFrame:
    """The pairing's notes a viewer may read: never ``private`` ones; presenting, only
    ``shareable`` ones, with people's names redacted."""
    scope.require_pairing(engine, pairing_id)
    shown = ("shareable",) if scope.presenting else READABLE_VISIBILITIES
    statement = (
        select(
            Feedback.feedback_id,
            Feedback.date,
            Feedback.source,
            Feedback.author_role,
            Feedback.visibility,
            Feedback.text,
        )
        .where(Feedback.pairing_id == pairing_id, Feedback.visibility.in_(shown))
        .order_by(Feedback.date.desc(), Feedback.feedback_id)
    )
    frame = read_frame(engine, statement)
    if scope.presenting and not frame.empty:
        index = people_index(engine)
        frame = frame.assign(text=[redact(text or "", index) for text in frame["text"]])
    return frame


def private_note_count(engine: Engine, pairing_id: str, scope: Scope) -> int:
    """How many private notes the pairing has (their text stays with the pair)."""
    scope.require_pairing(engine, pairing_id)
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(Feedback)
                .where(Feedback.pairing_id == pairing_id, Feedback.visibility == "private")
            ).scalar_one()
        )


def pairing_flags(
    engine: Engine, pairing_id: str, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pairing's flags and their change history (from the audit log)."""
    scope.require_pairing(engine, pairing_id)
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

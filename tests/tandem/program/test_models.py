"""The schema's own rules: codes with words, defaults, constraints, cascades."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError

from tandem.program import models
from tandem.program.db import transaction
from tandem.program.models import CheckIn, Pairing, Person, utcnow
from tests.factories import small_program


def test_every_code_has_words_and_the_life_stages_cover_the_statuses() -> None:
    pairs = [
        (models.PAIRING_STATUSES, models.PAIRING_STATUS_LABELS),
        (models.PAIRING_KINDS, models.KIND_LABELS),
        (models.PROGRAM_TYPES, models.PROGRAM_TYPE_LABELS),
        (models.MILESTONE_STATUSES, models.MILESTONE_STATUS_LABELS),
        (models.FEEDBACK_SOURCES, models.SOURCE_LABELS),
        (models.AUTHOR_ROLES, models.AUTHOR_ROLE_LABELS),
        (models.VISIBILITIES, models.VISIBILITY_LABELS),
        (models.FLAG_REASONS, models.FLAG_REASON_LABELS),
        (models.FLAG_STATUSES, models.FLAG_STATUS_LABELS),
        (models.PARTICIPANT_ROLES, models.PARTICIPANT_ROLE_LABELS),
    ]
    for codes, labels in pairs:
        assert set(labels) == set(codes)
    assert set(models.OPEN_STATUSES) | set(models.CLOSED_STATUSES) == set(models.PAIRING_STATUSES)
    assert not set(models.OPEN_STATUSES) & set(models.CLOSED_STATUSES)
    assert models.DEFAULT_KIND in models.PAIRING_KINDS
    assert models.DEFAULT_VISIBILITY in models.VISIBILITIES


def test_utcnow_is_naive_utc() -> None:
    now = utcnow()
    assert now.tzinfo is None
    assert abs(now - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(seconds=5)


def test_a_person_cannot_mentor_themself(engine: Engine) -> None:
    small_program(engine)
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(
            Pairing(
                pairing_id="self",
                mentor_id="p1",
                mentee_id="p1",
                status="active",
                start_date=dt.date(2026, 1, 1),
            )
        )


def test_defaults_apply_and_a_pairings_rows_go_with_it(engine: Engine) -> None:
    small_program(engine)
    with transaction(engine) as session:
        session.add(Person(person_id="p9", name="New", level=3, division="Risk", geography="UK"))
    with transaction(engine) as session:
        assert session.get(Person, "p9").max_mentees == models.DEFAULT_MAX_MENTEES  # type: ignore[union-attr]
        assert session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.pairing_id == "x1")
        )
        session.execute(delete(Pairing).where(Pairing.pairing_id == "x1"))
    with transaction(engine) as session:
        assert not session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.pairing_id == "x1")
        )

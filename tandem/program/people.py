"""People as pairings need them: a pairing's mentor and mentee joined by name (what
every list of pairings shows), and the reporting line above a person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from tandem.program.models import Pairing, Person


class PairingPeople:
    """The two people of the pairings in one statement (its own aliases: one per statement).

    ``columns`` are the mentor's and mentee's names and ids, labelled ``mentor``,
    ``mentee``, ``mentor_id``, ``mentee_id``; join with
    ``.join(people.mentor, people.mentor_on).join(people.mentee, people.mentee_on)``.
    """

    def __init__(self) -> None:
        self.mentor: Any = aliased(Person, name="mentor")
        self.mentee: Any = aliased(Person, name="mentee")

    @property
    def columns(self) -> tuple[Any, ...]:
        return (
            self.mentor.name.label("mentor"),
            self.mentee.name.label("mentee"),
            Pairing.mentor_id,
            Pairing.mentee_id,
        )

    @property
    def mentor_on(self) -> ColumnElement[bool]:
        return self.mentor.person_id == Pairing.mentor_id

    @property
    def mentee_on(self) -> ColumnElement[bool]:
        return self.mentee.person_id == Pairing.mentee_id


def managers_above(session: Session, person_id: str) -> list[str]:
    """The reporting line above ``person_id``, nearest first (stops at a cycle); read
    inside the caller's transaction, so a write checks the line as it stands."""
    chain: list[str] = []
    seen = {person_id}
    current = session.execute(
        select(Person.manager_id).where(Person.person_id == person_id)
    ).scalar_one_or_none()
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = session.execute(
            select(Person.manager_id).where(Person.person_id == current)
        ).scalar_one_or_none()
    return chain

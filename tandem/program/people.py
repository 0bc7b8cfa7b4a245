"""A pairing's mentor and mentee, joined by name: what every list of pairings shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased

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

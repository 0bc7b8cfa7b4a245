"""People as pairings need them (``tandem.program.people``): a pairing's two people by name,
and the reporting line above someone."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tandem.program.bulk import upsert
from tandem.program.models import Pairing, Person
from tandem.program.people import PairingPeople, managers_above
from tests.factories import person, small_program


def test_a_pairing_with_its_mentor_and_mentee_by_name(engine: Engine) -> None:
    small_program(engine)
    people = PairingPeople()
    statement = (
        select(Pairing.pairing_id, *people.columns)
        .join(people.mentor, people.mentor_on)
        .join(people.mentee, people.mentee_on)
        .order_by(Pairing.pairing_id)
    )
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(statement)]
    assert rows == [
        ("x1", "Zoë Ångström", "José Nuñez", "p1", "p2"),
        ("x2", "Nguyễn Thị Hoa", "Smith, Alex", "p3", "p4"),
    ]


def test_managers_above_nearest_first_and_a_cycle_stops(engine: Engine) -> None:
    with engine.begin() as connection:
        rows = [
            person("ceo", "Ceo", 8),
            person("vp", "Vp", 6, manager_id="ceo"),
            person("ic", "Ic", 2, manager_id="vp"),
            # Bad data: a and b manage each other.
            person("a", "A", 3, manager_id="b"),
            person("b", "B", 3, manager_id="a"),
        ]
        # Everyone first, then the managers (the foreign key wants them to exist).
        table = Person.__table__
        upsert(connection, table, [{**r, "manager_id": None} for r in rows])  # type: ignore[arg-type]
        upsert(connection, table, rows, update_columns=["manager_id"])  # type: ignore[arg-type]
    with Session(engine) as session:
        assert managers_above(session, "ic") == ["vp", "ceo"]
        assert managers_above(session, "ceo") == []
        assert managers_above(session, "a") == ["b"]
        assert managers_above(session, "nobody") == []

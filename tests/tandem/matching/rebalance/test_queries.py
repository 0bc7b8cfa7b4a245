"""Queries around the rebalancing plan: loads, open pairings, names, the data fingerprint."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, select, update

from tandem.access import EVERYTHING
from tandem.access.privacy import presenter_key
from tandem.matching import accept_suggestion, compute_rebalance, set_pinned
from tandem.matching.rebalance.queries import (
    data_fingerprint,
    mentor_loads,
    open_pairings,
    open_pairings_page,
    person_names,
)
from tandem.matching.rules import LOAD_STATUSES
from tandem.program.bulk import upsert
from tandem.program.bundle import import_bundle
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import Pairing, Person
from tandem.program.settings import put_setting
from tests.factories import TODAY

SAMPLE_BUNDLE = Path(__file__).resolve().parents[4] / "data" / "sample_bundle"


def independent_loads(engine: Engine) -> tuple[Counter[str], dict[str, int], dict[str, str]]:
    with engine.connect() as connection:
        pairings = connection.execute(select(Pairing.mentor_id, Pairing.status)).all()
        people = connection.execute(select(Person.person_id, Person.max_mentees, Person.name)).all()
    load = Counter(mentor for mentor, status in pairings if status in LOAD_STATUSES)
    return load, {p: c for p, c, _ in people}, {p: n for p, _, n in people}


def test_mentor_loads_cover_the_asked_and_every_overloaded_mentor(engine) -> None:  # type: ignore[no-untyped-def]
    import_bundle(engine, SAMPLE_BUNDLE)
    load, capacity, names = independent_loads(engine)
    overloaded = {p for p in capacity if load[p] > capacity[p]}
    assert overloaded  # the sample has an overloaded mentor
    asked = {"p004", "p008"}
    frame = mentor_loads(engine, asked)
    assert set(frame["person_id"]) == asked | overloaded
    for row in frame.itertuples():
        assert row.load == load[row.person_id]
        assert row.max_mentees == capacity[row.person_id]
        assert row.name == names[row.person_id]
    assert list(frame["name"]) == sorted(frame["name"])


def test_mentor_loads_on_an_empty_database(engine) -> None:  # type: ignore[no-untyped-def]
    frame = mentor_loads(engine, ["nobody"])
    assert frame.empty and list(frame.columns) == ["person_id", "name", "max_mentees", "load"]


def test_open_pairings_are_the_movable_ones_in_scope(engine) -> None:  # type: ignore[no-untyped-def]
    import_bundle(engine, SAMPLE_BUNDLE)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Pairing.pairing_id, Pairing.status, Pairing.cohort_id)
        ).all()
    movable = {p for p, status, _ in rows if status in ("active", "paused")}
    everything = open_pairings(engine)
    assert set(everything["pairing_id"]) == movable
    assert len(everything) == len(movable)
    cohort = next(c for p, s, c in rows if p in movable and c)
    mine = open_pairings(engine, (cohort,))
    assert set(mine["pairing_id"]) == {p for p, s, c in rows if p in movable and c == cohort}
    _, _, names = independent_loads(engine)
    for row in everything.itertuples():
        assert row.mentor == names[row.mentor_id] and row.mentee == names[row.mentee_id]


def test_open_pairings_page_is_a_page_of_the_search(engine) -> None:  # type: ignore[no-untyped-def]
    import_bundle(engine, SAMPLE_BUNDLE)
    every = open_pairings(engine)
    assert len(every) > 5
    total, first = open_pairings_page(engine, size=3)
    assert total == len(every)
    assert first.equals(every.head(3))
    total, last = open_pairings_page(engine, page=99, size=3)  # past the end: the last page
    assert last.equals(every.iloc[(total - 1) // 3 * 3 :].reset_index(drop=True))
    # every word, ignoring case, in the pairing id, cohort, mentee or mentor
    row = every.iloc[len(every) // 2]
    word = str(row["mentee"]).split()[0]
    expected = every[
        every[["pairing_id", "cohort", "mentee", "mentor"]]
        .fillna("")
        .apply(lambda r: any(word.casefold() in str(v).casefold() for v in r), axis=1)
    ]
    total, found = open_pairings_page(engine, search=f"  {word.upper()} ", size=100)
    assert total == len(expected) and list(found["pairing_id"]) == list(expected["pairing_id"])
    total, found = open_pairings_page(engine, search=f"{word} {row['pairing_id']}")
    assert total == 1 and list(found["pairing_id"]) == [row["pairing_id"]]
    # names are not searched when they are shown as pseudonyms
    if word.casefold() not in f"{row['pairing_id']} {row['cohort']}".casefold():
        total, found = open_pairings_page(
            engine, search=row["pairing_id"] + " " + word, search_names=False
        )
        assert total == 0 and found.empty
    # wildcards are searched as text
    assert open_pairings_page(engine, search="%")[0] == 0
    assert open_pairings_page(engine, search="_")[0] == 0
    # only the kept ones, in scope
    kept = [every.iloc[0]["pairing_id"], every.iloc[-1]["pairing_id"], "no-such-pairing"]
    total, found = open_pairings_page(engine, only=kept)
    assert total == 2 and list(found["pairing_id"]) == kept[:2]
    assert open_pairings_page(engine, only=[])[0] == 0
    cohort = every.iloc[0]["cohort_id"]
    total, found = open_pairings_page(engine, [cohort], only=kept)
    assert list(found["pairing_id"]) == [
        p for p in kept[:2] if p in set(every[every["cohort_id"] == cohort]["pairing_id"])
    ]


def test_person_names_skip_unknown_ids_and_handle_long_lists(engine) -> None:  # type: ignore[no-untyped-def]
    import_bundle(engine, SAMPLE_BUNDLE)
    _, _, names = independent_loads(engine)
    asked = list(names) + [f"ghost-{i}" for i in range(2_000)]
    assert person_names(engine, asked) == names


def test_the_fingerprint_changes_with_every_input_of_the_plan(engine) -> None:  # type: ignore[no-untyped-def]
    import_bundle(engine, SAMPLE_BUNDLE)
    seen = [data_fingerprint(engine)]
    assert data_fingerprint(engine) == seen[0]  # nothing changed, same value

    first = compute_rebalance(engine).suggestions[0]
    accept_suggestion(engine, EVERYTHING, first, "lead@example.com", today=TODAY)
    seen.append(data_fingerprint(engine))

    set_pinned(engine, EVERYTHING, "pr-001", "lead@example.com")
    seen.append(data_fingerprint(engine))

    with engine.begin() as connection:  # an unaudited write still shows in the versions
        connection.execute(
            update(Pairing)
            .where(Pairing.pairing_id == "pr-003")
            .values(version=Pairing.version + 1)
        )
    seen.append(data_fingerprint(engine))

    with engine.begin() as connection:  # a health refresh marks pairings stalled
        upsert(
            connection,
            PairingHealth.__table__,  # type: ignore[arg-type]
            [
                {
                    "pairing_id": "pr-003",
                    "health": 0.2,
                    "stalled": True,
                    "at_risk": True,
                    "reasons": "no check-in",
                    "as_of": TODAY,
                }
            ],
        )
    seen.append(data_fingerprint(engine))

    with engine.begin() as connection:  # a capacity change
        connection.execute(update(Person).where(Person.person_id == "p004").values(max_mentees=5))
    seen.append(data_fingerprint(engine))
    assert len(set(seen)) == len(seen)


def test_the_first_presenter_does_not_make_the_stored_plan_stale(engine) -> None:  # type: ignore[no-untyped-def]
    """The pseudonym key is written (and audited) the first time anyone presents;
    it is no input of a plan, so the refresh's plan stays current."""
    import_bundle(engine, SAMPLE_BUNDLE)
    before = data_fingerprint(engine)
    presenter_key(engine)
    assert data_fingerprint(engine) == before
    put_setting(engine, "privacy", {"threshold": 7}, "admin@example.com")
    assert data_fingerprint(engine) != before  # any other setting still counts

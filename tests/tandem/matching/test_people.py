"""People encoded for matching (``tandem.matching.people``): lists, codes, capacity, and
reporting lines."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from tandem.matching.people import People, load_people, split_list
from tandem.program.models import MAX_MENTEES
from tests.tandem.matching.rows import person


def test_lists_are_trimmed_case_insensitive_and_deduplicated() -> None:
    assert split_list(" Negotiation ;STRATEGY; ; negotiation") == ["negotiation", "strategy"]
    assert split_list(None) == [] and split_list("") == []


def test_reporting_line_any_depth_both_directions_and_cycles() -> None:
    people = People.from_rows(
        [
            person("ceo", 8),
            person("vp", 6, manager_id="ceo"),
            person("dir", 4, manager_id="vp"),
            person("ic", 1, manager_id="dir"),
            person("other", 5, manager_id="ceo"),
            # bad data: a cycle that does not include the walker's start
            person("x", 3, manager_id="y"),
            person("y", 3, manager_id="z"),
            person("z", 3, manager_id="y"),
        ]
    )
    i = people.index
    assert people.reporting_relation(i["dir"], i["ic"]) == "mentor is the mentee's manager"
    assert "3 levels up" in (people.reporting_relation(i["ceo"], i["ic"]) or "")
    assert "mentee is above the mentor" in (people.reporting_relation(i["ic"], i["vp"]) or "")
    assert people.reporting_relation(i["other"], i["ic"]) is None  # siblings' lines
    assert people.ancestors(i["x"]) == [i["y"], i["z"]]
    assert people.reporting_relation(i["z"], i["x"]) is not None
    assert people.reporting_relation(i["x"], i["ic"]) is None


def test_reporting_line_pairs_are_every_person_with_each_ancestor_worked_out_once() -> None:
    people = People.from_rows(
        [
            person("ceo", 8),
            person("vp", 6, manager_id="ceo"),
            person("ic", 1, manager_id="vp"),
            person("x", 3, manager_id="y"),  # a cycle stops at the first repeat
            person("y", 3, manager_id="x"),
        ]
    )
    persons, above = people.reporting_line_pairs()
    expected = {(p, a) for p in range(len(people)) for a in people.ancestors(p)}
    assert set(zip(persons.tolist(), above.tolist(), strict=True)) == expected
    assert len(persons) == len(expected)
    i = people.index
    assert (i["ic"], i["ceo"]) in expected and (i["ceo"], i["ic"]) not in expected
    # Kept on the encoded people (shared between sessions): the same arrays, read-only.
    again = people.reporting_line_pairs()
    assert again[0] is persons and again[1] is above
    assert not persons.flags.writeable and not above.flags.writeable


def test_rows_are_encoded_case_insensitively_with_capacity_in_range() -> None:
    people = People.from_rows(
        [
            person("a", 5, division="Risk", geography=" uk", max_mentees=None),
            person("b", 4, division="risk ", geography="UK", max_mentees=10_000),
            person("c", 3, division=None, geography="US", max_mentees=-3),
        ]
    )
    assert people.division.tolist() == [0, 0, -1]  # "Risk" and "risk " are one division
    assert people.geography[0] == people.geography[1] != people.geography[2]
    assert people.max_mentees.tolist() == [2, MAX_MENTEES, 0]  # missing: 2; clipped
    assert len(people) == 3 and people.index == {"a": 0, "b": 1, "c": 2}


def test_competencies_are_bitmasks_over_one_vocabulary() -> None:
    people = People.from_rows(
        [
            person("m", 5, strengths="Strategy; finance"),
            person("e", 3, development_goals="finance;coaching;FINANCE"),
        ]
    )
    assert people.strengths_of(0) == ["strategy", "finance"]
    assert people.goals_of(1) == ["finance", "coaching"]
    assert people.goal_count.tolist() == [0, 2]
    assert int(np.bitwise_and(people.strengths[0], people.goals[1]).sum()) != 0  # finance


def test_load_people_reads_everyone_in_id_order(small: Engine) -> None:
    people = load_people(small)
    assert people.ids == sorted(people.ids) == ["boss", "ic", "lead", "m1", "m2"]
    assert people.ancestors(people.index["ic"]) == [people.index["lead"], people.index["boss"]]

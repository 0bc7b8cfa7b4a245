"""The hard rules of matching (``tandem.matching.rules``): capacity, closed and open pairs,
reporting lines, and the forbidden cells of a mentee × mentor matrix."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from tandem.matching.people import load_people
from tandem.matching.rules import HardRules


def test_hard_rules_from_the_database(small: Engine) -> None:
    people = load_people(small)
    rules = HardRules.from_db(small, people)
    i = people.index
    # active + paused + proposed hold slots; completed / ended do not.
    assert rules.load[i["m1"]] == 2 and rules.load[i["m2"]] == 1
    assert rules.free_capacity()[i["m1"]] == 0
    assert (i["m2"], i["ic"]) in rules.closed_pairs and (i["m1"], i["ic"]) in rules.closed_pairs
    assert any("ended or completed" in r for r in rules.broken(i["m2"], i["ic"]))
    assert any("capacity 2" in r for r in rules.broken(i["m1"], i["ic"]))
    assert any("reporting line" in r for r in rules.broken(i["boss"], i["ic"]))
    assert rules.broken(i["ic"], i["ic"])[0] == "nobody mentors themself"
    assert rules.broken(i["m1"], i["m2"], check_capacity=False) == []
    assert rules.broken(i["m2"], i["m1"]) == ["mentor has 1 mentees, capacity 1"]

    mentees = np.array([i["ic"], i["lead"], i["ic"]])
    mentors = np.array([i["boss"], i["m1"], i["m2"], i["ic"]])
    rows, cols = rules.forbidden_pairs(mentees, mentors)
    forbidden = set(zip(rows.tolist(), cols.tolist(), strict=True))
    for row, mentee in enumerate(mentees):
        for col, mentor in enumerate(mentors):
            expected = bool(rules.broken(int(mentor), int(mentee), check_capacity=False))
            assert ((row, col) in forbidden) == expected, (row, col)

"""The demo's organisation (``tandem.program.demo.organisation``): one reporting tree of
people with unique ids and emails, drawn the same way from the same seed."""

from __future__ import annotations

from collections import Counter

import numpy as np

from tandem.program.demo import people as vocab
from tandem.program.demo.draw import stage_rng
from tandem.program.demo.organisation import (
    MAX_TENURE_YEARS,
    draw_capacity,
    draw_tenure,
    make_people,
)


def test_same_seed_same_people_and_another_seed_others() -> None:
    table, _ = make_people(5, 120)
    again, _ = make_people(5, 120)
    other, _ = make_people(6, 120)
    assert table.columns == again.columns
    assert table.columns["person_id"] != other.columns["person_id"]


def test_one_tree_under_one_head_with_managers_above_their_reports() -> None:
    table, people = make_people(5, 200)
    assert len(table) == len(people.ids) >= 200
    ids = table.columns["person_id"]
    assert len(set(ids)) == len(ids)
    assert len({e.lower() for e in table.columns["email"]}) == len(ids)
    roots = np.flatnonzero(people.manager < 0)
    assert len(roots) == 1 and people.level[roots[0]] == people.level.max()
    for person, manager in enumerate(people.manager.tolist()):
        if manager >= 0:
            assert people.level[manager] > people.level[person]
            assert manager in people.ancestors[person]
            assert table.columns["manager_id"][person] == ids[manager]


def test_a_small_program_still_staffs_every_division() -> None:
    _, people = make_people(5, 1)
    assert len(people.ids) >= len(vocab.DIVISIONS) + 12
    staffed = Counter(people.division.tolist())
    assert all(staffed[d] > 0 for d in range(len(vocab.DIVISIONS)))


def test_capacity_is_small_and_grows_with_seniority() -> None:
    level = np.repeat(np.arange(1, 9), 500)
    capacity = draw_capacity(stage_rng(3, 1), level)
    assert capacity.min() >= 0 and capacity.max() <= 6
    means = [capacity[level == lv].mean() for lv in (2, 6)]
    assert means[1] > means[0]


def test_tenure_grows_with_seniority_and_stays_inside_the_bundle_format() -> None:
    """At 87,500 people the uncapped draw gave tenures up to 98 years, which the
    bundle format refuses (0-80): the demo's own export did not import."""
    from tandem.program.bundle.spec import PEOPLE

    level = np.repeat(np.arange(1, 9), 20_000)
    tenure = draw_tenure(stage_rng(3, 1), level)
    (column,) = [c for c in PEOPLE.columns if c.name == "tenure_years"]
    assert tenure.min() >= column.minimum and tenure.max() <= MAX_TENURE_YEARS < column.maximum
    means = [tenure[level == lv].mean() for lv in (2, 7)]
    assert means[1] > means[0]

"""Rotation: a next mentor with a new perspective, sharing capacity, within the hard rules."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from tandem.matching import (
    compute_rotation,
)
from tandem.matching.config import MatchConfig
from tandem.matching.people import load_people
from tandem.matching.scoring import score
from tests.tandem.matching.rebalance.programs import (
    GOALS,
    load,
    pairing,
    person,
)


def test_rotation_brings_a_new_perspective(engine: Engine) -> None:
    load(
        engine,
        [
            person("grad", 3, development_goals="strategy;finance"),
            person("prev", 6, strengths="strategy;finance"),
            # same division and geography as prev: not a new perspective
            person("same", 6, strengths="strategy;finance", monthly_hours=20.0),
            person("fresh", 6, division="Risk", strengths="strategy"),
            person("busy", 6, division="Ops", geography="US", strengths=GOALS, max_mentees=0),
        ],
        [pairing("done", "prev", "grad", status="completed")],
    )
    [item] = compute_rotation(engine)
    assert item.mentee_id == "grad" and item.previous_mentor_ids == ["prev"]
    assert item.suggested_mentor_id == "fresh"
    assert "a new division (Risk)" in item.reasons


def test_rotation_shares_capacity_and_keeps_the_hard_rules(engine: Engine) -> None:
    load(
        engine,
        [
            person("head", 7, division="Risk"),
            person("g1", 3, development_goals="strategy", manager_id="head"),
            person("g2", 3, development_goals="strategy"),
            person("prev", 6),
            person("star", 6, division="Risk", strengths="strategy", max_mentees=1),
            person("ok", 6, division="Ops"),
        ],
        [
            pairing("d1", "prev", "g1", status="completed"),
            pairing("d2", "prev", "g2", status="completed"),
            pairing("old", "ok", "g2", status="ended"),
        ],
    )
    items = {r.mentee_id: r for r in compute_rotation(engine)}
    # head is g1's manager, ok already had g2, star has one slot, prev is a repeat
    chosen = {m: items[m].suggested_mentor_id for m in ("g1", "g2")}
    assert chosen["g1"] in {"star", "ok"} and chosen["g2"] in {"star", "head"}
    assert list(chosen.values()).count("star") <= 1
    assert items["g2"].previous_mentor_ids == ["ok", "prev"]
    # jointly optimal: no better pair of choices exists
    engine_people = load_people(engine)
    config = MatchConfig()

    def value(mentor: str, mentee: str) -> float:
        i = engine_people.index
        return float(score(engine_people, i[mentor], i[mentee], 0, config))

    best = max(
        value(a, "g1") + value(b, "g2")
        for a in ("star", "ok")
        for b in ("star", "head")
        if not (a == b == "star")
    )
    total = (items["g1"].score or 0.0) + (items["g2"].score or 0.0)
    assert total == pytest.approx(best, abs=1e-5)


def test_a_better_rotation_runner_up_names_who_gets_its_place(engine: Engine) -> None:
    generate_demo = pytest.importorskip("tandem.program.demo").generate_demo
    generate_demo(engine, pairings=200, seed=7, today=dt.date(2026, 6, 1))
    rotation = compute_rotation(engine)
    next_mentor = {r.mentee_id: r.suggested_mentor_id for r in rotation}
    better = [
        r
        for r in rotation
        if r.score is not None and r.runner_up_score is not None and r.runner_up_score > r.score
    ]
    assert better
    for r in better:
        assert r.runner_up_taken_by
        assert all(next_mentor[m] == r.runner_up_mentor_id for m in r.runner_up_taken_by)

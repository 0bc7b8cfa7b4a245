"""The match score's components, the hard rules, and the stored weights."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine

from tandem.matching.config import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    MatchConfig,
    load_match_config,
    save_match_config,
)
from tandem.matching.people import People, load_people, split_list
from tandem.matching.rules import HardRules
from tandem.matching.scoring import kind_code, match_score, score, score_components
from tandem.program.bulk import upsert
from tandem.program.schema import metadata
from tandem.program.settings import SettingsError


def person(pid: str, level: int = 3, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "person_id": pid,
        "name": f"Name {pid}",
        "level": level,
        "division": "Tech",
        "function": None,
        "geography": "UK",
        "manager_id": None,
        "tenure_years": None,
        "strengths": None,
        "development_goals": None,
        "monthly_hours": None,
        "max_mentees": 2,
    }
    row.update(extra)
    return row


def pairing(pid: str, mentor: str, mentee: str, status: str = "active", **extra: Any) -> dict:
    row = {
        "pairing_id": pid,
        "cohort_id": None,
        "mentor_id": mentor,
        "mentee_id": mentee,
        "kind": "traditional",
        "status": status,
        "start_date": dt.date(2026, 1, 1),
        "ended_date": dt.date(2026, 3, 1) if status in ("ended", "completed") else None,
        "cadence_days": 30,
    }
    row.update(extra)
    return row


TABLES = metadata.tables
CONFIG = MatchConfig()


def components(people: People, mentor: str, mentee: str, kind: str = "traditional") -> dict:
    parts = score_components(
        people, people.index[mentor], people.index[mentee], kind_code(kind), CONFIG
    )
    return {name: float(value) for name, value in parts.items()}


def test_lists_are_trimmed_case_insensitive_and_deduplicated() -> None:
    assert split_list(" Negotiation ;STRATEGY; ; negotiation") == ["negotiation", "strategy"]
    assert split_list(None) == [] and split_list("") == []


def test_skills_is_the_share_of_goals_among_the_mentors_strengths() -> None:
    people = People.from_rows(
        [
            person("m", strengths="Strategy; negotiation;Finance"),
            person("e", development_goals="strategy;Negotiation;coding;public speaking"),
            person("blank"),
        ]
    )
    assert components(people, "m", "e")["skills"] == pytest.approx(2 / 4)
    # No goals stated: neutral for every mentor.
    assert components(people, "m", "blank")["skills"] == pytest.approx(0.5)


def test_many_competencies_use_several_bitmask_words() -> None:
    vocabulary = [f"skill {i}" for i in range(150)]
    people = People.from_rows(
        [
            person("m", strengths=";".join(vocabulary[0:140:2])),
            person("e", development_goals=";".join(vocabulary[100:150])),
        ]
    )
    assert people.strengths.shape[1] == 2  # 100 distinct competencies
    # even skills 100…138 are shared: 20 of the 50 goals
    assert components(people, "m", "e")["skills"] == pytest.approx(20 / 50)
    assert sorted(people.goals_of(people.index["e"])) == sorted(vocabulary[100:150])


def test_diversity_and_breadth() -> None:
    people = People.from_rows(
        [
            person("a", division="Risk", geography="US", function="Finance", tenure_years=20),
            person("b", division="Tech", geography="US", function="Legal", tenure_years=5),
            person("c", division="tech ", geography="us ", function="finance", tenure_years=20),
            person("d"),  # Tech, UK
        ]
    )
    assert components(people, "a", "b")["diversity"] == pytest.approx(0.5)
    assert components(people, "a", "d")["diversity"] == pytest.approx(1.0)
    assert components(people, "b", "c")["diversity"] == pytest.approx(0.0)  # case-insensitive
    # tenure span 15 years saturates at 10; functions differ.
    assert components(people, "a", "b")["breadth"] == pytest.approx(1.0)
    # same tenure, same function (case-insensitive)
    assert components(people, "a", "c")["breadth"] == pytest.approx(0.0)
    # unknown tenure and function count half
    assert components(people, "a", "d")["breadth"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("kind", "good_gaps", "poor_gaps"),
    [
        ("traditional", [1, 2, 3], [0, -1, 5]),
        ("reverse", [-1, -2, -3], [0, 1, -5]),
        ("reciprocal", [-1, 0, 1], [2, -2, 4]),
        ("peer", [-1, 0, 1], [3, -3]),
    ],
)
def test_level_gap_fits_the_kind(kind: str, good_gaps: list[int], poor_gaps: list[int]) -> None:
    people = People.from_rows([person(f"L{level}", level) for level in range(1, 9)])

    def fit(gap: int) -> float:
        mentee = 1 if gap >= 0 else 8
        return components(people, f"L{mentee + gap}", f"L{mentee}", kind)["level"]

    for gap in good_gaps:
        assert fit(gap) == pytest.approx(1.0)
    for gap in poor_gaps:
        assert fit(gap) < 0.5
    # Smooth and monotone away from the band: one step outside beats two.
    low, high = {"traditional": (1, 3), "reverse": (-3, -1)}.get(kind, (-1, 1))
    assert 1.0 > fit(low - 1) > fit(low - 2) > 0.0
    assert 1.0 > fit(high + 1) > fit(high + 2) > 0.0


def test_availability_saturates() -> None:
    people = People.from_rows(
        [person(f"h{h}", monthly_hours=h) for h in (0, 2, 4, 8, 16, 40)] + [person("none")]
    )
    people_e = people.index["none"]
    values = [
        float(score_components(people, people.index[f"h{h}"], people_e, 0, CONFIG)["availability"])
        for h in (0, 2, 4, 8, 16, 40)
    ]
    assert values[0] == 0.0
    assert values == sorted(values)
    assert values[-1] > 0.99 and values[-1] - values[-2] < 0.05
    assert components(people, "none", "h0")["availability"] == pytest.approx(0.5)


def test_matrix_scoring_equals_pairwise_scoring() -> None:
    rng = np.random.default_rng(3)
    skills = [f"s{i}" for i in range(12)]
    rows = [
        person(
            f"p{i}",
            int(rng.integers(1, 9)),
            division=str(rng.choice(["A", "B", "C"])),
            geography=str(rng.choice(["X", "Y"])),
            tenure_years=float(rng.integers(0, 20)),
            monthly_hours=float(rng.integers(0, 10)),
            strengths=";".join(rng.choice(skills, 3, replace=False)),
            development_goals=";".join(rng.choice(skills, 2, replace=False)),
        )
        for i in range(20)
    ]
    people = People.from_rows(rows)
    mentees = np.arange(0, 8)
    mentors = np.arange(8, 20)
    kinds = np.array([i % 4 for i in range(8)])
    matrix = score(people, mentors[None, :], mentees[:, None], kinds[:, None], CONFIG)
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            single = score(people, int(mentor), int(mentee), int(kinds[i]), CONFIG)
            assert matrix[i, j] == pytest.approx(float(single))
    assert (matrix >= 0).all() and (matrix <= 1).all()


def test_weights_change_the_ranking() -> None:
    people = People.from_rows(
        [
            person("skilled", 5, strengths="strategy", monthly_hours=1),
            person("available", 5, monthly_hours=20),
            person("e", 3, development_goals="strategy"),
        ]
    )
    e = people.index["e"]
    skills_first = MatchConfig(weights={**DEFAULT_WEIGHTS, "skills": 1.0, "availability": 0.0})
    time_first = MatchConfig(weights={**DEFAULT_WEIGHTS, "skills": 0.0, "availability": 1.0})
    s, a = people.index["skilled"], people.index["available"]
    assert score(people, s, e, 0, skills_first) > score(people, a, e, 0, skills_first)
    assert score(people, a, e, 0, time_first) > score(people, s, e, 0, time_first)


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


@pytest.fixture
def small(engine: Engine) -> Engine:
    with engine.begin() as connection:
        upsert(
            connection,
            TABLES["people"],
            [
                person("boss", 6),
                person("lead", 4, manager_id="boss"),
                person("ic", 2, manager_id="lead", development_goals="strategy"),
                person("m1", 5, division="Risk", strengths="Strategy", max_mentees=2),
                person("m2", 5, max_mentees=1),
            ],
        )
        upsert(
            connection,
            TABLES["pairings"],
            [
                pairing("a", "m1", "lead"),
                pairing("b", "m1", "boss", status="paused"),
                pairing("c", "m2", "boss", status="proposed"),
                pairing("d", "m2", "ic", status="completed"),
                pairing("e", "m1", "ic", status="ended"),
            ],
        )
    return engine


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


def test_match_score_for_one_pair(small: Engine) -> None:
    result = match_score(small, "m1", "ic")
    assert set(result["components"]) == set(COMPONENTS)
    assert result["components"]["skills"] == 1.0
    assert 0 < result["score"] <= 1
    assert result["hard_rules_broken"]  # ended before, and m1 is full


def test_weights_are_stored_validated_and_audited(engine: Engine) -> None:
    assert load_match_config(engine) == MatchConfig()
    save_match_config(
        engine, {"weights": {"skills": 1.0}, "move_margin": 0.2}, actor="lead@example.com"
    )
    config = load_match_config(engine)
    assert config.weights["skills"] == 1.0
    assert config.weights["level"] == DEFAULT_WEIGHTS["level"]
    assert config.move_margin == 0.2
    with pytest.raises(SettingsError):
        save_match_config(engine, {"weights": {"skills": -1}}, actor="lead@example.com")
    with pytest.raises(SettingsError):
        save_match_config(
            engine, {"weights": dict.fromkeys(COMPONENTS, 0)}, actor="lead@example.com"
        )
    assert load_match_config(engine).weights["skills"] == 1.0

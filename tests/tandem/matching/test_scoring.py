"""The match score (``tandem.matching.scoring``): its components, the score matrix, the weights."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine

from tandem.matching.config import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    MatchConfig,
)
from tandem.matching.people import People
from tandem.matching.scoring import kind_code, match_score, score, score_components
from tests.tandem.matching.rows import person

CONFIG = MatchConfig()


def components(people: People, mentor: str, mentee: str, kind: str = "traditional") -> dict:
    parts = score_components(
        people, people.index[mentor], people.index[mentee], kind_code(kind), CONFIG
    )
    return {name: float(value) for name, value in parts.items()}


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


def test_match_score_for_one_pair(small: Engine) -> None:
    result = match_score(small, "m1", "ic")
    assert set(result["components"]) == set(COMPONENTS)
    assert result["components"]["skills"] == 1.0
    assert 0 < result["score"] <= 1
    assert result["hard_rules_broken"]  # ended before, and m1 is full

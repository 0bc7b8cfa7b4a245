"""Weights learned from outcomes: planted effects recovered, zero covered, privacy, adoption."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from sqlalchemy import Engine, select

from tandem.access import EVERYTHING, Scope
from tandem.cli.main import main
from tandem.matching.config import COMPONENTS, MatchConfig, load_match_config
from tandem.matching.learn import TooFewPairings, adopt_weights, learn_weights, suggest_weights
from tandem.matching.people import load_people
from tandem.matching.scoring import kind_code, score_components
from tandem.program.bulk import upsert
from tandem.program.models import AuditEntry
from tandem.program.schema import metadata
from tests.factories import person

TABLES = metadata.tables
VOCAB = ["strategy", "finance", "coaching", "ai", "sales", "design"]
#: The planted truth: what each component adds to the share of milestones done.
PLANTED = {"skills": 0.4, "diversity": 0.0, "breadth": 0.0, "level": 0.3, "availability": 0.0}
MILESTONES_EACH = 20


def _program(engine: Engine, n_pairs: int, seed: int = 5) -> None:
    """Finished pairings whose milestones depend on known components, plus noise."""
    rng = np.random.default_rng(seed)
    people = []
    for i in range(2 * n_pairs):
        people.append(
            person(
                f"p{i}",
                f"Person {i}",
                int(rng.integers(1, 9)),
                division=str(rng.choice(["A", "B", "C"])),
                geography=str(rng.choice(["EMEA", "APAC"])),
                function=str(rng.choice(["F", "G"])),
                tenure_years=float(rng.integers(0, 20)),
                strengths=";".join(rng.choice(VOCAB, 3, replace=False)),
                development_goals=";".join(rng.choice(VOCAB, 2, replace=False)),
                monthly_hours=float(rng.integers(1, 12)),
            )
        )
    cohort = {
        "cohort_id": "c1",
        "name": "c1",
        "program_type": "executive",
        "start_date": dt.date(2024, 1, 1),
        "end_date": None,
        "sponsor_id": None,
    }
    pairings = [
        {
            "pairing_id": f"x{k}",
            "cohort_id": "c1",
            "mentor_id": f"p{2 * k}",
            "mentee_id": f"p{2 * k + 1}",
            "kind": "traditional",
            "status": "completed" if k % 3 else "ended",
            "start_date": dt.date(2024, 1, 1),
            "planned_end_date": None,
            "ended_date": dt.date(2024, 12, 1),
            "cadence_days": 30,
            "objective": None,
            "version": 1,
        }
        for k in range(n_pairs)
    ]
    with engine.begin() as connection:
        upsert(connection, TABLES["people"], people)
        upsert(connection, TABLES["cohorts"], [cohort])
        upsert(connection, TABLES["pairings"], pairings)
    encoded = load_people(engine)
    mentors = np.array([encoded.index[p["mentor_id"]] for p in pairings])
    mentees = np.array([encoded.index[p["mentee_id"]] for p in pairings])
    parts = score_components(encoded, mentors, mentees, kind_code("traditional"), MatchConfig())
    share = 0.15 + sum(PLANTED[name] * parts[name] for name in COMPONENTS)
    share = np.clip(share + rng.normal(0, 0.05, n_pairs), 0, 1)
    milestones = []
    for k in range(n_pairs):
        done = rng.binomial(MILESTONES_EACH, share[k])
        for j in range(MILESTONES_EACH):
            milestones.append(
                {
                    "milestone_id": f"m{k}-{j}",
                    "pairing_id": f"x{k}",
                    "title": "t",
                    "success_criteria": None,
                    "due_date": dt.date(2024, 6, 1),
                    "completed_date": dt.date(2024, 5, 1) if j < done else None,
                    "status": None if j < done else "missed",
                }
            )
    with engine.begin() as connection:
        upsert(connection, TABLES["milestones"], milestones)


def test_planted_effects_are_recovered_and_a_null_component_covers_zero(engine: Engine) -> None:
    _program(engine, 400)
    learned = learn_weights(engine, EVERYTHING)
    assert learned.n == 400
    by_name = {f.component: f for f in learned.factors}
    for name, planted in PLANTED.items():
        factor = by_name[name]
        if factor.effect is None:
            continue
        assert factor.ci_low is not None and factor.ci_high is not None
        assert factor.ci_low <= planted <= factor.ci_high, (name, factor)
    assert by_name["skills"].clear and by_name["level"].clear
    assert by_name["diversity"].ci_low < 0 < by_name["diversity"].ci_high  # type: ignore[operator]
    suggested = learned.suggested_weights
    assert suggested["diversity"] == 0 and suggested["availability"] == 0
    assert suggested["skills"] > 0 and suggested["level"] > 0
    assert sum(suggested.values()) == pytest.approx(1, abs=1e-3)
    ratio = by_name["skills"].effect / by_name["level"].effect  # type: ignore[operator]
    assert suggested["skills"] / suggested["level"] == pytest.approx(ratio, rel=1e-2)


def test_refused_below_the_privacy_threshold(engine: Engine) -> None:
    _program(engine, 4)
    with pytest.raises(TooFewPairings, match="only 4"):
        learn_weights(engine, EVERYTHING)
    with pytest.raises(TooFewPairings):
        learn_weights(engine, Scope(cohorts=("elsewhere",)))


def test_nothing_clear_keeps_the_current_weights() -> None:
    from tandem.matching.learn import Factor

    factors = [Factor(name, 0.1, -0.2, 0.4) for name in COMPONENTS]
    current = dict(MatchConfig().weights)
    assert suggest_weights(factors, current) == current


def test_adopting_is_audited_and_the_command_line_prints_the_shape(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _program(engine, 120)
    assert main(["--database-url", db_url, "weights", "--learn", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"n", "outcome", "factors", "suggested_weights"}
    assert out["n"] == 120 and out["outcome"] == "milestones"
    assert [f["component"] for f in out["factors"]] == list(COMPONENTS)
    assert set(out["factors"][0]) == {"component", "effect", "ci_low", "ci_high"}
    before = dict(load_match_config(engine).weights)
    assert before != out["suggested_weights"]
    adopted = adopt_weights(engine, out["suggested_weights"], "admin@x")
    assert dict(adopted.weights) == pytest.approx(out["suggested_weights"])
    with engine.connect() as connection:
        actors = connection.execute(
            select(AuditEntry.actor).where(AuditEntry.entity_id == "matching")
        ).all()
    assert actors == [("admin@x",)]

"""Weights learned from outcomes: planted effects recovered, zero covered, privacy, adoption.

The command line that prints and adopts them is tested in tests/tandem/cli/test_weights.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from tandem.access import EVERYTHING, Scope
from tandem.matching.config import COMPONENTS, MatchConfig, load_match_config
from tandem.matching.learn import TooFewPairings, adopt_weights, learn_weights, suggest_weights
from tandem.program.models import AuditEntry
from tests.tandem.matching.outcomes import PLANTED, load_finished_pairings


def test_planted_effects_are_recovered_and_a_null_component_covers_zero(engine: Engine) -> None:
    load_finished_pairings(engine, 400)
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
    load_finished_pairings(engine, 4)
    with pytest.raises(TooFewPairings, match="only 4"):
        learn_weights(engine, EVERYTHING)
    with pytest.raises(TooFewPairings):
        learn_weights(engine, Scope(cohorts=("elsewhere",)))


def test_nothing_clear_keeps_the_current_weights() -> None:
    from tandem.matching.learn import Factor

    factors = [Factor(name, 0.1, -0.2, 0.4) for name in COMPONENTS]
    current = dict(MatchConfig().weights)
    assert suggest_weights(factors, current) == current


def test_adopting_is_audited(engine: Engine) -> None:
    load_finished_pairings(engine, 120)
    suggested = learn_weights(engine, EVERYTHING).suggested_weights
    before = dict(load_match_config(engine).weights)
    assert before != suggested
    adopted = adopt_weights(engine, suggested, "admin@x")
    assert dict(adopted.weights) == pytest.approx(suggested)
    with engine.connect() as connection:
        actors = connection.execute(
            select(AuditEntry.actor).where(AuditEntry.entity_id == "matching")
        ).all()
    assert actors == [("admin@x",)]

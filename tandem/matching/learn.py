"""What has predicted progress in this program: match-score components against outcomes.

Across the pairings that have run their course (``completed`` or ``ended``),
each pair's five score components (:mod:`tandem.matching.scoring`, for the
pairing's own kind) are set against an outcome:

``milestones``
    the share of its milestones done (completed, or marked done), for pairings
    with at least one milestone;
``rating_gain``
    the mean of the mentee's four ratings (clarity, confidence, influence,
    safety) at the last rated check-in minus the first, for pairings with two
    rated check-ins or more.

One ordinary least-squares regression of the outcome on all five components
at once (statsmodels) gives each component's effect *adjusted for the
others*: the change in the outcome from a component's 0 to its 1, with its
95 % confidence interval.  A component that does not vary across the
pairings cannot be estimated and is reported without an effect.

**Suggested weights**: the components whose interval lies wholly above zero,
in proportion to their effect; when none does, the current weights stand
(nothing is suggested).  A suggestion is never adopted silently: an admin
adopts it (:func:`adopt_weights`, audited like any settings change).  Below
the privacy threshold of pairings (or fewer pairings than the regression
needs) no estimate is made at all: :class:`TooFewPairings`.

This is an association in past pairings, not proof that a weight causes
progress: pairs were not matched at random.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, case, func, or_, select

from tandem.access.privacy import privacy_threshold
from tandem.access.scope import Scope
from tandem.matching.config import COMPONENTS, MatchConfig, load_match_config, save_match_config
from tandem.matching.people import People, load_people
from tandem.matching.scoring import kind_code, score_components
from tandem.program.models import CLOSED_STATUSES, CheckIn, Milestone, Pairing
from tandem.program.sql import read_frame

OUTCOMES: dict[str, str] = {
    "milestones": "share of milestones done",
    "rating_gain": "rating gain from the first to the last check-in",
}
RATINGS = ("clarity", "confidence", "influence", "safety")
#: Parameters of the regression (five components and the intercept).
PARAMETERS = len(COMPONENTS) + 1


class TooFewPairings(ValueError):
    """Too few pairings have run their course to estimate anything (privacy, or the fit)."""


@dataclass(frozen=True)
class Factor:
    component: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def clear(self) -> bool:
        """Whether the interval lies wholly above zero (a component that helped)."""
        return self.ci_low is not None and self.ci_low > 0


@dataclass(frozen=True)
class LearnedWeights:
    n: int
    outcome: str
    factors: list[Factor]
    current_weights: dict[str, float]
    suggested_weights: dict[str, float]

    @property
    def suggests_change(self) -> bool:
        return any(f.clear for f in self.factors)

    def to_json(self) -> dict[str, Any]:
        """The shape ``python -m tandem weights --learn --json`` prints."""
        return {
            "n": self.n,
            "outcome": self.outcome,
            "factors": [
                {
                    "component": f.component,
                    "effect": f.effect,
                    "ci_low": f.ci_low,
                    "ci_high": f.ci_high,
                }
                for f in self.factors
            ],
            "suggested_weights": dict(self.suggested_weights),
        }


def _closed_pairings(engine: Engine, scope: Scope) -> pd.DataFrame:
    statement = (
        select(Pairing.pairing_id, Pairing.mentor_id, Pairing.mentee_id, Pairing.kind)
        .where(Pairing.status.in_(CLOSED_STATUSES), scope.pairing_condition())
        .order_by(Pairing.pairing_id)
    )
    return read_frame(engine, statement)


def _milestone_share(engine: Engine, scope: Scope) -> pd.Series:
    # Done: completed, or marked done (the rules of tandem.portfolio's milestone_status).
    done = or_(Milestone.completed_date.is_not(None), Milestone.status == "done")
    statement = (
        select(
            Milestone.pairing_id,
            func.count().label("total"),
            func.sum(case((done, 1), else_=0)).label("done"),
        )
        .join(Pairing, Pairing.pairing_id == Milestone.pairing_id)
        .where(Pairing.status.in_(CLOSED_STATUSES), scope.pairing_condition())
        .group_by(Milestone.pairing_id)
    )
    frame = read_frame(engine, statement)
    return (frame["done"].astype(float) / frame["total"].astype(float)).set_axis(
        frame["pairing_id"]
    )


def _rating_gain(engine: Engine, scope: Scope) -> pd.Series:
    mean = sum(getattr(CheckIn, r) for r in RATINGS) / float(len(RATINGS))
    rated = [getattr(CheckIn, r).is_not(None) for r in RATINGS]
    statement = (
        select(CheckIn.pairing_id, CheckIn.date, CheckIn.checkin_id, mean.label("rating"))
        .join(Pairing, Pairing.pairing_id == CheckIn.pairing_id)
        .where(Pairing.status.in_(CLOSED_STATUSES), scope.pairing_condition(), *rated)
        .order_by(CheckIn.pairing_id, CheckIn.date, CheckIn.checkin_id)
    )
    frame = read_frame(engine, statement)
    grouped = frame.groupby("pairing_id")["rating"]
    gain = (grouped.last() - grouped.first()).astype(float)
    return gain[grouped.size() >= 2]


def learn_weights(
    engine: Engine,
    scope: Scope,
    *,
    outcome: str = "milestones",
    config: MatchConfig | None = None,
    people: People | None = None,
) -> LearnedWeights:
    """Estimate each component's effect on ``outcome`` and suggest weights (writes nothing).

    ``people``: everyone as already encoded from the same data (see
    ``tandem.matching.scoring.load_scoring_inputs``)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
    cfg = config or load_match_config(engine)
    pairings = _closed_pairings(engine, scope)
    values = (
        _milestone_share(engine, scope) if outcome == "milestones" else _rating_gain(engine, scope)
    )
    # Membership by Python sets: pandas' isin over Arrow strings is a Python loop
    # of its own (2 s of 3.5 at 50,000 pairings).
    with_outcome = set(values.index.tolist())
    pairings = pairings[[p in with_outcome for p in pairings["pairing_id"].tolist()]]
    threshold = privacy_threshold(engine)
    needed = max(threshold, PARAMETERS + 2)
    if len(pairings) < needed:
        raise TooFewPairings(
            f"only {len(pairings)} pairing(s) that have run their course have an outcome "
            f"({OUTCOMES[outcome]}); at least {needed} are needed"
        )
    if people is None:
        people = load_people(engine)
    index = people.index
    mentors = np.array([index.get(p, -1) for p in pairings["mentor_id"].tolist()], dtype=np.int64)
    mentees = np.array([index.get(p, -1) for p in pairings["mentee_id"].tolist()], dtype=np.int64)
    known = (mentors >= 0) & (mentees >= 0)
    pairings, mentors, mentees = pairings[known], mentors[known], mentees[known]
    kinds = np.array([kind_code(k) for k in pairings["kind"].tolist()], dtype=np.int64)
    parts = score_components(people, mentors, mentees, kinds, cfg)
    y = values.reindex(pairings["pairing_id"]).to_numpy(dtype=float)
    factors = _fit(parts, y)
    current = {name: float(cfg.weights[name]) for name in COMPONENTS}
    return LearnedWeights(
        n=len(y),
        outcome=outcome,
        factors=factors,
        current_weights=current,
        suggested_weights=suggest_weights(factors, current),
    )


def _fit(parts: Mapping[str, np.ndarray], y: np.ndarray) -> list[Factor]:
    """OLS of ``y`` on every component that varies; the others get no effect."""
    import statsmodels.api as sm  # imported on use: about a second, only for this estimate

    varying = [name for name in COMPONENTS if np.ptp(np.asarray(parts[name])) > 1e-9]
    factors = {name: Factor(name, None, None, None) for name in COMPONENTS}
    if varying:
        x = np.column_stack([np.asarray(parts[name], dtype=float) for name in varying])
        model = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
        interval = np.asarray(model.conf_int(alpha=0.05))
        for k, name in enumerate(varying, start=1):
            factors[name] = Factor(
                name,
                round(float(model.params[k]), 4),
                round(float(interval[k, 0]), 4),
                round(float(interval[k, 1]), 4),
            )
    return [factors[name] for name in COMPONENTS]


def suggest_weights(factors: list[Factor], current: Mapping[str, float]) -> dict[str, float]:
    """Weights in proportion to the clear positive effects (the current ones when none is)."""
    clear = {f.component: float(f.effect or 0.0) for f in factors if f.clear}
    total = sum(clear.values())
    if total <= 0:
        return {name: float(current[name]) for name in COMPONENTS}
    return {name: round(clear.get(name, 0.0) / total, 4) for name in COMPONENTS}


def adopt_weights(engine: Engine, weights: Mapping[str, float], actor: str) -> MatchConfig:
    """Make ``weights`` the matching weights (validated, audited); the rest of the config stays."""
    config = replace(
        load_match_config(engine), weights={name: float(weights[name]) for name in COMPONENTS}
    )
    save_match_config(engine, config, actor)
    return load_match_config(engine)

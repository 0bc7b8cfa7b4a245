"""The match score: one place, vectorised.

A match score says how well a *mentor* suits a *mentee* for a pairing of a
given *kind*.  It is a weighted mean of five named components, each scaled to
0–1, so the score is 0–1 as well:

``skills`` (skill complementarity)
    Share of the mentee's development goals that are among the mentor's
    strengths (';'-separated lists, trimmed, case-insensitive).  A mentee who
    stated no goals gets 0.5 from everyone: there is nothing to rank on, and a
    neutral value neither rewards nor punishes any mentor.
``diversity`` (perspective diversity)
    0.5 for a different division plus 0.5 for a different geography.
``breadth`` (experiential breadth)
    What the mentor's career adds beyond rank: 0.5 × tenure span plus 0.5 ×
    function difference.  Tenure span is ``min(|tenure_mentor − tenure_mentee|
    / tenure_scale_years, 1)``; function difference is 1 for different
    functions, 0 for the same.  An unknown tenure or function counts 0.5 (so a
    missing HR field neither helps nor hurts).  Level span is deliberately
    *not* part of breadth: it is the ``level`` component's job, and counting it
    twice would make seniority dominate.
``level`` (appropriate level gap)
    ``gap = mentor.level − mentee.level`` against the band the pairing kind
    asks for: traditional ``[1, 3]`` (mentor senior), reverse ``[−3, −1]``
    (mentor junior), reciprocal and peer ``[−1, 1]`` (near-peers).  Inside the
    band the fit is 1; outside it falls off as a Gaussian of the distance to
    the band, ``exp(−d² / (2σ²))`` with σ = ``level_sigma`` (0.75: one level
    outside → 0.41, two → 0.03).  The curve is continuous with a continuous
    slope, so a weight change never makes the ranking jump.
``availability``
    The mentor's monthly hours, saturating: ``1 − exp(−hours /
    availability_scale_hours)`` (4 h → 0.63, 8 h → 0.86, 12 h → 0.95).
    Unknown hours count 0.5.

The weights (and the few scales above) are tunable by a program lead and kept
in the ``settings`` table under the key ``"matching"`` (see
:func:`load_match_config` / :func:`save_match_config` in
:mod:`tandem.matching.config`); the defaults apply until someone changes them.

**Hard rules** are never traded against the score: see
:mod:`tandem.matching.rules`.

Scoring is vectorised: people are encoded once into numpy arrays
(:mod:`tandem.matching.people`: competency lists as 64-bit bitmask words,
categories as integer codes) and :func:`score_components` works on index arrays
of any broadcastable shape, so the same code scores one pair, a list of pairs,
or a mentee × mentor matrix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from tandem.matching.config import COMPONENTS, MatchConfig, load_match_config
from tandem.matching.people import People, load_people
from tandem.matching.rules import HardRules
from tandem.program.models import PAIRING_KINDS

KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(PAIRING_KINDS)}
# Acceptable level-gap band (mentor level − mentee level) per kind, by kind code.
LEVEL_BANDS: dict[str, tuple[int, int]] = {
    "traditional": (1, 3),
    "reverse": (-3, -1),
    "reciprocal": (-1, 1),
    "peer": (-1, 1),
}
_BAND_LO = np.array([LEVEL_BANDS[k][0] for k in PAIRING_KINDS], dtype=np.int16)
#: Positions of people (or kind codes): one, a list, or an array of any shape.
Positions = np.ndarray | Sequence[int] | int
_BAND_HI = np.array([LEVEL_BANDS[k][1] for k in PAIRING_KINDS], dtype=np.int16)


def kind_code(kind: str | None) -> int:
    """Code of a pairing kind (unknown or missing → traditional, the bundle default)."""
    return KIND_CODES.get(kind or "traditional", KIND_CODES["traditional"])


def score_components(
    people: People,
    mentors: Positions,
    mentees: Positions,
    kinds: Positions,
    config: MatchConfig,
) -> dict[str, np.ndarray]:
    """Every component (0–1) for mentor/mentee/kind position arrays, broadcast together.

    Pass ``mentees[:, None]`` and ``mentors[None, :]`` for a matrix, or three
    aligned 1-D arrays for a list of pairs.
    """
    parts, shape = _raw_components(people, mentors, mentees, kinds, config)
    return {name: np.broadcast_to(value, shape) for name, value in parts.items()}


def _raw_components(
    people: People,
    mentors: Positions,
    mentees: Positions,
    kinds: Positions,
    config: MatchConfig,
) -> tuple[dict[str, np.ndarray], tuple[int, ...]]:
    """The components in their natural shapes (a mentor-only one stays a row vector).

    Written with in-place arithmetic: on a 2,000 × 10,000 matrix every
    temporary array saved is a pass over 160 MB saved.
    """
    mentor = np.asarray(mentors, dtype=np.int64)
    mentee = np.asarray(mentees, dtype=np.int64)
    kind = np.asarray(kinds, dtype=np.int64)
    shape = np.broadcast_shapes(mentor.shape, mentee.shape, kind.shape)
    if shape == ():  # one pair: compute on 1-element arrays (in-place needs arrays)
        parts, _ = _raw_components(
            people, mentor.reshape(1), mentee.reshape(1), kind.reshape(1), config
        )
        return {name: value.reshape(()) for name, value in parts.items()}, shape

    overlap = np.zeros(np.broadcast_shapes(mentor.shape, mentee.shape), dtype=np.int16)
    for w in range(people.strengths.shape[1]):
        overlap += np.bitwise_count(people.strengths[mentor, w] & people.goals[mentee, w])
    wanted = np.asarray(people.goal_count[mentee], dtype=np.float64)
    # share = overlap / wanted; a mentee without goals gets 0.5 from everyone
    inverse = np.divide(1.0, wanted, out=np.zeros_like(wanted), where=wanted > 0)
    skills = overlap * inverse
    skills += np.where(wanted > 0, 0.0, 0.5)

    diversity = np.add(
        people.division[mentor] != people.division[mentee],
        people.geography[mentor] != people.geography[mentee],
        dtype=np.float64,
    )
    diversity *= 0.5

    span = people.tenure[mentor] - people.tenure[mentee]
    np.abs(span, out=span)
    span *= 1.0 / config.tenure_scale_years
    np.minimum(span, 1.0, out=span)
    np.nan_to_num(span, copy=False, nan=0.5)  # unknown tenure on either side
    f_mentor, f_mentee = people.function[mentor], people.function[mentee]
    span += np.where((f_mentor < 0) | (f_mentee < 0), 0.5, f_mentor != f_mentee)
    span *= 0.5
    breadth = span

    # Levels are 1–8, so the gap is −7…7: look the curve up instead of
    # evaluating exp() on every cell of a large matrix.
    gap = people.level[mentor] - people.level[mentee]
    level = _level_table(config.level_sigma)[kind, gap + 7]

    hours = people.hours[mentor]
    availability = np.where(
        np.isnan(hours),
        0.5,
        1.0 - np.exp(-np.maximum(hours, 0.0) / config.availability_scale_hours),
    )
    parts = {
        "skills": skills,
        "diversity": diversity,
        "breadth": breadth,
        "level": level,
        "availability": availability,
    }
    return {name: np.asarray(value, dtype=np.float64) for name, value in parts.items()}, shape


def _level_table(sigma: float) -> np.ndarray:
    """Level fit for every kind (rows) and gap −7…7 (columns)."""
    gaps = np.arange(-7, 8, dtype=np.int64)[None, :]
    distance = np.maximum(_BAND_LO[:, None] - gaps, 0) + np.maximum(gaps - _BAND_HI[:, None], 0)
    return np.exp(-(distance.astype(np.float64) ** 2) / (2.0 * sigma**2))


def combine(components: Mapping[str, np.ndarray], config: MatchConfig) -> np.ndarray:
    """The match score: the weighted mean of the components (0–1).

    Components may have any shapes that broadcast together.
    """
    total_weight = sum(config.weights[name] for name in COMPONENTS)
    shape = np.broadcast_shapes(*(np.shape(components[name]) for name in COMPONENTS))
    result = np.zeros(shape, dtype=np.float64)
    for name in COMPONENTS:
        weight = config.weights[name] / total_weight
        if weight == 0:
            continue
        value = components[name]
        if np.shape(value) == shape:
            result += weight * value
        else:  # a row or column vector: scale the small array, then broadcast-add
            result += np.multiply(weight, value)
    return result


def score(
    people: People,
    mentors: Positions,
    mentees: Positions,
    kinds: Positions,
    config: MatchConfig,
) -> np.ndarray:
    """The match score for broadcastable position arrays (see :func:`score_components`)."""
    parts, shape = _raw_components(people, mentors, mentees, kinds, config)
    result = combine(parts, config)
    return result if result.shape == shape else np.broadcast_to(result, shape).copy()


def pair_components(
    people: People, mentor: int, mentee: int, kind: str | int, config: MatchConfig
) -> dict[str, float]:
    """Components of one pair as plain floats, rounded for display and JSON."""
    code = kind if isinstance(kind, int) else kind_code(kind)
    parts = score_components(people, mentor, mentee, code, config)
    return {name: round(float(parts[name]), 4) for name in COMPONENTS}


def match_score(
    engine: Engine,
    mentor_id: str,
    mentee_id: str,
    kind: str = "traditional",
    *,
    config: MatchConfig | None = None,
) -> dict[str, Any]:
    """Score one mentor for one mentee (for a page or the shell): score, components, rules.

    Reads everyone (the encoding needs the whole vocabulary), so for many pairs
    use :func:`load_people` once and :func:`score` instead.
    """
    people, rules, cfg = load_scoring_inputs(engine, config)
    mentor, mentee = people.index[mentor_id], people.index[mentee_id]
    parts = score_components(people, mentor, mentee, kind_code(kind), cfg)
    broken = rules.broken(mentor, mentee)
    return {
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "kind": kind,
        "score": round(float(combine(parts, cfg)), 6),
        "components": {name: round(float(parts[name]), 4) for name in COMPONENTS},
        "hard_rules_broken": broken,
    }


def load_scoring_inputs(
    bind: Engine | Connection | Session,
    config: MatchConfig | None = None,
    *,
    people: People | None = None,
) -> tuple[People, HardRules, MatchConfig]:
    """Everyone encoded, the hard rules and the effective config, read together.

    The rules index people by position, so both come from one read; ``config``
    (the page's sliders) overrides the stored weights when given.  ``people``:
    everyone as already encoded from the same data (a page keeps one per data
    version: encoding 87,500 people takes about a second), so only the rules are read.
    """
    if people is None:
        people = load_people(bind)
    rules = HardRules.from_db(bind, people)
    return people, rules, config or load_match_config(bind)

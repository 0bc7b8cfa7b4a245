"""The match score and the hard rules of pairing: one place, vectorised.

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
:func:`load_match_config` / :func:`save_match_config`); the defaults below
apply until someone changes them.

**Hard rules** are never traded against the score (see :class:`HardRules`):

* nobody mentors themself;
* no pairing inside one reporting line, in either direction and at any depth
  (the ``manager_id`` chain is walked; a cycle in bad data stops the walk at
  the first repeated person instead of looping);
* no repeat of an ended pairing: a mentor–mentee pair that already has a
  pairing with status ``ended`` or ``completed`` is not proposed again;
* no duplicate: a pair that already has an open pairing (proposed, active,
  paused) is not proposed a second one;
* no mentor beyond ``max_mentees``.  A mentor's *load* counts every
  ``active``, ``paused`` and ``proposed`` pairing: paused pairings are
  expected to resume and proposed ones are promises made, so both hold a
  slot; ``completed`` and ``ended`` do not.

Scoring is vectorised: people are encoded once into numpy arrays (competency
lists as 64-bit bitmask words, categories as integer codes) and
:func:`score_components` works on index arrays of any broadcastable shape, so
the same code scores one pair, a list of pairs, or a mentee × mentor matrix.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from tandem.program.db import connected
from tandem.program.models import (
    CLOSED_STATUSES,
    MAX_MENTEES,
    OPEN_STATUSES,
    PAIRING_KINDS,
    Pairing,
    Person,
)
from tandem.program.settings import SettingsError, get_setting, put_setting, register_validator

SETTING_KEY = "matching"

COMPONENTS: tuple[str, ...] = ("skills", "diversity", "breadth", "level", "availability")
COMPONENT_LABELS: dict[str, str] = {
    "skills": "skill complementarity",
    "diversity": "perspective diversity",
    "breadth": "experiential breadth",
    "level": "level gap",
    "availability": "availability",
}
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 0.35,
    "diversity": 0.20,
    "breadth": 0.10,
    "level": 0.25,
    "availability": 0.10,
}

# Pairing statuses that hold a mentor slot, and those that forbid a repeat.
LOAD_STATUSES: tuple[str, ...] = OPEN_STATUSES

KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(PAIRING_KINDS)}
# Acceptable level-gap band (mentor level − mentee level) per kind, by kind code.
LEVEL_BANDS: dict[str, tuple[int, int]] = {
    "traditional": (1, 3),
    "reverse": (-3, -1),
    "reciprocal": (-1, 1),
    "peer": (-1, 1),
}
_BAND_LO = np.array([LEVEL_BANDS[k][0] for k in PAIRING_KINDS], dtype=np.int16)
_BAND_HI = np.array([LEVEL_BANDS[k][1] for k in PAIRING_KINDS], dtype=np.int16)

DEFAULT_SETTING: dict[str, Any] = {
    "weights": dict(DEFAULT_WEIGHTS),
    # Rebalancing: a pairing whose current score is below this may be moved.
    "poor_fit_threshold": 0.45,
    # Rebalancing: a move must beat staying by this much (the stay bonus).
    "move_margin": 0.05,
    "availability_scale_hours": 4.0,
    "tenure_scale_years": 10.0,
    "level_sigma": 0.75,
}


@dataclass(frozen=True)
class MatchConfig:
    """The tunable part of matching, as stored under ``settings["matching"]``."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    poor_fit_threshold: float = DEFAULT_SETTING["poor_fit_threshold"]
    move_margin: float = DEFAULT_SETTING["move_margin"]
    availability_scale_hours: float = DEFAULT_SETTING["availability_scale_hours"]
    tenure_scale_years: float = DEFAULT_SETTING["tenure_scale_years"]
    level_sigma: float = DEFAULT_SETTING["level_sigma"]

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> MatchConfig:
        """Build from a (merged) settings value, refusing nonsense with ``SettingsError``."""
        merged = {**DEFAULT_SETTING, **dict(value)}
        raw_weights = {**DEFAULT_WEIGHTS, **dict(merged.get("weights") or {})}
        weights: dict[str, float] = {}
        for name in COMPONENTS:
            weight = _number(raw_weights[name], f"weight {name!r}")
            if weight < 0:
                raise SettingsError(f"weight {name!r} must be ≥ 0, got {weight}")
            weights[name] = weight
        if sum(weights.values()) <= 0:
            raise SettingsError("at least one matching weight must be above 0")
        threshold = _number(merged["poor_fit_threshold"], "poor_fit_threshold")
        if not 0 <= threshold <= 1:
            raise SettingsError("poor_fit_threshold must be between 0 and 1")
        margin = _number(merged["move_margin"], "move_margin")
        if not 0 <= margin <= 1:
            raise SettingsError("move_margin must be between 0 and 1")
        scales = {}
        for name in ("availability_scale_hours", "tenure_scale_years", "level_sigma"):
            scales[name] = _number(merged[name], name)
            if scales[name] <= 0:
                raise SettingsError(f"{name} must be above 0")
        return cls(
            weights=weights,
            poor_fit_threshold=threshold,
            move_margin=margin,
            availability_scale_hours=scales["availability_scale_hours"],
            tenure_scale_years=scales["tenure_scale_years"],
            level_sigma=scales["level_sigma"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON value stored in the settings table."""
        value = dataclasses.asdict(self)
        value["weights"] = {name: float(self.weights[name]) for name in COMPONENTS}
        return value


def _capacity(value: Any) -> int:
    """A person's ``max_mentees`` within the format's range (default 2 when missing).

    A database filled before imports checked the range may hold any number;
    it must not overflow the solver's arrays.
    """
    if value is None:
        return 2
    return int(min(max(float(value), 0), MAX_MENTEES))


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise SettingsError(f"{what} must be a number, got {value!r}")
    return float(value)


def _validate_setting(value: dict[str, Any]) -> dict[str, Any]:
    return MatchConfig.from_dict(value).to_dict()


register_validator(SETTING_KEY, _validate_setting)


def load_match_config(bind: Engine | Connection | Session) -> MatchConfig:
    """The effective matching configuration (stored overrides over the defaults)."""
    return MatchConfig.from_dict(get_setting(bind, SETTING_KEY, DEFAULT_SETTING))


def save_match_config(engine: Engine, config: MatchConfig | Mapping[str, Any], actor: str) -> None:
    """Store the matching configuration (validated, audited, one transaction)."""
    value = config.to_dict() if isinstance(config, MatchConfig) else dict(config)
    put_setting(engine, SETTING_KEY, value, actor, default=DEFAULT_SETTING)


# --- People, encoded for vector arithmetic ------------------------------------


def split_list(text: str | None) -> list[str]:
    """A ';'-separated competency list, trimmed and lower-cased, without blanks."""
    if not text:
        return []
    seen: dict[str, None] = {}
    for item in text.split(";"):
        cleaned = " ".join(item.split()).casefold()
        if cleaned:
            seen[cleaned] = None
    return list(seen)


def _codes(values: Sequence[str | None]) -> np.ndarray:
    """Integer codes per distinct (case-insensitive) value; -1 for missing."""
    table: dict[str, int] = {}
    out = np.full(len(values), -1, dtype=np.int32)
    for i, value in enumerate(values):
        if value is None or not str(value).strip():
            continue
        key = " ".join(str(value).split()).casefold()
        out[i] = table.setdefault(key, len(table))
    return out


@dataclass
class People:
    """Everyone who can take part, as parallel numpy arrays indexed by position."""

    ids: list[str]
    names: list[str]
    level: np.ndarray  # int16
    division: np.ndarray  # int32 codes
    geography: np.ndarray  # int32 codes
    function: np.ndarray  # int32 codes, -1 unknown
    tenure: np.ndarray  # float64, nan unknown
    hours: np.ndarray  # float64, nan unknown
    max_mentees: np.ndarray  # int32
    manager: np.ndarray  # int32 position of the manager, -1 none / unknown
    strengths: np.ndarray  # (n, words) uint64 bitmask
    goals: np.ndarray  # (n, words) uint64 bitmask
    goal_count: np.ndarray  # int16
    vocabulary: list[str]
    division_names: list[str]
    geography_names: list[str]
    index: dict[str, int] = field(default_factory=dict)
    _ancestors: list[list[int]] | None = None

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {pid: i for i, pid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> People:
        """Encode person rows (keys as in the ``people`` table)."""
        rows = list(rows)
        ids = [str(r["person_id"]) for r in rows]
        index = {pid: i for i, pid in enumerate(ids)}
        strengths = [split_list(r.get("strengths")) for r in rows]
        goals = [split_list(r.get("development_goals")) for r in rows]
        vocab: dict[str, int] = {}
        for items in (*strengths, *goals):
            for item in items:
                vocab.setdefault(item, len(vocab))
        words = max(1, -(-len(vocab) // 64))

        def encode(lists: list[list[str]]) -> np.ndarray:
            out = np.zeros((len(lists), words), dtype=np.uint64)
            for i, items in enumerate(lists):
                mask = 0
                for item in items:
                    mask |= 1 << vocab[item]
                for w in range(words):
                    out[i, w] = (mask >> (64 * w)) & 0xFFFFFFFFFFFFFFFF
            return out

        divisions = [r.get("division") for r in rows]
        geographies = [r.get("geography") for r in rows]
        division_codes = _codes(divisions)
        geography_codes = _codes(geographies)
        return cls(
            ids=ids,
            names=[str(r.get("name") or r["person_id"]) for r in rows],
            level=np.array([int(r["level"]) for r in rows], dtype=np.int16),
            division=division_codes,
            geography=geography_codes,
            function=_codes([r.get("function") for r in rows]),
            tenure=np.array(
                [np.nan if r.get("tenure_years") is None else r["tenure_years"] for r in rows],
                dtype=np.float64,
            ),
            hours=np.array(
                [np.nan if r.get("monthly_hours") is None else r["monthly_hours"] for r in rows],
                dtype=np.float64,
            ),
            # Clipped to the format's range: a database filled before import checked
            # it may hold any integer, which must not overflow the solver's arrays.
            max_mentees=np.array([_capacity(r.get("max_mentees")) for r in rows], dtype=np.int32),
            manager=np.array(
                [index.get(str(r.get("manager_id")), -1) for r in rows], dtype=np.int32
            ),
            strengths=encode(strengths),
            goals=encode(goals),
            goal_count=np.array([len(g) for g in goals], dtype=np.int16),
            vocabulary=list(vocab),
            division_names=_names_by_code(divisions, division_codes),
            geography_names=_names_by_code(geographies, geography_codes),
            index=index,
        )

    # -- reporting lines -------------------------------------------------------

    def ancestors(self, person: int) -> list[int]:
        """Managers above ``person``, nearest first (a cycle stops at the first repeat)."""
        if self._ancestors is None:
            self._ancestors = self._all_ancestors()
        return self._ancestors[person]

    def _all_ancestors(self) -> list[list[int]]:
        manager = self.manager.tolist()
        result: list[list[int]] = []
        for person in range(len(manager)):
            chain: list[int] = []
            seen = {person}
            current = manager[person]
            while current >= 0 and current not in seen:
                chain.append(current)
                seen.add(current)
                current = manager[current]
            result.append(chain)
        return result

    def reporting_line_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (person, ancestor) pair as two aligned position arrays."""
        people: list[int] = []
        above: list[int] = []
        for person in range(len(self)):
            chain = self.ancestors(person)
            people.extend([person] * len(chain))
            above.extend(chain)
        return np.array(people, dtype=np.int64), np.array(above, dtype=np.int64)

    def reporting_relation(self, mentor: int, mentee: int) -> str | None:
        """Words for a reporting-line link between the two, or None when there is none."""
        up = self.ancestors(mentee)
        if mentor in up:
            depth = up.index(mentor) + 1
            if depth == 1:
                return "mentor is the mentee's manager"
            return f"mentor is above the mentee in the reporting line ({depth} levels up)"
        up = self.ancestors(mentor)
        if mentee in up:
            depth = up.index(mentee) + 1
            if depth == 1:
                return "mentee is the mentor's manager"
            return f"mentee is above the mentor in the reporting line ({depth} levels up)"
        return None

    # -- words -------------------------------------------------------------------

    def goals_of(self, person: int) -> list[str]:
        return _decode(self.goals[person], self.vocabulary)

    def strengths_of(self, person: int) -> list[str]:
        return _decode(self.strengths[person], self.vocabulary)


def _names_by_code(values: Sequence[str | None], codes: np.ndarray) -> list[str]:
    names: dict[int, str] = {}
    for value, code in zip(values, codes.tolist(), strict=True):
        if code >= 0 and code not in names:
            names[code] = str(value).strip()
    return [names[c] for c in range(len(names))]


def _decode(words: np.ndarray, vocabulary: list[str]) -> list[str]:
    out = []
    for w, word in enumerate(words.tolist()):
        bit = 0
        while word:
            if word & 1:
                out.append(vocabulary[64 * w + bit])
            word >>= 1
            bit += 1
    return out


PERSON_COLUMNS = (
    Person.person_id,
    Person.name,
    Person.level,
    Person.division,
    Person.function,
    Person.geography,
    Person.manager_id,
    Person.tenure_years,
    Person.strengths,
    Person.development_goals,
    Person.monthly_hours,
    Person.max_mentees,
)


def load_people(bind: Engine | Connection | Session) -> People:
    """Read and encode everyone (ordered by id, so positions are deterministic)."""
    statement = select(*PERSON_COLUMNS).order_by(Person.person_id)
    with connected(bind) as connection:
        rows = [dict(r._mapping) for r in connection.execute(statement)]
    return People.from_rows(rows)


# --- The score ----------------------------------------------------------------


def kind_code(kind: str | None) -> int:
    """Code of a pairing kind (unknown or missing → traditional, the bundle default)."""
    return KIND_CODES.get(kind or "traditional", KIND_CODES["traditional"])


def score_components(
    people: People,
    mentors: np.ndarray | Sequence[int] | int,
    mentees: np.ndarray | Sequence[int] | int,
    kinds: np.ndarray | Sequence[int] | int,
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
    mentors: np.ndarray | Sequence[int] | int,
    mentees: np.ndarray | Sequence[int] | int,
    kinds: np.ndarray | Sequence[int] | int,
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
    mentors: np.ndarray | Sequence[int] | int,
    mentees: np.ndarray | Sequence[int] | int,
    kinds: np.ndarray | Sequence[int] | int,
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
    people = load_people(engine)
    cfg = config or load_match_config(engine)
    mentor, mentee = people.index[mentor_id], people.index[mentee_id]
    parts = score_components(people, mentor, mentee, kind_code(kind), cfg)
    rules = HardRules.from_db(engine, people)
    broken = rules.broken(mentor, mentee)
    return {
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "kind": kind,
        "score": round(float(combine(parts, cfg)), 6),
        "components": {name: round(float(parts[name]), 4) for name in COMPONENTS},
        "hard_rules_broken": broken,
    }


# --- Hard rules -----------------------------------------------------------------


@dataclass
class HardRules:
    """What may never be proposed, in a form that masks whole score matrices.

    ``from_db`` counts each mentor's load (active + paused + proposed pairings),
    the closed pairs (ended or completed: never repeated) and the open pairs
    (never duplicated).
    """

    people: People
    load: np.ndarray  # int32 per person
    closed_pairs: set[tuple[int, int]]  # (mentor, mentee)
    open_pairs: set[tuple[int, int]]  # (mentor, mentee)

    @classmethod
    def from_db(cls, bind: Engine | Connection | Session, people: People) -> HardRules:
        load_of = np.zeros(len(people), dtype=np.int32)
        count_statement = (
            select(Pairing.mentor_id, func.count())
            .where(Pairing.status.in_(LOAD_STATUSES))
            .group_by(Pairing.mentor_id)
        )
        pairs_statement = select(Pairing.mentor_id, Pairing.mentee_id, Pairing.status).where(
            Pairing.status.in_(LOAD_STATUSES + CLOSED_STATUSES)
        )

        def run(connection: Connection | Session) -> None:
            for mentor_id, count in connection.execute(count_statement):
                position = people.index.get(mentor_id)
                if position is not None:
                    load_of[position] = count
            for mentor_id, mentee_id, status in connection.execute(pairs_statement):
                mentor, mentee = people.index.get(mentor_id), people.index.get(mentee_id)
                if mentor is None or mentee is None:
                    continue
                target = closed if status in CLOSED_STATUSES else opened
                target.add((mentor, mentee))

        closed: set[tuple[int, int]] = set()
        opened: set[tuple[int, int]] = set()
        with connected(bind) as connection:
            run(connection)
        return cls(people=people, load=load_of, closed_pairs=closed, open_pairs=opened)

    def free_capacity(self) -> np.ndarray:
        """Slots each person can still take as a mentor (never negative)."""
        return np.maximum(self.people.max_mentees - self.load, 0)

    def broken(
        self, mentor: int, mentee: int, *, check_capacity: bool = True, allow_open: bool = False
    ) -> list[str]:
        """Every hard rule a *new* pairing mentor→mentee would break, in words."""
        reasons = []
        if mentor == mentee:
            reasons.append("nobody mentors themself")
        relation = self.people.reporting_relation(mentor, mentee)
        if relation:
            reasons.append(f"same reporting line: {relation}")
        if (mentor, mentee) in self.closed_pairs:
            reasons.append("this pair already had a pairing that ended or completed")
        if not allow_open and (mentor, mentee) in self.open_pairs:
            reasons.append("this pair already has an open pairing")
        if check_capacity and self.load[mentor] >= self.people.max_mentees[mentor]:
            reasons.append(
                f"mentor has {int(self.load[mentor])} mentees, capacity "
                f"{int(self.people.max_mentees[mentor])}"
            )
        return reasons

    def forbidden_pairs(
        self, mentee_positions: np.ndarray, mentor_positions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) cells of a mentee × mentor matrix that a hard rule forbids.

        Rows are ``mentee_positions`` (a mentee may appear on several rows),
        columns ``mentor_positions``.  Covers self, reporting line (both
        directions, any depth), closed and open pairs.  Capacity is the
        caller's business: it depends on what is being freed.
        """
        n = len(self.people)
        mentee_positions = np.asarray(mentee_positions, dtype=np.int64)
        mentor_positions = np.asarray(mentor_positions, dtype=np.int64)
        column_of = np.full(n, -1, dtype=np.int64)
        column_of[mentor_positions] = np.arange(len(mentor_positions))

        persons, above = self.people.reporting_line_pairs()
        pair_mentors = [persons, above, np.arange(n)]
        pair_mentees = [above, persons, np.arange(n)]
        if self.closed_pairs or self.open_pairs:
            both = np.array(sorted(self.closed_pairs | self.open_pairs), dtype=np.int64)
            pair_mentors.append(both[:, 0])
            pair_mentees.append(both[:, 1])
        mentors = np.concatenate(pair_mentors)
        mentees = np.concatenate(pair_mentees)
        columns = column_of[mentors]
        keep = columns >= 0
        mentees, columns = mentees[keep], columns[keep]
        # A mentee may sit on several rows: expand each pair to all of them.
        row_order = np.argsort(mentee_positions, kind="stable")
        sorted_mentees = mentee_positions[row_order]
        lo = np.searchsorted(sorted_mentees, mentees, side="left")
        hi = np.searchsorted(sorted_mentees, mentees, side="right")
        count = hi - lo
        starts = np.repeat(lo, count)
        within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        return row_order[starts + within], np.repeat(columns, count)

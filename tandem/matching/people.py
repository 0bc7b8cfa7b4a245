"""People encoded once into numpy arrays, so the score is vector arithmetic.

Competency lists become 64-bit bitmask words, categories integer codes, and
the ``manager_id`` chain a list of ancestors per person (a cycle in bad data
stops the walk at the first repeated person instead of looping).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from tandem.program.db import connected
from tandem.program.models import MAX_MENTEES, Person


def _capacity(value: Any) -> int:
    """A person's ``max_mentees`` within the format's range (default 2 when missing).

    A database filled before imports checked the range may hold any number;
    it must not overflow the solver's arrays.
    """
    if value is None:
        return 2
    return int(min(max(float(value), 0), MAX_MENTEES))


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
        for upper, lower, upper_word, lower_word in (
            (mentor, mentee, "mentor", "mentee"),
            (mentee, mentor, "mentee", "mentor"),
        ):
            up = self.ancestors(lower)
            if upper in up:
                depth = up.index(upper) + 1
                if depth == 1:
                    return f"{upper_word} is the {lower_word}'s manager"
                return (
                    f"{upper_word} is above the {lower_word} in the reporting line "
                    f"({depth} levels up)"
                )
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

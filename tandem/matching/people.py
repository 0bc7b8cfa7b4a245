"""People encoded once into numpy arrays, so the score is vector arithmetic.

Competency lists become 64-bit bitmask words, categories integer codes, and
the ``manager_id`` chain a list of ancestors per person (a cycle in bad data
stops the walk at the first repeated person instead of looping).
"""

from __future__ import annotations

import itertools
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


def _split_lists(texts: Iterable[str | None]) -> list[list[str]]:
    """``split_list`` of each text, each distinct text split once (at 87,500 people
    most lists repeat: the split was a fifth of encoding everyone)."""
    done: dict[str | None, list[str]] = {}
    out = []
    for text in texts:
        items = done.get(text)
        if items is None:
            items = done[text] = split_list(text)
        out.append(items)
    return out


def _codes(values: Sequence[str | None]) -> np.ndarray:
    """Integer codes per distinct (case-insensitive) value; -1 for missing."""
    table: dict[str, int] = {}
    seen: dict[str | None, int] = {}  # each distinct raw value cleaned once
    out = np.full(len(values), -1, dtype=np.int32)
    for i, value in enumerate(values):
        code = seen.get(value)
        if code is None:
            if value is None or not str(value).strip():
                code = -1
            else:
                key = " ".join(str(value).split()).casefold()
                code = table.setdefault(key, len(table))
            seen[value] = code
        out[i] = code
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
    _reporting_pairs: tuple[np.ndarray, np.ndarray] | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {pid: i for i, pid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> People:
        """Encode person rows (keys as in the ``people`` table; a missing key is None)."""
        rows = list(rows)
        return cls.from_columns({name: [r.get(name) for r in rows] for name in PERSON_KEYS})

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence[Any]]) -> People:
        """Encode people given column by column (``PERSON_KEYS``, aligned lists): what
        ``load_people`` reads, without a mapping per person."""
        ids = [str(pid) for pid in columns["person_id"]]
        index = {pid: i for i, pid in enumerate(ids)}
        strengths = _split_lists(columns["strengths"])
        goals = _split_lists(columns["development_goals"])
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

        def numbers(values: Sequence[Any]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        divisions = list(columns["division"])
        geographies = list(columns["geography"])
        division_codes = _codes(divisions)
        geography_codes = _codes(geographies)
        return cls(
            ids=ids,
            names=[str(name or pid) for name, pid in zip(columns["name"], ids, strict=True)],
            level=np.array([int(v) for v in columns["level"]], dtype=np.int16),
            division=division_codes,
            geography=geography_codes,
            function=_codes(list(columns["function"])),
            tenure=numbers(columns["tenure_years"]),
            hours=numbers(columns["monthly_hours"]),
            # Clipped to the format's range: a database filled before import checked
            # it may hold any integer, which must not overflow the solver's arrays.
            max_mentees=np.array([_capacity(v) for v in columns["max_mentees"]], dtype=np.int32),
            manager=np.array(
                [index.get(str(m), -1) for m in columns["manager_id"]], dtype=np.int32
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
        return self._chains()[person]

    def _chains(self) -> list[list[int]]:
        """Every person's managers, nearest first, worked out once per ``People``."""
        if self._ancestors is None:
            self._ancestors = self._all_ancestors()
        return self._ancestors

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
        """Every (person, ancestor) pair as two aligned position arrays (read-only).

        Worked out once per ``People``: the Matching page encodes everyone once per
        data version and matches several times (current and saved weights), and at
        87,500 people each working-out took about half a second."""
        if self._reporting_pairs is None:
            chains = self._chains()
            people = np.repeat(
                np.arange(len(chains), dtype=np.int64), [len(chain) for chain in chains]
            )
            above = np.fromiter(itertools.chain.from_iterable(chains), dtype=np.int64)
            people.flags.writeable = False
            above.flags.writeable = False
            self._reporting_pairs = (people, above)
        return self._reporting_pairs

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


PERSON_KEYS = tuple(column.key for column in PERSON_COLUMNS)


def load_people(bind: Engine | Connection | Session) -> People:
    """Read and encode everyone (ordered by id, so positions are deterministic)."""
    statement = select(*PERSON_COLUMNS).order_by(Person.person_id)
    with connected(bind) as connection:
        rows = connection.execute(statement).all()
    values: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) or [()] * len(PERSON_KEYS)
    return People.from_columns(dict(zip(PERSON_KEYS, values, strict=True)))

"""The shared filter bar's state: what it holds, how it travels in a URL, what it selects.

Every page filters pairings the same way, so the meaning lives here once:
``Filters.clause()`` is a SQL condition on ``pairings`` that any query can add
to its WHERE, and ``to_query_params`` / ``from_query_params`` make a link
reproduce the exact view.  Parsing a URL never fails: values that do not
parse (a hand-edited or stale link) are dropped, and ``ignored`` says which.

Filters always carry the viewer's ``Scope`` (a required argument: there is no
unscoped default to forget), and ``clause()`` applies it, so every query that
takes filters shows a lead only their cohorts whatever the URL asks for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, true
from sqlalchemy.orm import aliased

from tandem.access.scope import Scope
from tandem.program.models import (
    PAIRING_KINDS,
    PAIRING_STATUSES,
    PROGRAM_TYPES,
    Cohort,
    Pairing,
    Person,
)

# Level bands as a sponsor thinks of them (spec: 1 IC … 4 director … 6 VP … 8 CEO).
LEVEL_BANDS: dict[str, tuple[int, int]] = {
    "1-3": (1, 3),
    "4-5": (4, 5),
    "6-8": (6, 8),
}
LEVEL_BAND_LABELS: dict[str, str] = {
    "1-3": "Levels 1–3 (individual contributors, managers)",
    "4-5": "Levels 4–5 (directors)",
    "6-8": "Levels 6–8 (executives)",
}

# URL parameter names: short, stable, documented in the README.
_PARAMS = {
    "cohorts": "cohort",
    "program_types": "type",
    "kinds": "kind",
    "statuses": "status",
    "divisions": "division",
    "geographies": "geo",
    "level_bands": "level",
    "date_from": "from",
    "date_to": "to",
    # Drill-downs set by clicking a chart cell on the "What works" page.
    "mentor_divisions": "mdiv",
    "mentee_divisions": "ediv",
    "level_gaps": "gap",
    "geography_match": "geomatch",
}
_CLOSED_VOCABULARIES: dict[str, Sequence[str]] = {
    "program_types": PROGRAM_TYPES,
    "kinds": PAIRING_KINDS,
    "statuses": PAIRING_STATUSES,
    "level_bands": tuple(LEVEL_BANDS),
    "level_gaps": tuple(str(gap) for gap in range(-7, 8)),
    "geography_match": ("same", "different"),
}
# Open vocabularies: the values a link may name are in the data (the filter bar's
# options, ``tandem.portfolio.portfolio.filter_options``), checked by ``keep_known``.
_OPEN_VOCABULARIES: dict[str, str] = {
    "cohorts": "cohorts",
    "divisions": "divisions",
    "geographies": "geographies",
    "mentor_divisions": "divisions",
    "mentee_divisions": "divisions",
}
URL_PARAMS = tuple(_PARAMS.values())
MAX_VALUE_LENGTH = 200
MAX_VALUES = 100


@dataclass(frozen=True)
class Filters:
    """What the viewer selected (an empty tuple means "all"), within their scope."""

    scope: Scope = field(kw_only=True)

    cohorts: tuple[str, ...] = ()
    program_types: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    divisions: tuple[str, ...] = ()
    geographies: tuple[str, ...] = ()
    level_bands: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    mentor_divisions: tuple[str, ...] = ()
    mentee_divisions: tuple[str, ...] = ()
    level_gaps: tuple[str, ...] = ()
    geography_match: tuple[str, ...] = ()
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @property
    def nothing_chosen(self) -> bool:
        """Whether the viewer chose no filter at all (their scope may still limit)."""
        return self == Filters(scope=self.scope)

    @property
    def is_empty(self) -> bool:
        """Whether these filters select every pairing: nothing chosen, no cohort scope."""
        return self.nothing_chosen and not self.scope.limited

    def to_query_params(self) -> dict[str, list[str]]:
        """URL parameters for this state (only what is set)."""
        params: dict[str, list[str]] = {}
        for name, key in _PARAMS.items():
            value = getattr(self, name)
            if isinstance(value, dt.date):
                params[key] = [value.isoformat()]
            elif value:
                params[key] = list(value)
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, Any], scope: Scope) -> Filters:
        """Rebuild the state from URL parameters, dropping what does not parse."""
        values: dict[str, Any] = {}
        ignored: list[str] = []
        for name, key in _PARAMS.items():
            raw = params.get(key)
            if raw is None:
                continue
            items = [raw] if isinstance(raw, str) else list(raw)
            items = [str(item).strip() for item in items if str(item).strip()]
            if name in ("date_from", "date_to"):
                try:
                    values[name] = dt.date.fromisoformat(items[0][:10]) if items else None
                except ValueError:
                    ignored.append(f"{key}={items[0]}")
                continue
            allowed = _CLOSED_VOCABULARIES.get(name)
            kept: list[str] = []
            for item in items[:MAX_VALUES]:
                if len(item) > MAX_VALUE_LENGTH or (allowed is not None and item not in allowed):
                    ignored.append(f"{key}={item[:40]}")
                elif item not in kept:
                    kept.append(item)
            values[name] = tuple(kept)
        if (
            values.get("date_from")
            and values.get("date_to")
            and values["date_from"] > values["date_to"]
        ):
            values["date_from"], values["date_to"] = values["date_to"], values["date_from"]
        return cls(**values, ignored=tuple(ignored), scope=scope)

    def keep_known(self, known: Mapping[str, Collection[str]]) -> Filters:
        """These filters without the values the data does not hold, each listed in ``ignored``.

        ``known`` maps an option list's name (``cohorts``, ``divisions``,
        ``geographies``) to the values the viewer may choose; a cohort outside
        the viewer's scope is not among them.  A stale or hand-edited link
        (``?cohort=nope``) so says what it ignored, like a bad ``?kind=``,
        instead of showing an empty page.  A dimension ``known`` does not
        name is kept as it is.
        """
        changes: dict[str, Any] = {}
        ignored = list(self.ignored)
        for name, vocabulary in _OPEN_VOCABULARIES.items():
            values = getattr(self, name)
            if vocabulary not in known or not values:
                continue
            allowed = set(known[vocabulary])
            kept = tuple(value for value in values if value in allowed)
            if kept != values:
                changes[name] = kept
                key = _PARAMS[name]
                ignored.extend(f"{key}={value[:40]}" for value in values if value not in allowed)
        if not changes:
            return self
        return replace(self, **changes, ignored=tuple(ignored))

    def without_ignored(self) -> Filters:
        return replace(self, ignored=())

    def clause(self) -> ColumnElement[bool]:
        """A condition on ``pairings`` selecting the pairings this state shows.

        People filters (division, geography, level band) match when either the
        mentor or the mentee qualifies: a sponsor asking about "Wealth" wants
        every pairing Wealth takes part in.  The date range keeps pairings
        that were running at any time inside it.
        """
        conditions = self._cohort_conditions(Pairing.cohort_id)
        if self.kinds:
            conditions.append(Pairing.kind.in_(self.kinds))
        if self.statuses:
            conditions.append(Pairing.status.in_(self.statuses))
        person_conditions: list[ColumnElement[bool]] = []
        person = aliased(Person)
        if self.divisions:
            person_conditions.append(person.division.in_(self.divisions))
        if self.geographies:
            person_conditions.append(person.geography.in_(self.geographies))
        if self.level_bands:
            person_conditions.append(
                or_(
                    *(
                        person.level.between(*LEVEL_BANDS[band])
                        for band in self.level_bands
                        if band in LEVEL_BANDS
                    )
                )
            )
        if person_conditions:
            conditions.append(
                or_(
                    *(
                        exists(
                            select(person.person_id).where(
                                person.person_id == role_column, *person_conditions
                            )
                        )
                        for role_column in (Pairing.mentor_id, Pairing.mentee_id)
                    )
                )
            )
        conditions.extend(self._drill_down_conditions())
        if self.date_to is not None:
            conditions.append(Pairing.start_date <= self.date_to)
        if self.date_from is not None:
            conditions.append(
                or_(Pairing.ended_date.is_(None), Pairing.ended_date >= self.date_from)
            )
        return and_(true(), *conditions)

    def cohort_clause(self, cohort_id: Any) -> ColumnElement[bool] | None:
        """These filters as a condition on a cohort id column, when they select whole
        cohorts (the scope, the cohort and programme-type choices, nothing else): for
        roll-ups stored per cohort.  None when they select within cohorts."""
        if replace(self, cohorts=(), program_types=()) != Filters(scope=self.scope):
            return None
        return and_(true(), *self._cohort_conditions(cohort_id))

    def _cohort_conditions(self, cohort_id: Any) -> list[ColumnElement[bool]]:
        """The conditions that select whole cohorts, on a cohort id column."""
        conditions: list[ColumnElement[bool]] = [self.scope.cohort_condition(cohort_id)]
        if self.cohorts:
            conditions.append(cohort_id.in_(self.cohorts))
        if self.program_types:
            # An alias, so the subquery stays its own even when the outer
            # query joins cohorts too (it would otherwise correlate away).
            cohort = aliased(Cohort)
            conditions.append(
                exists(
                    select(cohort.cohort_id).where(
                        cohort.cohort_id == cohort_id,
                        cohort.program_type.in_(self.program_types),
                    )
                )
            )
        return conditions

    def _drill_down_conditions(self) -> list[ColumnElement[bool]]:
        """Conditions on the mentor and mentee together (chart drill-downs)."""
        if not (
            self.mentor_divisions
            or self.mentee_divisions
            or self.level_gaps
            or self.geography_match
        ):
            return []
        mentor = aliased(Person)
        mentee = aliased(Person)
        pair: list[ColumnElement[bool]] = [
            mentor.person_id == Pairing.mentor_id,
            mentee.person_id == Pairing.mentee_id,
        ]
        if self.mentor_divisions:
            pair.append(mentor.division.in_(self.mentor_divisions))
        if self.mentee_divisions:
            pair.append(mentee.division.in_(self.mentee_divisions))
        if self.level_gaps:
            pair.append((mentor.level - mentee.level).in_([int(g) for g in self.level_gaps]))
        if set(self.geography_match) == {"same"}:
            pair.append(mentor.geography == mentee.geography)
        elif set(self.geography_match) == {"different"}:
            pair.append(mentor.geography != mentee.geography)
        return [exists(select(mentor.person_id).where(*pair))]

    @property
    def drill_down(self) -> Filters:
        """Only the drill-down part of this state."""
        return Filters(
            scope=self.scope,
            mentor_divisions=self.mentor_divisions,
            mentee_divisions=self.mentee_divisions,
            level_gaps=self.level_gaps,
            geography_match=self.geography_match,
        )

    def describe(self) -> str:
        """One line saying what is filtered, for captions and briefings."""
        parts: list[str] = []
        for item in fields(self):
            if item.name in ("ignored", "scope"):
                continue
            value = getattr(self, item.name)
            if isinstance(value, dt.date):
                parts.append(f"{item.name.replace('_', ' ')} {value.isoformat()}")
            elif value:
                label = item.name.replace("_", " ")
                parts.append(f"{label}: {', '.join(value)}")
        return "; ".join(parts) if parts else "all pairings"

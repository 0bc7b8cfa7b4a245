"""What the Rebalancing page reads, cached: the plan (stored or live), what it shows for
one viewer's scope, names and capacities.

For the saved weights the page reads the plan the refresh stored
(``tandem.matching.rebalance.store``) while it is current: no computation on a page
view, whatever the program's size — an outline of its suggestions (what they
are ordered, scoped, totalled and counted by) and the full suggestions of the
page of cards shown.  What a plan shows for a viewer's scope (ordered
suggestions, totals, load changes, names) is worked out once per plan and
data fingerprint and shared read-only, so a rerun only draws.

For unsaved slider weights (or when no current plan is stored) it is computed
live (``compute_rebalance(engine, config=…)``) and cached per (configuration,
data fingerprint), so moving a slider back to a value already seen is instant
and a write anywhere — by this page, another lead or the command line — yields
a fresh plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from components.ui.cache import cached_query
from components.ui.presenter import NameMask
from tandem.access import Scope
from tandem.matching import (
    LoadSummary,
    MatchConfig,
    RebalancePlan,
    RotationSuggestion,
    ShapedPlan,
    StoredOutline,
    Suggestion,
    capacities,
    cohort_names,
    compute_rebalance,
    compute_rotation,
    data_fingerprint,
    load_changes,
    load_match_config,
    load_rebalance_settings,
    load_stored_outline,
    mentor_loads,
    open_pairings,
    person_names,
    scoped_rotation,
    shape_plan,
    stored_load_summary,
    stored_suggestions,
    suggestion_frame,
    summarise_loads,
)

# What identifies a configuration (``config_key``) and a state of the data
# (``data_fingerprint``): the cache key of every plan read below.
ConfigKey = tuple[tuple[str, float], ...]
Fingerprint = tuple[Any, ...]

# Cached by components.ui.cache: any write, from anywhere, is a new data version.
# The data fingerprint they take also tells whether the stored plan is current.


@cached_query
def current_fingerprint(engine: Engine) -> Fingerprint:
    """``data_fingerprint``, once per data version: it counts and sums over pairings,
    people and the audit log, 0.05 s at 50,000 pairings, twice on every click
    otherwise."""
    return data_fingerprint(engine)


@cached_query
def saved_config(engine: Engine, fingerprint: Fingerprint) -> MatchConfig:
    return load_match_config(engine)


# Plans are shared read-only (no copy per rerun).  At 50,000 pairings unpickling
# a copy of the plan cost a second on every rerun.
@cached_query(shared=True)
def live_plan(
    engine: Engine, key: ConfigKey, fingerprint: Fingerprint, _config: MatchConfig
) -> RebalancePlan:
    # `key` identifies `_config` (which is not hashed): one entry per weights × data.
    return compute_rebalance(engine, config=_config)


@cached_query(shared=True)
def live_rotation(
    engine: Engine, key: ConfigKey, fingerprint: Fingerprint, _config: MatchConfig
) -> list[RotationSuggestion]:
    return compute_rotation(engine, config=_config)


@cached_query(shared=True)
def stored_outline(
    engine: Engine, key: ConfigKey, fingerprint: Fingerprint, _config: MatchConfig
) -> StoredOutline | None:
    # The plan the refresh stored for `_config` (identified by `key`), if current;
    # its suggestions' details are read a page of cards at a time (`stored_cards`).
    return load_stored_outline(engine, _config, fingerprint)


@cached_query
def stored_cards(
    engine: Engine,
    key: ConfigKey,
    fingerprint: Fingerprint,
    pairing_ids: tuple[str, ...],
    _config: MatchConfig,
) -> list[Suggestion]:
    return stored_suggestions(engine, _config, pairing_ids)


@cached_query
def _names(engine: Engine, ids: tuple[str, ...], fingerprint: Fingerprint) -> dict[str, str]:
    return person_names(engine, ids)


@cached_query
def rebalance_settings(engine: Engine, fingerprint: Fingerprint) -> dict[str, Any]:
    return load_rebalance_settings(engine)


def _visible(engine: Engine, scope: Scope) -> pd.DataFrame | None:
    """The open pairings in a limited scope (None: the scope is everything)."""
    return open_pairings(engine, scope.cohorts) if scope.limited else None


# What a plan shows for one scope and one state of the data, worked out once and
# shared read-only: a rerun then only draws.  Keyed by small values only; hashing
# the ~20,000 ids of a 50,000-pairing plan on every rerun cost more than drawing
# the page.
@cached_query(shared=True)
def shaped_plan(
    engine: Engine,
    key: ConfigKey,
    fingerprint: Fingerprint,
    cohorts: tuple[str, ...],
    _plan: RebalancePlan,
    _suggestions: pd.DataFrame | None,
) -> ShapedPlan:
    # `key` and `fingerprint` identify `_plan` (see `live_plan` and `stored_outline`);
    # `_suggestions`: the stored plan's outline, None for a plan computed live.
    frame = suggestion_frame(_plan.suggestions) if _suggestions is None else _suggestions
    visible = _visible(engine, Scope(cohorts))
    ids = set() if visible is None else set(visible["pairing_id"])
    return shape_plan(_plan, frame, Scope(cohorts), ids)


@dataclass(frozen=True)
class PlanView:
    """The suggestions, loads, unresolved pairings and rotation the tabs draw."""

    shaped: ShapedPlan
    #: the suggestions of a plan computed live, by pairing; None: read them from
    #: the stored plan a page at a time
    live: dict[str, Suggestion] | None
    rotation: list[RotationSuggestion]
    #: the Mentor load tab: counts over every mentor concerned, the chart's rows
    loads: LoadSummary
    #: names of the people of the load chart and the unresolved (the rotation
    #: tab reads the names of the page it shows)
    names: dict[str, str]


def _load_summary(
    engine: Engine,
    config: MatchConfig,
    scope: Scope,
    shaped: ShapedPlan,
    stored: bool,
) -> LoadSummary:
    """The Mentor load tab: in SQL from the stored suggestions, or from a live plan's."""
    if stored:
        return stored_load_summary(engine, config, scope.cohorts)
    loads = mentor_loads(engine, shaped.mentors)
    visible = _visible(engine, scope)
    if visible is not None and not loads.empty:
        loads = loads[loads["person_id"].isin(shaped.mentors | set(visible["mentor_id"]))]
    return summarise_loads(load_changes(loads, shaped.suggestions))


@cached_query(shared=True)
def plan_view(
    engine: Engine,
    key: ConfigKey,
    fingerprint: Fingerprint,
    cohorts: tuple[str, ...],
    _plan: RebalancePlan,
    _suggestions: pd.DataFrame | None,
    _rotation: list[RotationSuggestion],
    _config: MatchConfig,
) -> PlanView:
    # `_suggestions`: the stored plan's outline (the plan for `_config` the refresh
    # stored), None for a plan computed live.
    scope = Scope(cohorts)
    shaped = shaped_plan(engine, key, fingerprint, cohorts, _plan, _suggestions)
    rotation = scoped_rotation(_rotation, scope)
    loads = _load_summary(engine, _config, scope, shaped, stored=_suggestions is not None)
    people: set[str] = set(loads.drawn["person_id"])
    for u in shaped.unresolved:
        people |= {u.mentee_id, u.current_mentor_id}
    return PlanView(
        shaped=shaped,
        live=None if _suggestions is not None else {s.pairing_id: s for s in _plan.suggestions},
        rotation=rotation,
        loads=loads,
        names=person_names(engine, people),
    )


@cached_query
def mentor_capacities(
    engine: Engine, ids: tuple[str, ...], fingerprint: Fingerprint
) -> dict[str, int]:
    return capacities(engine, ids)


# --- names -----------------------------------------------------------------------------


class Names:
    """Display names of the people a section shows, masked in presenter mode."""

    def __init__(self, names: Mapping[str, str], mask: NameMask) -> None:
        self._names = names
        self._mask = mask

    def __call__(self, person_id: str | None) -> str:
        if not person_id:
            return "—"
        return self._mask.name(self._names.get(person_id, person_id), person_id)


@cached_query
def cohort_labels(engine: Engine, ids: tuple[str, ...]) -> dict[str, str]:
    return cohort_names(engine, ids)


def names_for(engine: Engine, fingerprint: Fingerprint, ids: set[str], mask: NameMask) -> Names:
    found = _names(engine, tuple(sorted(i for i in ids if i)), fingerprint)
    return Names(found, mask)

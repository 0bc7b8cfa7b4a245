"""Pure helpers that shape a rebalancing plan for the page (no database, no Streamlit).

The rules live in :mod:`tandem.matching.rules` and :mod:`tandem.matching.rebalance.plan`; this
module only scopes a plan to what a viewer may see and turns suggestions into
the small frames the charts draw, so the page stays thin and the shaping is
tested on its own.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from tandem.access.scope import Scope
from tandem.matching.config import COMPONENT_LABELS, COMPONENTS, MatchConfig
from tandem.matching.rebalance import frames
from tandem.matching.rebalance.frames import (
    LOAD_CHANGE_COLUMNS,
    LoadSummary,
)
from tandem.matching.rebalance.model import (
    RebalancePlan,
    RotationSuggestion,
    Suggestion,
    Unresolved,
)

BEFORE, AFTER = "Before", "After"
CURRENT, SUGGESTED = "Current mentor", "Suggested mentor"


def scoped_suggestions(suggestions: Iterable[Suggestion], scope: Scope) -> list[Suggestion]:
    """The suggestions whose pairing lies in the viewer's cohorts."""
    return [s for s in suggestions if scope.allows(s.cohort_id)]


def scoped_unresolved(
    unresolved: Iterable[Unresolved], scope: Scope, visible_pairing_ids: Collection[str]
) -> list[Unresolved]:
    """Unresolved pairings in scope; ``visible_pairing_ids`` are the open pairings in scope
    (an Unresolved carries no cohort, so the open-pairings query decides)."""
    if not scope.limited:
        return list(unresolved)
    return [u for u in unresolved if u.pairing_id in visible_pairing_ids]


def scoped_rotation(
    rotation: Iterable[RotationSuggestion], scope: Scope
) -> list[RotationSuggestion]:
    return [r for r in rotation if scope.allows(r.cohort_id)]


def by_gain(suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """Biggest gain first; pairing id breaks ties, so the order is stable."""
    return sorted(suggestions, key=lambda s: (-s.gain, s.pairing_id))


@dataclass(frozen=True)
class ShapedPlan:
    """A plan as one viewer's page shows it: worked out once per plan, scope and data,
    so a rerun (a click, a page of suggestions) only draws."""

    #: the suggestions in scope (``SUGGESTION_COLUMNS``), biggest gain first, then by
    #: pairing id (the order of ``by_gain``); the cards read the rest a page at a time
    suggestions: pd.DataFrame
    #: their total gain
    gain: float
    #: the unresolved pairings in scope
    unresolved: list[Unresolved]
    #: the current and suggested mentors of ``suggestions``
    mentors: frozenset[str]


def shape_plan(
    plan: RebalancePlan,
    suggestions: pd.DataFrame,
    scope: Scope,
    visible_pairing_ids: Collection[str],
) -> ShapedPlan:
    """``plan``, whose suggestions are ``suggestions`` (``suggestion_frame``), scoped to
    ``scope`` (see :func:`scoped_unresolved` for the ids) and ordered."""
    frame = suggestions
    if scope.limited:
        frame = frame[frame["cohort_id"].isin(list(scope.cohorts))]
    # Python's string order for the tie-break (as by_gain), not the database's collation.
    frame = frame.sort_values(
        ["gain", "pairing_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return ShapedPlan(
        suggestions=frame,
        gain=float(frame["gain"].sum()),
        unresolved=scoped_unresolved(plan.unresolved, scope, visible_pairing_ids),
        mentors=frozenset(frame["current_mentor_id"]) | frozenset(frame["suggested_mentor_id"]),
    )


def suggestion_key(suggestion: Suggestion) -> str:
    """Identifies a suggestion across reruns: the same move on the same pairing version."""
    s = suggestion
    return f"{s.pairing_id}|{s.suggested_mentor_id}|{s.pairing_version}"


def component_frame(suggestion: Suggestion, config: MatchConfig) -> pd.DataFrame:
    """Long frame for the grouped bars: component, side (current / suggested), value, share."""
    total = sum(config.weights[name] for name in COMPONENTS)
    rows = []
    for side, parts in (
        (CURRENT, suggestion.current_components),
        (SUGGESTED, suggestion.suggested_components),
    ):
        for name in COMPONENTS:
            rows.append(
                {
                    "component": COMPONENT_LABELS[name],
                    "side": side,
                    "value": float(parts.get(name, 0.0)),
                    "share": float(config.weights[name]) / total,
                }
            )
    return pd.DataFrame(rows, columns=["component", "side", "value", "share"])


def load_changes(loads: pd.DataFrame, suggestions: pd.DataFrame) -> pd.DataFrame:
    """Load before and after accepting every one of ``suggestions``, per mentor.

    ``loads`` has person_id, name, max_mentees, load (see
    ``tandem.matching.rebalance.queries.mentor_loads``); ``suggestions`` has
    current_mentor_id and suggested_mentor_id (``suggestion_frame``).  Returns
    one row per mentor with ``before``, ``after`` and ``max_mentees``, plus
    ``over_before`` / ``over_after`` flags; mentors whose load does not change
    and who are not overloaded are dropped (nothing to see).
    """
    columns = LOAD_CHANGE_COLUMNS
    if loads.empty:
        return pd.DataFrame(columns=columns)
    delta = (
        suggestions["suggested_mentor_id"]
        .value_counts()
        .sub(suggestions["current_mentor_id"].value_counts(), fill_value=0)
    )
    frame = loads.rename(columns={"load": "before"}).copy()
    frame["after"] = frame["before"] + frame["person_id"].map(delta).fillna(0).astype("int64")
    frame["over_before"] = frame["before"] > frame["max_mentees"]
    frame["over_after"] = frame["after"] > frame["max_mentees"]
    keep = (frame["after"] != frame["before"]) | frame["over_before"]
    return frame.loc[keep, columns].reset_index(drop=True)


def chart_load_changes(changes: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The rows of ``load_changes`` the chart draws: all of them when they are at most
    ``limit`` (default ``LOAD_CHART_MENTORS``); otherwise the ``limit`` mentors with the
    most to see — over capacity before or after first, then the biggest change — kept
    in the order of ``changes``."""
    limit = frames.LOAD_CHART_MENTORS if limit is None else limit
    if len(changes) <= limit:
        return changes
    order = pd.DataFrame(
        {
            "over": changes["over_before"] | changes["over_after"],
            "change": (changes["after"] - changes["before"]).abs(),
            "row": range(len(changes)),
        },
        index=changes.index,
    )
    top = order.sort_values(["over", "change", "row"], ascending=[False, False, True]).head(limit)
    return changes[changes.index.isin(top.index)]


def summarise_loads(changes: pd.DataFrame, limit: int | None = None) -> LoadSummary:
    """The counts of ``changes`` (``load_changes``) and its ``chart_load_changes`` rows."""
    drawn = chart_load_changes(changes, limit)
    return LoadSummary(
        concerned=len(changes),
        over_before=int(changes["over_before"].sum()),
        over_after=int(changes["over_after"].sum()),
        drawn=drawn.reset_index(drop=True),
    )


def load_long(changes: pd.DataFrame) -> pd.DataFrame:
    """``load_changes`` as one row per mentor and moment (Before / After), for grouped bars."""
    if changes.empty:
        return pd.DataFrame(columns=["person_id", "name", "max_mentees", "when", "load"])
    long = changes.melt(
        id_vars=["person_id", "name", "max_mentees"],
        value_vars=["before", "after"],
        var_name="when",
        value_name="load",
    )
    long["when"] = long["when"].map({"before": BEFORE, "after": AFTER})
    return long


#: Rows per page of the pins editor: at 50,000 pairings there are ~35,000 open
#: pairings, an editor nobody can use and that cost more to send than the plan.
PINS_PAGE_SIZE = 50


def pins_rows(
    frame: pd.DataFrame, pins: Collection[str], excludes: Collection[str]
) -> pd.DataFrame:
    """``frame`` (open pairings) with ``pinned`` and ``excluded`` columns; ``frame`` is not
    changed."""
    return frame.assign(
        pinned=frame["pairing_id"].isin(list(pins)),
        excluded=frame["pairing_id"].isin(list(excludes)),
    )

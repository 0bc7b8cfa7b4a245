"""Sections of the Rebalancing page: weights, the plan, each suggestion, loads, rotation, pins.

For the saved weights the page reads the plan the refresh stored
(``tandem.matching.rebalance_store``) while it is current: no computation on a page
view, whatever the program's size — an outline of its suggestions (what they
are ordered, scoped, totalled and counted by) and the full suggestions of the
page of cards shown.  What a plan shows for a viewer's scope (ordered
suggestions, totals, load changes, names) is worked out once per plan and
data fingerprint and shared read-only, so a rerun only draws.

For unsaved slider weights (or when no current plan is stored) it is computed
live (``compute_rebalance(engine, config=…)``) — above ``LIVE_PLAN_LIMIT``
running pairings only after the lead confirms — and cached per
(configuration, data fingerprint), so moving a
slider back to a value already seen is instant and a write anywhere — by this
page, another lead or the command line — yields a fresh plan.  Accept, decline
and save run in button callbacks: the callback receives the suggestion *as it
was drawn*, so a pairing changed in the meantime is refused by
``accept_suggestion`` instead of a newer suggestion being accepted silently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.matching.weights import weight_editor
from components.ui import notices
from components.ui.cache import cached_query
from components.ui.database import clear_caches
from components.ui.formatting import plain
from components.ui.presenter import NameMask
from tandem.access import OutOfScope, Scope, Viewer
from tandem.matching import rebalance_queries as queries
from tandem.matching import rebalance_store, rebalance_view
from tandem.matching.rebalance import (
    RebalancePlan,
    RotationSuggestion,
    Suggestion,
    SuggestionConflict,
    accept_suggestion,
    compute_rebalance,
    compute_rotation,
    decline_suggestion,
    load_rebalance_settings,
    set_excluded,
    set_pinned,
)
from tandem.matching.rebalance_store import (
    StoredOutline,
    load_stored_outline,
    stored_plan_time,
    stored_suggestions,
)
from tandem.matching.rebalance_view import (
    AFTER,
    BEFORE,
    CURRENT,
    SUGGESTED,
    LoadSummary,
    ShapedPlan,
    component_frame,
    load_changes,
    load_long,
    page_count,
    pins_rows,
    scoped_rotation,
    shape_plan,
    suggestion_frame,
    suggestion_key,
    summarise_loads,
)
from tandem.matching.scoring import MatchConfig, load_match_config
from tandem.matching.weights import config_key

PAGE_SIZE = 10
DETAIL_PAGE = "pages/pairing.py"
OUTCOME_KEY = "rb_outcome"
ACTED_KEY = "rb_acted"
PINS_OUTCOME_KEY = "rb_pins_outcome"
#: Rows of the rotation table per page.
ROTATION_PAGE_SIZE = 50
PINS_SHOWN = ["pairing_id", "cohort", "mentee", "mentor", "status", "pinned", "excluded"]
SIDE_COLOURS = {CURRENT: "#9AA5B1", SUGGESTED: "#0F6E6E"}
LOAD_COLOURS = {BEFORE: "#9AA5B1", AFTER: "#0F6E6E"}


# --- cached reads (components.ui.cache: any write, from anywhere, is a new data version) ----
# The data fingerprint they take also tells whether the stored plan is current.


@cached_query
def _saved_config(engine: Engine, fingerprint: tuple[Any, ...]) -> MatchConfig:
    return load_match_config(engine)


# Plans are shared read-only (no copy per rerun).  At 50,000 pairings unpickling
# a copy of the plan cost a second on every rerun.
@cached_query(shared=True)
def _plan(
    engine: Engine,
    key: tuple[tuple[str, float], ...],
    fingerprint: tuple[Any, ...],
    _config: MatchConfig,
) -> RebalancePlan:
    # `key` identifies `_config` (which is not hashed): one entry per weights × data.
    return compute_rebalance(engine, config=_config)


@cached_query(shared=True)
def _rotation(
    engine: Engine,
    key: tuple[tuple[str, float], ...],
    fingerprint: tuple[Any, ...],
    _config: MatchConfig,
) -> list[RotationSuggestion]:
    return compute_rotation(engine, config=_config)


@cached_query(shared=True)
def _stored(
    engine: Engine,
    key: tuple[tuple[str, float], ...],
    fingerprint: tuple[Any, ...],
    _config: MatchConfig,
) -> StoredOutline | None:
    # The plan the refresh stored for `_config` (identified by `key`), if current;
    # its suggestions' details are read a page of cards at a time (`_stored_cards`).
    return load_stored_outline(engine, _config, fingerprint)


@cached_query
def _stored_cards(
    engine: Engine,
    key: tuple[tuple[str, float], ...],
    fingerprint: tuple[Any, ...],
    pairing_ids: tuple[str, ...],
    _config: MatchConfig,
) -> list[Suggestion]:
    return stored_suggestions(engine, _config, pairing_ids)


@cached_query
def _names(engine: Engine, ids: tuple[str, ...], fingerprint: tuple[Any, ...]) -> dict[str, str]:
    return queries.person_names(engine, ids)


@cached_query
def _rebalance_settings(engine: Engine, fingerprint: tuple[Any, ...]) -> dict[str, Any]:
    return load_rebalance_settings(engine)


def _visible(engine: Engine, scope: Scope) -> pd.DataFrame | None:
    """The open pairings in a limited scope (None: the scope is everything)."""
    return queries.open_pairings(engine, scope.cohorts) if scope.limited else None


# What a plan shows for one scope and one state of the data, worked out once and
# shared read-only: a rerun then only draws.  Keyed by small values only; hashing
# the ~20,000 ids of a 50,000-pairing plan on every rerun cost more than drawing
# the page.
@cached_query(shared=True)
def _shaped(
    engine: Engine,
    key: tuple[tuple[str, float], ...],
    fingerprint: tuple[Any, ...],
    cohorts: tuple[str, ...],
    _plan: RebalancePlan,
    _suggestions: pd.DataFrame | None,
) -> ShapedPlan:
    # `key` and `fingerprint` identify `_plan` (see `_plan` and `_stored`);
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
        return rebalance_store.stored_load_summary(engine, config, scope.cohorts)
    loads = queries.mentor_loads(engine, shaped.mentors)
    visible = _visible(engine, scope)
    if visible is not None and not loads.empty:
        loads = loads[loads["person_id"].isin(shaped.mentors | set(visible["mentor_id"]))]
    return summarise_loads(load_changes(loads, shaped.suggestions))


@cached_query(shared=True)
def _view(
    engine: Engine,
    key: tuple[tuple[str, float], ...],
    fingerprint: tuple[Any, ...],
    cohorts: tuple[str, ...],
    _plan: RebalancePlan,
    _suggestions: pd.DataFrame | None,
    _rotation: list[RotationSuggestion],
    _config: MatchConfig,
) -> PlanView:
    # `_suggestions`: the stored plan's outline (the plan for `_config` the refresh
    # stored), None for a plan computed live.
    scope = Scope(cohorts)
    shaped = _shaped(engine, key, fingerprint, cohorts, _plan, _suggestions)
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
        names=queries.person_names(engine, people),
    )


@cached_query
def _capacities(
    engine: Engine, ids: tuple[str, ...], fingerprint: tuple[Any, ...]
) -> dict[str, int]:
    return queries.capacities(engine, ids)


# --- names -----------------------------------------------------------------------------


class Names:
    """Display names of the people a section shows, masked in presenter mode."""

    def __init__(self, names: Mapping[str, str], mask: NameMask) -> None:
        self._names = names
        self._mask = mask

    def __call__(self, person_id: str | None) -> str:
        if not person_id:
            return "–"
        return self._mask.name(self._names.get(person_id, person_id), person_id)


def _names_for(
    engine: Engine, fingerprint: tuple[Any, ...], ids: set[str], mask: NameMask
) -> Names:
    found = _names(engine, tuple(sorted(i for i in ids if i)), fingerprint)
    return Names(found, mask)


# --- accept / decline ------------------------------------------------------------------


def _accept(engine: Engine, scope: Scope, suggestion: Suggestion, actor: str) -> None:
    """Button callback: runs with the suggestion as it was drawn (see the module docstring)."""
    acted: dict[str, str] = st.session_state.setdefault(ACTED_KEY, {})
    key = suggestion_key(suggestion)
    if key in acted:  # a second click on a suggestion already acted on
        _report(engine, "info", "This suggestion was already handled.")
        return
    try:
        new_id = accept_suggestion(engine, scope, suggestion, actor)
    except OutOfScope as error:
        _report(engine, "error", f"Not accepted: {error}")
    except SuggestionConflict as error:
        _report(
            engine,
            "error",
            f"Not accepted: {error}. Another change reached this pairing first; "
            "the plan below has been recomputed from the current data.",
        )
    else:
        acted[key] = new_id
        _report(
            engine,
            "success",
            f"Accepted: pairing {suggestion.pairing_id} ended and the proposed pairing "
            f"{new_id} was created. Confirm it with both people before it becomes active.",
            new_id,
        )
    clear_caches()


def _decline(engine: Engine, scope: Scope, suggestion: Suggestion, actor: str) -> None:
    acted: dict[str, str] = st.session_state.setdefault(ACTED_KEY, {})
    key = suggestion_key(suggestion)
    if key in acted:
        _report(engine, "info", "This suggestion was already handled.")
        return
    try:
        decline_suggestion(engine, scope, suggestion, actor)
    except OutOfScope as error:
        _report(engine, "error", f"Not declined: {error}")
        return
    acted[key] = ""
    _report(
        engine,
        "info",
        f"Declined: this mentor will not be suggested again for pairing {suggestion.pairing_id}.",
    )
    clear_caches()


def _report(engine: Engine, kind: str, message: str, pairing_id: str | None = None) -> None:
    """Keep the result of an action for :func:`outcome_message`, with the data it left."""
    st.session_state[OUTCOME_KEY] = (
        kind,
        message,
        pairing_id,
        queries.data_fingerprint(engine),
    )


def outcome_message(fingerprint: tuple[Any, ...]) -> None:
    """The result of the last accept, decline or save.

    Shown for as long as the data is as that action left it: Streamlit may
    run the page more than once after a click, so "show once" would lose it;
    once anyone changes the data, the message is stale and goes.
    """
    outcome = st.session_state.get(OUTCOME_KEY)
    if outcome is None:
        return
    kind, message, pairing_id, seen = outcome
    if seen != fingerprint:
        del st.session_state[OUTCOME_KEY]
        return
    if kind == "success":
        st.success(plain(message), icon=":material/check_circle:")
        if pairing_id:
            st.page_link(
                DETAIL_PAGE,
                label="Open the new proposed pairing",
                icon=":material/handshake:",
                query_params={"pairing": pairing_id},
            )
    elif kind == "error":
        st.error(plain(message), icon=":material/sync_problem:")
    else:
        st.info(plain(message))


# --- charts ----------------------------------------------------------------------------


# Vega-Lite specs written out rather than built with Altair: Altair validates a
# chart against the Vega-Lite schema each time it is drawn, and with ten cards
# that was ~40 % of a warm run at 50,000 pairings (bench/findings.md).  The specs
# are what Altair produced for the same charts.


def _field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **extra}


def component_spec() -> dict[str, Any]:
    """Grouped bars: each component's value for the current and the suggested mentor.

    Draws a ``component_frame`` (component, side, value, share).
    """
    return {
        "mark": {"type": "bar"},
        "encoding": {
            "y": _field("component", "nominal", title=None, sort=None, axis={"labelLimit": 200}),
            "yOffset": _field("side", "nominal", sort=[CURRENT, SUGGESTED]),
            "x": _field("value", "quantitative", title="Component (0–1)", scale={"domain": [0, 1]}),
            "color": _field(
                "side",
                "nominal",
                title=None,
                scale={"domain": list(SIDE_COLOURS), "range": list(SIDE_COLOURS.values())},
            ),
            "tooltip": [
                _field("component", "nominal", title="Component"),
                _field("side", "nominal", title="Mentor"),
                _field("value", "quantitative", title="Value", format=".2f"),
                _field("share", "quantitative", title="Weight share", format=".0%"),
            ],
        },
        # A legend above or below would squeeze the plot: Streamlit fits the
        # whole chart, legend included, into this height.
        "height": 200,
    }


def load_spec(long: pd.DataFrame) -> dict[str, Any]:
    """Mentor load before and after the suggestions, with each mentor's capacity as a tick.

    Draws a ``load_long`` frame with a ``label`` column (the name shown).
    """
    y = _field("label", "nominal", title=None, sort=None, axis={"labelLimit": 200})
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": y,
            "yOffset": _field("when", "nominal", sort=[BEFORE, AFTER]),
            "x": _field(
                "load",
                "quantitative",
                title="Mentees (active, paused, proposed)",
                axis={"tickMinStep": 1, "format": "d"},
            ),
            "color": _field(
                "when",
                "nominal",
                title=None,
                scale={"domain": list(LOAD_COLOURS), "range": list(LOAD_COLOURS.values())},
            ),
            "tooltip": [
                _field("label", "nominal", title="Mentor"),
                _field("when", "nominal", title="When"),
                _field("load", "quantitative", title="Mentees"),
                _field("max_mentees", "quantitative", title="Capacity"),
            ],
        },
    }
    capacity = {
        # one tick per mentor: the capacity is on both of its rows
        "transform": [{"filter": {"field": "when", "equal": BEFORE}}],
        "mark": {"type": "tick", "color": "#C0392B", "thickness": 3, "size": 30},
        "encoding": {
            "y": y,
            "x": _field("max_mentees", "quantitative"),
            "tooltip": [_field("max_mentees", "quantitative", title="Capacity (max mentees)")],
        },
    }
    return {"layer": [bars, capacity], "height": max(120, 46 * long["label"].nunique())}


# --- sections --------------------------------------------------------------------------


def summary(
    plan: RebalancePlan,
    shown: ShapedPlan,
    baseline: RebalancePlan,
    saved: ShapedPlan,
    scope: Scope,
) -> None:
    """Headline numbers; deltas against the plan under the saved weights (the live effect).

    A lead limited to cohorts sees the numbers of their cohorts' suggestions
    and unresolved pairings; the objective and the movable count are the
    program's (the optimisation is global).
    """
    same = plan is baseline
    columns = st.columns(4)

    def delta(new: float, old: float, fmt: str) -> str | None:
        return None if same or math.isclose(new, old) else format(new - old, fmt)

    columns[0].metric(
        "Suggestions",
        len(shown.suggestions),
        delta=delta(len(shown.suggestions), len(saved.suggestions), "+d"),
        help="Moves in the optimal plan. The change is against the saved weights.",
    )
    columns[1].metric(
        "Total gain",
        f"{shown.gain:+.3f}",
        delta=delta(shown.gain, saved.gain, "+.3f"),
        help="Sum of (suggested − current) match scores over the suggested moves.",
    )
    columns[2].metric(
        "Pairings that may move",
        plan.movable,
        delta=delta(plan.movable, baseline.movable, "+d"),
        help="In the whole program: inside a reporting line, with an overloaded mentor, "
        "stalled, or a poor fit.",
    )
    unresolved = len(shown.unresolved)
    columns[3].metric(
        "Unresolved",
        unresolved,
        delta=delta(unresolved, len(saved.unresolved), "+d"),
        delta_color="inverse",
        help="Pairings that should move but have no acceptable place; they stay as they are.",
    )
    st.caption(
        f"Objective of the optimal plan: {plan.total_score:.3f} "
        f"({plan.stays} pairing(s) stay, staying counts with the stay bonus)."
        + (" Suggestions, gain and unresolved: your cohorts only." if scope.limited else "")
    )


def suggestion_card(
    suggestion: Suggestion,
    names: Names,
    capacity: Mapping[str, int],
    config: MatchConfig,
    *,
    can_act: bool,
    engine: Engine,
    actor: str,
    scope: Scope,
) -> None:
    s = suggestion
    with st.container(border=True):
        head, gain = st.columns([4, 1])
        head.markdown(
            f"**{plain(names(s.mentee_id))}** · {plain(names(s.current_mentor_id))} → "
            f"**{plain(names(s.suggested_mentor_id))}**"
        )
        head.caption(
            plain(
                f"Pairing {s.pairing_id} · {s.kind} · {s.pairing_status}"
                + (f" · cohort {s.cohort_id}" if s.cohort_id else "")
            )
        )
        gain.metric("Gain", f"{s.gain:+.3f}", label_visibility="visible")
        chart_column, facts = st.columns([3, 2])
        chart_column.vega_lite_chart(component_frame(s, config), component_spec(), width="stretch")

        def load_line(person_id: str, before: int, after: int) -> str:
            cap = capacity.get(person_id)
            of = f" of {cap}" if cap is not None else ""
            return f"{names(person_id)}: {before} → {after}{of} mentees"

        current_load = load_line(
            s.current_mentor_id, s.current_mentor_load_before, s.current_mentor_load_after
        )
        suggested_load = load_line(
            s.suggested_mentor_id, s.suggested_mentor_load_before, s.suggested_mentor_load_after
        )
        facts.text(
            f"Score: {s.current_score:.3f} (current) → {s.suggested_score:.3f} (suggested)\n"
            f"Load before → after:\n  {current_load}\n  {suggested_load}\n"
            + (
                f"Runner-up: {names(s.runner_up_mentor_id)} ({s.runner_up_score:.3f})"
                if s.runner_up_mentor_id and s.runner_up_score is not None
                else "Runner-up: none (no other mentor with a free slot passes the rules)"
            )
        )
        facts.text("Why:\n" + "\n".join(f"• {reason}" for reason in s.reasons))
        if can_act:
            accept_column, decline_column, _ = st.columns([1, 1, 3])
            ident = f"{s.pairing_id}_{s.suggested_mentor_id}"
            accept_column.button(
                "Accept",
                key=f"rb_accept_{ident}",
                type="primary",
                icon=":material/check:",
                on_click=_accept,
                args=(engine, scope, s, actor),
                help="End the current pairing and create a proposed one with this mentor.",
            )
            decline_column.button(
                "Decline",
                key=f"rb_decline_{ident}",
                icon=":material/close:",
                on_click=_decline,
                args=(engine, scope, s, actor),
                help="Keep the pairing; this mentor will not be suggested for it again.",
            )


def _page_of_cards(
    engine: Engine,
    view: PlanView,
    pairing_ids: list[str],
    config: MatchConfig,
    fingerprint: tuple[Any, ...],
) -> list[Suggestion]:
    """The suggestions of one page: from the live plan, or read from the stored one."""
    if view.live is not None:
        return [view.live[p] for p in pairing_ids]
    key = config_key(config)
    return _stored_cards(engine, key, fingerprint, tuple(pairing_ids), config)


def suggestions_list(
    engine: Engine,
    view: PlanView,
    config: MatchConfig,
    viewer: Viewer,
    fingerprint: tuple[Any, ...],
) -> None:
    """One page of suggestions (biggest gain first), as cards."""
    ordered = view.shaped.suggestions
    if ordered.empty:
        st.success("No move would improve the program under these weights.")
        return
    pages = -(-len(ordered) // PAGE_SIZE)
    page = st.pagination(pages, key="rb_suggestion_page") if pages > 1 else 1
    start = (page - 1) * PAGE_SIZE
    if pages > 1:
        st.caption(
            f"Suggestions {start + 1}–{min(len(ordered), start + PAGE_SIZE)} of {len(ordered)}, "
            "biggest gain first."
        )
    ids = list(ordered["pairing_id"].iloc[start : start + PAGE_SIZE])
    shown = _page_of_cards(engine, view, ids, config, fingerprint)
    people: set[str] = set()
    mentors: set[str] = set()
    for s in shown:
        people |= {s.mentee_id, s.current_mentor_id, s.suggested_mentor_id}
        people |= {s.runner_up_mentor_id or ""}
        mentors |= {s.current_mentor_id, s.suggested_mentor_id}
    capacity = _capacities(engine, tuple(sorted(mentors)), fingerprint)
    # NameMask built from the arguments, not components.ui.shell.name_mask(): a
    # fragment rerun has no run context, and asking for it reruns the whole app.
    names = _names_for(engine, fingerprint, people, NameMask(engine, viewer))
    can_act = viewer.can("rebalance")
    for suggestion in shown:
        suggestion_card(
            suggestion,
            names,
            capacity,
            config,
            can_act=can_act,
            engine=engine,
            actor=viewer.actor,
            scope=viewer.scope,
        )


def load_section(loads: LoadSummary, names: Names) -> None:
    if loads.concerned == 0:
        st.caption("No mentor's load changes and nobody is over capacity.")
        return
    drawn = loads.drawn
    long = load_long(drawn)
    long["label"] = [names(pid) for pid in long["person_id"]]
    # Only what the chart draws goes to the browser: in presenter mode the label is a
    # pseudonym, and the real name and id must not travel in the chart's data.
    chart_data = long[["label", "when", "load", "max_mentees"]]
    st.vega_lite_chart(chart_data, load_spec(chart_data), width="stretch")
    st.caption(
        "Load counts active, paused and proposed pairings; the red tick is each mentor's "
        f"capacity. Over capacity before: {loads.over_before}, "
        f"after accepting every suggestion shown: {loads.over_after}."
        + (
            f" The chart shows {len(drawn)} of the {loads.concerned:,} mentors concerned: "
            "those over capacity, then the biggest changes."
            if len(drawn) < loads.concerned
            else ""
        )
    )


def unresolved_section(plan: RebalancePlan, unresolved: Sequence[Any], names: Names) -> None:
    """The plan's warnings and the pairings that stay for want of a place (all of them)."""
    for warning in plan.warnings:
        st.warning(plain(warning), icon=":material/warning:")
    if not unresolved:
        st.caption("Every pairing that should move has a place.")
        return
    frame = pd.DataFrame(
        {
            "Pairing": [u.pairing_id for u in unresolved],
            "Mentee": [names(u.mentee_id) for u in unresolved],
            "Current mentor": [names(u.current_mentor_id) for u in unresolved],
            "Why it stays": ["; ".join(u.reasons) for u in unresolved],
        }
    )
    st.dataframe(frame, hide_index=True)


def rotation_section(
    engine: Engine,
    rotation: Sequence[RotationSuggestion],
    viewer: Viewer,
    fingerprint: tuple[Any, ...],
) -> None:
    """The mentees waiting for a next mentor, a page at a time (at 50,000 pairings
    ~4,600 of them: only the page shown is named and sent to the browser)."""
    if not rotation:
        st.caption(
            "No mentee is waiting for a next mentor: rotation looks at mentees whose "
            "pairing completed and who have no open pairing."
        )
        return
    pages = -(-len(rotation) // ROTATION_PAGE_SIZE)
    page = st.pagination(pages, key="rb_rotation_page") if pages > 1 else 1
    start = (page - 1) * ROTATION_PAGE_SIZE
    shown = list(rotation[start : start + ROTATION_PAGE_SIZE])
    if pages > 1:
        st.caption(f"Mentees {start + 1}–{start + len(shown)} of {len(rotation)}.")
    people: set[str] = set()
    for r in shown:
        people |= {r.mentee_id, r.suggested_mentor_id or "", r.runner_up_mentor_id or ""}
        people |= set(r.previous_mentor_ids)
    names = _names_for(engine, fingerprint, people, NameMask(engine, viewer))
    frame = pd.DataFrame(
        {
            "Mentee": [names(r.mentee_id) for r in shown],
            "Previous mentor(s)": [
                ", ".join(names(m) for m in r.previous_mentor_ids) for r in shown
            ],
            "Kind": [r.kind for r in shown],
            "Next mentor": [names(r.suggested_mentor_id) for r in shown],
            "Score": [r.score for r in shown],
            "Runner-up": [names(r.runner_up_mentor_id) for r in shown],
            "Runner-up score": [r.runner_up_score for r in shown],
            "Why": ["; ".join(r.reasons) for r in shown],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "Score": st.column_config.NumberColumn(format="%.3f"),
            "Runner-up score": st.column_config.NumberColumn(format="%.3f"),
        },
    )
    st.caption(
        "Each next mentor brings a division or a geography none of the mentee's previous "
        "mentors had, passes the hard rules and has a free slot; assigned jointly, so two "
        "mentees never count on the same last slot."
    )


@st.fragment
def workbench(engine: Engine, viewer: Viewer) -> None:
    """Sliders and everything they change, rerun on their own (the pins list below is not)."""
    scope = viewer.scope
    fingerprint = queries.data_fingerprint(engine)
    saved = _saved_config(engine, fingerprint)
    outcome_message(fingerprint)
    # Open for whoever may tune them; on a shared screen the plan comes first.
    with st.expander("Match weights", expanded=viewer.can("tune_rules"), icon=":material/tune:"):
        config = weight_editor(engine, viewer, key="rb_weights")
    is_saved = config_key(config) == config_key(saved)
    stored = _stored(engine, config_key(saved), fingerprint, saved)
    outline: pd.DataFrame | None = None  # the stored plan's suggestions, when it is shown
    if is_saved and stored is not None:
        plan, outline, all_rotation = stored.plan, stored.suggestions, stored.rotation
        st.caption(
            f"Plan computed by the refresh at {stored.computed_at:%Y-%m-%d %H:%M} UTC for the "
            "saved weights (nothing has changed since)."
        )
    else:
        if not _compute_allowed(engine, "rebalancing_compute_weights"):
            return
        plan = _plan(engine, config_key(config), fingerprint, config)
        all_rotation = _rotation(engine, config_key(config), fingerprint, config)
        st.caption(
            "Plan computed now for these weights"
            + (
                "."
                if not is_saved
                else " (no current plan stored by the refresh: `python -m tandem refresh` "
                "stores one)."
            )
        )
    if is_saved:
        baseline = plan
    elif stored is not None:
        baseline = stored.plan
    else:
        baseline = _plan(engine, config_key(saved), fingerprint, saved)
    key = config_key(config)
    view = _view(engine, key, fingerprint, scope.cohorts, plan, outline, all_rotation, config)
    saved_view = (
        view.shaped
        if baseline is plan
        else _shaped(
            engine,
            config_key(saved),
            fingerprint,
            scope.cohorts,
            baseline,
            None if stored is None else stored.suggestions,
        )
    )
    summary(plan, view.shaped, baseline, saved_view, scope)
    names = Names(view.names, NameMask(engine, viewer))
    shaped, rotation = view.shaped, view.rotation
    tabs = st.tabs(
        [
            f"Suggestions ({len(shaped.suggestions)})",
            "Mentor load",
            f"Unresolved ({len(shaped.unresolved)})",
            f"Rotation ({sum(1 for r in rotation if r.suggested_mentor_id)})",
        ]
    )
    with tabs[0]:
        suggestions_list(engine, view, config, viewer, fingerprint)
    with tabs[1]:
        load_section(view.loads, names)
    with tabs[2]:
        unresolved_section(plan, shaped.unresolved, names)
    with tabs[3]:
        rotation_section(engine, rotation, viewer, fingerprint)


# --- pins and exclusions -----------------------------------------------------------------


def _apply_pin_changes(
    engine: Engine, scope: Scope, before: pd.DataFrame, after: pd.DataFrame, actor: str
) -> int:
    """Write each changed pin / exclusion (each one its own audited transaction)."""
    changes = 0
    merged = before[["pairing_id", "pinned", "excluded"]].merge(
        after[["pairing_id", "pinned", "excluded"]], on="pairing_id", suffixes=("", "_new")
    )
    for pairing_id, row in merged.set_index("pairing_id").iterrows():
        if bool(row["pinned"]) != bool(row["pinned_new"]):
            set_pinned(engine, scope, str(pairing_id), actor, bool(row["pinned_new"]))
            changes += 1
        if bool(row["excluded"]) != bool(row["excluded_new"]):
            set_excluded(engine, scope, str(pairing_id), actor, bool(row["excluded_new"]))
            changes += 1
    return changes


@cached_query
def _pins_page(
    engine: Engine,
    cohorts: tuple[str, ...],
    fingerprint: tuple[Any, ...],
    search: str,
    search_names: bool,
    only: tuple[str, ...] | None,
    page: int,
) -> tuple[int, pd.DataFrame]:
    return queries.open_pairings_page(
        engine,
        cohorts,
        search=search,
        search_names=search_names,
        only=only,
        page=page,
        size=rebalance_view.PINS_PAGE_SIZE,
    )


def pins_and_excludes(engine: Engine, viewer: Viewer, fingerprint: tuple[Any, ...]) -> None:
    """Pairings a lead keeps out of the plan: pinned (never moved) or excluded (never looked at).

    The editor lists one page (``tandem.matching.rebalance_view.PINS_PAGE_SIZE``) of the open
    pairings that match a search, or only the kept ones, read a page at a time: at
    50,000 pairings there are ~35,000, which nobody can scroll and which cost more
    to read and send on every view than the plan.
    ``fingerprint``: :func:`data_fingerprint` read by this run of the page.
    """
    scope = viewer.scope
    notices.show(PINS_OUTCOME_KEY)
    settings = _rebalance_settings(engine, fingerprint)
    kept_ids = tuple(sorted(set(settings["pins"]) | set(settings["excludes"])))
    mask = NameMask(engine, viewer)
    labels: dict[str, Any] = {
        "pairing_id": "Pairing",
        "cohort": "Cohort",
        "mentee": "Mentee",
        "mentor": "Mentor",
        "status": "Status",
        "pinned": st.column_config.CheckboxColumn("Pinned", help="Never moved by the plan."),
        "excluded": st.column_config.CheckboxColumn(
            "Excluded", help="Never considered by the plan; it keeps its slot."
        ),
    }
    can_edit = viewer.can("rebalance")
    if can_edit:
        search_column, kept_column = st.columns([3, 1], vertical_alignment="bottom")
        search = search_column.text_input(
            "Find pairings",
            key="rb_pins_search",
            placeholder="Pairing id, cohort, mentee or mentor",
        ).strip()
        kept_only = kept_column.toggle("Only pinned or excluded", key="rb_pins_kept")
    else:
        search, kept_only = "", True
    # A pager (and an editor) per list shown: a new search starts at its first page,
    # and an editor's ticks, kept by row position, never land on another list's rows.
    list_key = f"{kept_only}_{search.casefold()}"
    page_key = f"rb_pins_page_{list_key}"
    page = int(st.session_state.get(page_key, 1))

    def read(page: int) -> tuple[int, pd.DataFrame]:
        return _pins_page(
            engine,
            scope.cohorts,
            fingerprint,
            search,
            not mask.active,  # pseudonyms on screen: real names are not searched
            kept_ids if kept_only else None,
            page,
        )

    total, rows = read(page)
    if page > page_count(total):  # the list shrank since (a save): back to its first page
        st.session_state.pop(page_key, None)
        page = 1
        total, rows = read(page)
    if total == 0:
        st.caption(
            "No pairing is pinned or excluded."
            if kept_only and not search
            else "No open pairing matches."
            if search or kept_only
            else "No active or paused pairings."
        )
        return
    rows = pins_rows(
        mask.frame(rows, {"mentor": "mentor_id", "mentee": "mentee_id"}),
        settings["pins"],
        settings["excludes"],
    )
    pages = page_count(total)
    if pages > 1:
        page = st.pagination(pages, key=page_key)
    first = (page - 1) * rebalance_view.PINS_PAGE_SIZE + 1
    st.caption(
        f"{total:,} open pairing(s)"
        + (
            f"; {first}–{first + len(rows) - 1} shown. Save before turning the page."
            if pages > 1
            else "."
        )
        + f" Pinned: {len(settings['pins'])}, excluded: {len(settings['excludes'])} in all."
    )
    if not can_edit:
        st.dataframe(rows[PINS_SHOWN], hide_index=True, column_config=labels)
        return
    with st.form("rb_pins_form", border=False):
        edited = st.data_editor(
            rows[PINS_SHOWN],
            hide_index=True,
            column_config=labels,
            disabled=["pairing_id", "cohort", "mentee", "mentor", "status"],
            key=f"rb_pins_editor_{page}_{list_key}",
        )
        submitted = st.form_submit_button("Save pins and exclusions", icon=":material/push_pin:")
    if submitted:
        count = _apply_pin_changes(engine, viewer.scope, rows, edited, viewer.actor)
        clear_caches()
        notices.leave(
            PINS_OUTCOME_KEY,
            "success",
            f"Saved {count} change(s); the plan above now reflects them."
            if count
            else "Nothing changed.",
        )
        st.rerun()


# Measured (bench/findings.md, "Rebalancing at scale (session 2)"): the plan at
# 50,000 pairings takes about a minute of CPU in under 1 GB (it took minutes and
# ~9 GB before). Above this size a page view does not start it by itself.
LIVE_PLAN_LIMIT = 10_000
_CONFIRMED = "rebalancing_large_confirmed"


def _compute_allowed(engine: Engine, button_key: str) -> bool:
    """Whether a live plan may be computed on this view; asks first for very large programs."""
    from tandem.matching.rebalance_queries import open_pairing_count

    if st.session_state.get(_CONFIRMED):
        return True
    size = open_pairing_count(engine)
    if size <= LIVE_PLAN_LIMIT:
        return True
    st.warning(
        f"This program has {size:,} running pairings. Computing the optimal plan for all of "
        "them takes about a minute, so it does not start on its own. The refresh "
        "(`python -m tandem refresh`) stores the plan for the saved weights; "
        "`python -m tandem rebalance` computes it from the command line.",
        icon=":material/hourglass:",
    )
    if st.button("Compute the plan now", key=button_key):
        st.session_state[_CONFIRMED] = True
        st.rerun()
    return False


def data_fingerprint(engine: Engine) -> tuple[Any, ...]:
    """The data fingerprint, read once per run of the page and handed to the sections
    outside the workbench (the workbench reads its own: a fragment reruns alone)."""
    return queries.data_fingerprint(engine)


def size_guard(engine: Engine, fingerprint: tuple[Any, ...]) -> bool:
    """Whether the page may open: a current stored plan needs no computation; otherwise
    a very large program asks before computing."""
    if st.session_state.get(_CONFIRMED):
        return True
    saved = _saved_config(engine, fingerprint)
    if stored_plan_time(engine, saved, fingerprint) is not None:
        return True
    return _compute_allowed(engine, "rebalancing_compute_large")

"""The plan's headline numbers and its suggestions, a page of cards at a time."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from components.matching.rebalance.actions import accept, decline
from components.matching.rebalance.charts import component_spec, house_sized
from components.matching.rebalance.reads import (
    Names,
    PlanView,
    cohort_labels,
    mentor_capacities,
    names_for,
    stored_cards,
)
from components.ui.formatting import plain, plural
from components.ui.paging import choose_page
from components.ui.presenter import NameMask
from tandem.access import Scope, Viewer
from tandem.matching import (
    SCORE_SCALE,
    MatchConfig,
    RebalancePlan,
    ShapedPlan,
    Suggestion,
    component_frame,
    config_key,
    plan_sentence,
    runner_up_sentence,
    score_change_text,
    scores_text,
    suggestion_sentence,
)

#: Suggestion cards a page: each is about a screen tall with its own chart, and at
#: ten a page the browser's drawing made a click on this page twice as slow as on
#: the others (0.8-0.9 s against 0.5 s at 50,000 pairings); biggest gain first.
PAGE_SIZE = 5


def summary(
    plan: RebalancePlan,
    shown: ShapedPlan,
    baseline: RebalancePlan,
    saved: ShapedPlan,
    scope: Scope,
    gains: Sequence[float] | None = None,
) -> None:
    """Headline numbers; deltas against the plan under the saved weights (the live effect).

    A lead limited to cohorts sees the numbers of their cohorts' suggestions
    and unresolved pairings; the sentence on the plan and the movable count
    are the program's (the optimisation is global).  ``gains``: every move's gain
    when ``plan`` was read from the store without its suggestions.
    """
    same = plan is baseline
    columns = st.columns(4)

    def delta(new: float, old: float, fmt: str) -> str | None:
        return None if same or math.isclose(new, old) else format(new - old, fmt)

    count = "+,d"  # a change of a count, thousands separated

    columns[0].metric(
        "Suggestions",
        f"{len(shown.suggestions):,}",
        delta=delta(len(shown.suggestions), len(saved.suggestions), count),
        help="Moves in the optimal plan. The change is against the saved weights.",
    )
    columns[1].metric(
        "Match score gained",
        score_change_text(shown.gain),
        delta=delta(shown.gain * SCORE_SCALE, saved.gain * SCORE_SCALE, "+,.1f"),
        help="What the suggested moves add to the match scores, all together: each "
        "move's new score minus its current one (0–100), summed.",
    )
    columns[2].metric(
        "Pairings that may move",
        f"{plan.movable:,}",
        delta=delta(plan.movable, baseline.movable, count),
        help="In the whole program: inside a reporting line, with an overloaded mentor, "
        "stalled, or a poor fit.",
    )
    unresolved = len(shown.unresolved)
    columns[3].metric(
        "Unresolved",
        f"{unresolved:,}",
        delta=delta(unresolved, len(saved.unresolved), count),
        delta_color="inverse",
        help="Pairings that should move but have no acceptable place; they stay as they are.",
    )
    # The plan in words, not the solver's objective (a sum a lead cannot read).
    st.caption(
        plan_sentence(plan, gains)
        + (" Suggestions, gain and unresolved above: your cohorts only." if scope.limited else "")
    )


def suggestion_card(
    suggestion: Suggestion,
    names: Names,
    capacity: Mapping[str, int],
    cohorts: Mapping[str, str],
    config: MatchConfig,
    *,
    can_act: bool,
    engine: Engine,
    actor: str,
    scope: Scope,
) -> None:
    """One suggestion: the move in one sentence, its evidence, Accept and Decline."""
    s = suggestion
    with st.container(border=True):
        head, gain = st.columns([4, 1])
        # Untrusted text (names, divisions, cohort names) inside: escaped whole.
        head.markdown(plain(suggestion_sentence(s, names)))
        cohort = cohorts.get(s.cohort_id or "", "")
        head.caption(
            plain(
                f"Pairing {s.pairing_id} · {s.kind.capitalize()} pairing · "
                f"{s.pairing_status.capitalize()}" + (f" · {cohort}" if cohort else "")
            )
        )
        gain.metric(
            "Gain",
            score_change_text(s.gain),
            help="Suggested match score minus the current one (0–100 scale).",
        )
        chart_column, facts = st.columns([3, 2])
        chart_column.vega_lite_chart(
            component_frame(s, config), house_sized(component_spec()), width="stretch"
        )
        facts.markdown(_facts(s, names, capacity))
        if can_act:
            _buttons(s, engine=engine, actor=actor, scope=scope)


def _facts(s: Suggestion, names: Names, capacity: Mapping[str, int]) -> str:
    """The card's evidence as markdown (untrusted pieces escaped)."""

    def load_line(person_id: str, before: int, after: int) -> str:
        cap = capacity.get(person_id)
        of = f" of {plural(cap, 'mentee')}" if cap is not None else " mentees"
        return f"{plain(names(person_id))}: {before} → {after}{of}"

    why_move = s.why_move or s.reasons  # plans stored before the parts existed
    # Paragraphs apart and each list after a blank line: markdown joins single lines.
    current, suggested = scores_text(s.current_score, s.suggested_score)
    blocks = [
        f"**Match score:** {current} (current) → {suggested} (suggested)",
        "**Mentees before → after the whole plan:**\n\n"
        + "\n".join(
            [
                "- "
                + load_line(
                    s.current_mentor_id, s.current_mentor_load_before, s.current_mentor_load_after
                ),
                "- "
                + load_line(
                    s.suggested_mentor_id,
                    s.suggested_mentor_load_before,
                    s.suggested_mentor_load_after,
                ),
            ]
        ),
        "**Runner-up:** " + plain(runner_up_sentence(s, names)),
        "**Why it may move:**\n\n" + "\n".join(f"- {plain(r)}" for r in why_move),
    ]
    if s.why_better:
        blocks.append(
            f"**Why {plain(names(s.suggested_mentor_id))}:**\n\n"
            + "\n".join(f"- {plain(r)}" for r in s.why_better)
        )
    return "\n\n".join(blocks)


def _buttons(s: Suggestion, *, engine: Engine, actor: str, scope: Scope) -> None:
    accept_column, decline_column, _ = st.columns([1, 1, 3])
    ident = f"{s.pairing_id}_{s.suggested_mentor_id}"
    accept_column.button(
        "Accept",
        key=f"rb_accept_{ident}",
        type="primary",
        icon=":material/check:",
        on_click=accept,
        args=(engine, scope, s, actor),
        help="End the current pairing and create a proposed one with this mentor.",
    )
    decline_column.button(
        "Decline",
        key=f"rb_decline_{ident}",
        icon=":material/close:",
        on_click=decline,
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
    return stored_cards(engine, key, fingerprint, tuple(pairing_ids), config)


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
    page = choose_page(len(ordered), PAGE_SIZE, key="rb_suggestion_page")
    if page.several:
        st.caption(f"{page.span('Suggestions')}, biggest gain first.")
    ids = list(ordered["pairing_id"].iloc[page.start : page.stop])
    shown = _page_of_cards(engine, view, ids, config, fingerprint)
    people: set[str] = set()
    mentors: set[str] = set()
    for s in shown:
        people |= {s.mentee_id, s.current_mentor_id, s.suggested_mentor_id}
        people |= {s.runner_up_mentor_id or ""}
        mentors |= {s.current_mentor_id, s.suggested_mentor_id}
    capacity = mentor_capacities(engine, tuple(sorted(mentors)), fingerprint)
    cohorts = cohort_labels(engine, tuple(sorted({s.cohort_id for s in shown if s.cohort_id})))
    # NameMask built from the arguments, not components.ui.shell.name_mask(): a
    # fragment rerun has no run context, and asking for it reruns the whole app.
    names = names_for(engine, fingerprint, people, NameMask(engine, viewer))
    can_act = viewer.can("rebalance")
    for suggestion in shown:
        suggestion_card(
            suggestion,
            names,
            capacity,
            cohorts,
            config,
            can_act=can_act,
            engine=engine,
            actor=viewer.actor,
            scope=viewer.scope,
        )

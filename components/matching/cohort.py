"""Sections of the Matching page: a cohort's sign-ups, the proposals, pins, approval, learning.

The proposals are computed by ``tandem.matching.cohort.match_cohort`` for the
weights the sliders describe, cached per (cohort, weights, pins, forbids,
data version), so a slider moved back is instant and any write is seen on the
next run.  Approve and withdraw run in button callbacks with the proposals
*as drawn*: a proposal that no longer holds is refused by the core, never
replaced silently.  Names are pseudonyms in presenter mode; reasons carry
counts and scores only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui import notices
from components.ui.cache import cached_query
from components.ui.database import clear_caches
from components.ui.formatting import date_text, plain
from components.ui.presenter import NameMask
from components.ui.tables import Column, show_table
from tandem.access import OutOfScope, Scope, Viewer
from tandem.matching import (
    SCORE_SCALE,
    People,
    load_people,
    person_names,
    score_text,
    scores_text,
)
from tandem.matching.cohort import match_cohort
from tandem.matching.cohort_approve import (
    approve_proposals,
    list_cohorts,
    open_proposals,
    withdraw_proposal,
)
from tandem.matching.cohort_model import CohortMatch, MatchConflict, MatchRequestError, Proposal
from tandem.matching.config import COMPONENT_LABELS, COMPONENTS, MatchConfig, load_match_config
from tandem.matching.learn import OUTCOMES, LearnedWeights, TooFewPairings, adopt_weights
from tandem.matching.learn import learn_weights as _learn_weights
from tandem.program.models import PARTICIPANT_ROLE_LABELS
from tandem.program.settings import SettingsError

NOTICE = "matching"
PINS_KEY = "match_pins"
FORBIDS_KEY = "match_forbids"
STATUS_LABELS = {"waiting": "Waiting", "mentee": "Paired as mentee", "mentor": "Mentoring"}


@cached_query
def _cohorts(engine: Engine, scope: Scope) -> list[dict[str, Any]]:
    return list_cohorts(engine, scope)


@cached_query(shared=True)
def _everyone(engine: Engine) -> People:
    """Everyone encoded for scoring, once per data version for every session (read
    only; encoding 87,500 people takes about a second, and a page matches and
    learns several times)."""
    return load_people(engine)


@cached_query
def _match(
    engine: Engine,
    scope: Scope,
    cohort_id: str,
    config_json: str,
    pins: tuple[tuple[str, str], ...],
    forbids: tuple[tuple[str, str], ...],
) -> CohortMatch:
    config = MatchConfig.from_dict(json.loads(config_json))
    return match_cohort(
        engine,
        scope,
        cohort_id,
        config=config,
        pins=pins,
        forbidden=forbids,
        people=_everyone(engine),
    )


@cached_query
def _names(engine: Engine, ids: tuple[str, ...]) -> dict[str, str]:
    return person_names(engine, ids)


@cached_query
def _proposed(engine: Engine, scope: Scope, cohort_id: str) -> list[dict[str, Any]]:
    return open_proposals(engine, scope, cohort_id)


@cached_query
def _learned(engine: Engine, scope: Scope, outcome: str) -> LearnedWeights | str:
    try:
        return _learn_weights(engine, scope, outcome=outcome, people=_everyone(engine))
    except TooFewPairings as error:
        return str(error)


class Names:
    """Display names (pseudonyms in presenter mode) of the people the page shows."""

    def __init__(self, engine: Engine, ids: set[str], mask: NameMask) -> None:
        self._names = _names(engine, tuple(sorted(ids)))
        self._mask = mask

    def __call__(self, person_id: str | None) -> str:
        if not person_id:
            return "—"
        return self._mask.name(self._names.get(person_id, person_id), person_id)


def config_json(config: MatchConfig) -> str:
    return json.dumps(config.to_dict(), sort_keys=True)


def cohort_picker(engine: Engine, viewer: Viewer) -> str | None:
    """The cohort to match (those in the viewer's scope with sign-ups), or None."""
    cohorts = _cohorts(engine, viewer.scope)
    if not cohorts:
        st.info(
            "No cohort in your scope has sign-ups yet. Add participants.csv to a bundle "
            "on the Admin page to list who signed up for each cohort.",
            icon=":material/group_add:",
        )
        return None
    labels = {
        c["cohort_id"]: f"{c['name']} (starts {date_text(c['start_date'])}, "
        f"{c['sign_ups']:,} sign-up{'s' if c['sign_ups'] != 1 else ''})"
        for c in cohorts
    }
    return str(
        st.selectbox(
            "Cohort",
            list(labels),
            format_func=labels.__getitem__,  # widget options are plain text, not markdown
            key="match_cohort",
        )
    )


def current_match(
    engine: Engine, viewer: Viewer, cohort_id: str, config: MatchConfig
) -> CohortMatch | None:
    pins = tuple(st.session_state.get(PINS_KEY, {}).get(cohort_id, ()))
    forbids = tuple(st.session_state.get(FORBIDS_KEY, {}).get(cohort_id, ()))
    try:
        return _match(engine, viewer.scope, cohort_id, config_json(config), pins, forbids)
    except OutOfScope as error:
        st.error(str(error))
    except (MatchRequestError, SettingsError) as error:
        st.error(plain(f"These proposals cannot be made: {error}"))
    return None


def names_for(engine: Engine, viewer: Viewer, match: CohortMatch) -> Names:
    ids = {s.person_id for s in match.sign_ups}
    ids |= {p.runner_up_mentor_id for p in match.proposals if p.runner_up_mentor_id}
    return Names(engine, ids, NameMask(engine, viewer))


def summary(match: CohortMatch, saved: CohortMatch | None) -> None:
    waiting = sum(
        1 for s in match.sign_ups if s.status == "waiting" and s.role in ("mentee", "either")
    )
    columns = st.columns(4)
    columns[0].metric("Waiting to be matched", f"{waiting:,}")
    columns[1].metric(
        "Proposed pairings",
        f"{len(match.proposals):,}",
        delta=(len(match.proposals) - len(saved.proposals)) or None if saved else None,
        help="The change is against the saved weights.",
    )
    columns[2].metric("Left unmatched", f"{len(match.unmatched):,}")
    mean = match.total_score / len(match.proposals) if match.proposals else 0.0
    columns[3].metric(
        "Average match score", score_text(mean) if match.proposals else "—", help="0–100."
    )
    for warning in match.warnings:
        st.warning(plain(warning))


def sign_ups_section(match: CohortMatch, names: Names) -> None:
    frame = pd.DataFrame(
        {
            "Person": [names(s.person_id) for s in match.sign_ups],
            "Signed up as": [PARTICIPANT_ROLE_LABELS.get(s.role, s.role) for s in match.sign_ups],
            "Joined": [date_text(s.joined_on) for s in match.sign_ups],
            "Status": [STATUS_LABELS.get(s.status, s.status) for s in match.sign_ups],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


#: Short headers for the score components (the table must fit 1280 px).
SHORT = {
    "skills": "Skills",
    "diversity": "Diversity",
    "breadth": "Breadth",
    "level": "Level",
    "availability": "Time",
}


def proposals_section(match: CohortMatch, names: Names) -> pd.DataFrame:
    """The proposals with each score's breakdown and the runner-up; returns the table shown."""
    rows = []
    for p in match.proposals:
        # The score and the runner-up's as finely as it takes for a difference to show.
        runner = [p.runner_up_score] if p.runner_up_mentor_id and p.runner_up_score else []
        score, *runner_text = scores_text(p.score, *runner)
        row: dict[str, Any] = {
            "Mentee": names(p.mentee_id),
            "Mentor": names(p.mentor_id) + (" (pinned)" if p.pinned else ""),
            "Score": float(score),
        }
        row["Parts"] = [round(p.components[name] * SCORE_SCALE) for name in COMPONENTS]
        row["Runner-up"] = (
            f"{names(p.runner_up_mentor_id)} ({runner_text[0]})" if runner_text else "—"
        )
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        st.info("No pairing can be proposed for this cohort right now: see who is unmatched below.")
        return frame
    order = ", ".join(SHORT[name].lower() for name in COMPONENTS)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "Score": st.column_config.NumberColumn(format="localized", width="small"),
            "Parts": st.column_config.BarChartColumn(
                "Parts", y_min=0, y_max=100, help=f"0–100 each, in this order: {order}"
            ),
        },
    )
    st.caption(
        "Scores are 0–100, and so are their parts, drawn as bars in this order: skill "
        "complementarity, perspective diversity, experiential breadth, level gap and available "
        "time. Together the proposals "
        "have the highest total score any set of pairings could reach under these weights and "
        "the hard rules (capacity across every open pairing, no reporting line, no repeat of an "
        "ended pair). The runner-up is the mentee's next best mentor, with their score."
    )
    return frame


def unmatched_section(match: CohortMatch, names: Names) -> None:
    if not match.unmatched:
        st.caption("Every waiting mentee has a proposal.")
        return
    # The reason is a sentence: it wraps rather than being cut at the grid's edge.
    show_table(
        pd.DataFrame(
            {
                "person": [names(u.person_id) for u in match.unmatched],
                "reason": [u.reason for u in match.unmatched],
            }
        ),
        {"person": "Person", "reason": Column("Why no pairing is proposed", wrap=True)},
        width="stretch",
    )


def _remember(store_key: str, cohort_id: str, pair: tuple[str, str]) -> None:
    store = dict(st.session_state.get(store_key, {}))
    pairs = list(store.get(cohort_id, ()))
    if pair not in pairs:
        pairs.append(pair)
    store[cohort_id] = pairs
    st.session_state[store_key] = store


def _clear(cohort_id: str) -> None:
    for key in (PINS_KEY, FORBIDS_KEY):
        store = dict(st.session_state.get(key, {}))
        store.pop(cohort_id, None)
        st.session_state[key] = store


def pins_section(viewer: Viewer, match: CohortMatch, names: Names) -> None:
    """Pin or forbid a pair and solve again (kept for this session until approved)."""
    if not viewer.can("match"):
        return
    mentees = [s.person_id for s in match.sign_ups if s.role in ("mentee", "either")]
    mentors = [s.person_id for s in match.sign_ups if s.role in ("mentor", "either")]
    if not mentees or not mentors:
        return
    left, right, buttons = st.columns([2, 2, 2], vertical_alignment="bottom")
    mentee = left.selectbox("Mentee", mentees, format_func=names, key="match_pin_mentee")
    mentor = right.selectbox("Mentor", mentors, format_func=names, key="match_pin_mentor")
    pair = (str(mentee), str(mentor))
    pin, forbid, clear = buttons.columns(3)
    pin.button("Pin", on_click=_remember, args=(PINS_KEY, match.cohort_id, pair))
    forbid.button("Forbid", on_click=_remember, args=(FORBIDS_KEY, match.cohort_id, pair))
    clear.button("Clear", on_click=_clear, args=(match.cohort_id,), help="Clear pins and forbids")
    for label, key in (("Pinned", PINS_KEY), ("Forbidden", FORBIDS_KEY)):
        pairs = st.session_state.get(key, {}).get(match.cohort_id, ())
        if pairs:
            st.caption(
                plain(f"{label}: " + "; ".join(f"{names(e)} with {names(m)}" for e, m in pairs))
            )


def _approve(engine: Engine, viewer: Viewer, cohort_id: str, chosen: list[Proposal]) -> None:
    try:
        ids = approve_proposals(engine, viewer.scope, cohort_id, chosen, viewer.actor)
    except (MatchConflict, MatchRequestError, OutOfScope) as error:
        notices.leave(NOTICE, "error", f"Nothing was approved: {error}")
    else:
        count = len(ids)
        notices.leave(
            NOTICE,
            "success",
            f"{count} proposed pairing{'s' if count != 1 else ''} written. "
            "They can be withdrawn below until they start.",
        )
        _clear(cohort_id)
    clear_caches()


def approve_section(engine: Engine, viewer: Viewer, match: CohortMatch, names: Names) -> None:
    notices.show(NOTICE)
    if not viewer.can("match") or not match.proposals:
        return
    options = {f"{p.mentee_id}\x00{p.mentor_id}": p for p in match.proposals}
    chosen_keys = st.multiselect(
        "Approve only these (leave empty to approve all)",
        list(options),
        format_func=lambda k: f"{names(options[k].mentee_id)} with {names(options[k].mentor_id)}",
        key="match_chosen",
    )
    chosen = [options[k] for k in chosen_keys] or list(options.values())
    count = len(chosen)
    st.button(
        f"Approve {count} proposal{'s' if count != 1 else ''}",
        type="primary",
        on_click=_approve,
        args=(engine, viewer, match.cohort_id, chosen),
        help="Writes them as proposed pairings; every rule is checked again first.",
    )


def _withdraw(engine: Engine, viewer: Viewer, pairing_id: str, version: int) -> None:
    try:
        withdraw_proposal(engine, viewer.scope, pairing_id, version, viewer.actor)
    except (MatchConflict, OutOfScope) as error:
        notices.leave(NOTICE, "error", f"Not withdrawn: {error}")
    else:
        notices.leave(NOTICE, "success", "The proposed pairing was withdrawn.")
    clear_caches()


def proposed_section(engine: Engine, viewer: Viewer, cohort_id: str, names: Names) -> None:
    """Approved proposals that have not started: each can be withdrawn."""
    rows = _proposed(engine, viewer.scope, cohort_id)
    if not rows:
        st.caption("No proposed pairing is waiting to start in this cohort.")
        return
    for row in rows:
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.write(
            plain(
                f"{names(row['mentee_id'])} with {names(row['mentor_id'])}, "
                f"starting {date_text(row['start_date'])}"
            )
        )
        if viewer.can("match"):
            button.button(
                "Withdraw",
                key=f"withdraw_{row['pairing_id']}",
                on_click=_withdraw,
                args=(engine, viewer, row["pairing_id"], row["version"]),
            )


def _adopt(engine: Engine, viewer: Viewer, weights: Mapping[str, float]) -> None:
    try:
        adopt_weights(engine, weights, viewer.actor)
    except SettingsError as error:
        notices.leave(NOTICE, "error", f"Weights not adopted: {error}")
    else:
        notices.leave(NOTICE, "success", "The suggested weights are now the matching weights.")
    clear_caches()


def learned_section(
    engine: Engine, viewer: Viewer, cohort_id: str, current: CohortMatch, names: Names
) -> None:
    """What has predicted progress in this program, and the weights it suggests."""
    outcome = st.radio(
        "Progress measured as",
        list(OUTCOMES),
        format_func=lambda o: OUTCOMES[o].capitalize(),
        horizontal=True,
        key="match_outcome",
    )
    learned = _learned(engine, viewer.scope, str(outcome))
    if isinstance(learned, str):
        st.info(plain(f"Nothing is estimated: {learned}."), icon=":material/lock:")
        return
    frame = pd.DataFrame(
        {
            "Component": [COMPONENT_LABELS[f.component].capitalize() for f in learned.factors],
            "Effect": [f.effect for f in learned.factors],
            "95% interval": [
                "does not vary" if f.effect is None else f"{f.ci_low:+.2f} to {f.ci_high:+.2f}"
                for f in learned.factors
            ],
            "Current weight": [learned.current_weights[f.component] for f in learned.factors],
            "Suggested weight": [learned.suggested_weights[f.component] for f in learned.factors],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "Effect": st.column_config.NumberColumn(format="%+.2f"),
            "Current weight": st.column_config.NumberColumn(format="%.2f"),
            "Suggested weight": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    st.caption(
        plain(
            f"Across {learned.n:,} pairings that completed or ended: the change in "
            f"{OUTCOMES[learned.outcome]} from a component's lowest to its highest value, "
            "adjusted for the other four (one regression), with its 95% interval. Past pairs "
            "were not matched at random, so this is what went with progress, not proof of cause."
        )
    )
    if not learned.suggests_change:
        st.caption("No component's interval lies above zero: the current weights stand.")
        return
    suggested = MatchConfig.from_dict(
        {**json.loads(config_json(current_config(engine))), "weights": learned.suggested_weights}
    )
    after = _match(engine, viewer.scope, cohort_id, config_json(suggested), (), ())
    before_pairs = {(p.mentee_id, p.mentor_id) for p in current.proposals}
    changed = sum(1 for p in after.proposals if (p.mentee_id, p.mentor_id) not in before_pairs)
    st.write(
        f"With the suggested weights this cohort would get {len(after.proposals):,} proposals "
        f"({changed:,} different from those above)."
    )
    if viewer.can("settings"):
        st.button(
            "Adopt the suggested weights",
            on_click=_adopt,
            args=(engine, viewer, dict(learned.suggested_weights)),
            help="Saves them as the matching weights everywhere (audited).",
        )


@cached_query
def current_config(engine: Engine) -> MatchConfig:
    """The saved matching configuration."""
    return load_match_config(engine)

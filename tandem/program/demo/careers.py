"""Careers in the demo: colleagues to compare with, and the HR system's events for everyone.

The impact estimate (issue #16) compares what happens to participants with
what happens to comparable colleagues who took no part, so the demo needs both:

* **Comparison colleagues** (``comparison.py``): for every cohort, new people
  who take part in no pairing, drawn to look like that cohort's mentees (level,
  division, geography and tenure spread).
* **Events** (``career_events``) for everyone: a ``hired`` event from each
  person's tenure, and over the HR system's history (the last
  ``HISTORY_YEARS`` years) ``promoted`` (with the new level), ``moved`` and
  ``left`` (voluntary or not) events at yearly rates that vary with level and
  tenure (``PROMOTION_RATE``, ``VOLUNTARY_LEAVE_RATE``, ... in ``rates.py``;
  promotions in ``promotions.py``).

What is true in the demo, for the estimator to find (``TRUE_EFFECT``): from
the start of their first pairing, a mentee is somewhat more likely to be
promoted (a yearly rate × 1.3) and somewhat less likely to leave by choice
(× 0.8), with noise per person.  Apart from that planted effect, **leaving and
promotion do not depend on taking part**: performance varies from person to
person (and raises promotion, lowers leaving) whether they take part or not,
and a running pairing does not keep anyone from leaving.  Participants differ
from everyone else only in what the bundle shows (level, division, geography,
tenure), which is what the adjusted difference controls for; the naive one
does not.

Who takes part never depends on what comes after (issue #16): the story
picks participants on their level when their first cohort began, so their
promotions are drawn forwards from that level after that day (and backwards
before it), and their level, title and, where a promotion passes their
manager, manager in people.csv are today's.  Everyone else's ``level`` is
their level today (or when they left), and their promotions are drawn
backwards from it, at rates that make a colleague at a level on any day as
likely to be promoted from then on as a participant at that level
(``_promotions_backwards``).  Nobody starts below level 1 or rises to the
CEO's level 8.  Everyone taking part was hired before their
first pairing and was there when their first cohort began (as their comparison
colleagues were, at the same date).  A person who left while a pairing ran
ends it that day (``end_pairings_at_departures``: the pairing's status and end
change before its meetings and notes are drawn); a later pairing of someone
who had already left goes to a colleague of the same level (``_hand_over``).
The story's fixed points never leave: the CEO, the sponsors of running
cohorts, the overloaded mentor and the reporting-line pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tandem.program.demo.codes import ACTIVE, ENDED
from tandem.program.demo.comparison import make_comparison_people
from tandem.program.demo.promotions import Promotions, draw_promotions, promote_in_the_table
from tandem.program.demo.rates import (
    HISTORY_YEARS,
    INVOLUNTARY_LEAVE_RATE,
    MOVE_RATE,
    NEVER,
    PERFORMANCE_ON_INVOLUNTARY_LEAVE,
    PERFORMANCE_ON_VOLUNTARY_LEAVE,
    TRUE_EFFECT,
    VOLUNTARY_LEAVE_RATE,
    Lives,
    history_month,
    yearly_to_monthly,
)
from tandem.program.demo.tables import CohortPlan, Pairings, People, Table


@dataclass
class Careers:
    """The comparison colleagues (their people rows) and everyone's events."""

    people: dict[str, list[Any]]  # the new people, column by column (people table names)
    events: dict[str, list[Any]]  # career_events, column by column
    tenure_years: list[float]  # everyone's tenure (old people first, then the new)
    comparison_ids: list[str]
    #: Pairings that ended because their mentor or mentee left (``Pairings`` changed).
    ended_by_departure: np.ndarray
    #: The organisation's columns its careers changed (level, title, function,
    #: manager_id), for everyone in it: promotions after the story picked someone.
    organisation: dict[str, list[Any]]


# ------------------------------------------------------------------------- events


def make_events(
    rng: np.random.Generator,
    level: np.ndarray,
    tenure_years: np.ndarray,
    pr: Pairings,
    plans: list[CohortPlan],
    related: Callable[[int, int], bool] | None = None,
    base_people: int | None = None,
    capacity: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Everyone's career events as day offsets; returns (events, tenure in years,
    the day each person left, 0 for those still employed, the level today (or on
    leaving)).

    ``level`` is each person's level as the story drew it: for those who take part,
    their level when their first cohort began (they were picked on it), for
    everyone else their level today.  The first ``base_people`` are the base
    organisation, the comparison colleagues come after; only the former take over
    a pairing, ``related`` telling who is in whose reporting line.  Returned
    events: ``person``, ``day`` (offset from today), ``kind`` (index into
    ``EVENT_KINDS``), ``new_level`` (0 when none), ``voluntary`` (-1 none, 0
    false, 1 true).
    """
    n = len(level)
    first_start = _first_start(n, (pr.mentor, pr.mentee), pr.start)
    lives = _lives(rng, tenure_years, first_start)
    _draw_leaving(
        rng, lives, level, pr, _stay_until(n, pr, plans), _first_start(n, (pr.mentee,), pr.start)
    )
    _hand_over(
        rng,
        pr,
        level[: base_people or n],
        lives.hire,
        lives.left,
        lives.left_day,
        related or (lambda a, b: a == b),
        capacity,
    )
    last_day = np.where(lives.left, lives.left_day, 0)
    mentee_start = _first_start(n, (pr.mentee,), pr.start)
    cohort_start = np.array([plan.start for plan in plans], dtype=np.int64)[pr.cohort]
    picked_on = _first_start(n, (pr.mentor, pr.mentee), cohort_start)
    promotions, level_today = draw_promotions(rng, lives, level, last_day, mentee_start, picked_on)
    moves = _draw_moves(rng, lives.hire, last_day)
    events = _assemble(lives, promotions, moves)
    # A leaver's tenure is the tenure they left with.
    tenure = np.round((last_day - lives.hire) / 365.25, 1)
    return events, np.maximum(tenure, 0.0), last_day, level_today


def _first_start(n: int, sides: tuple[np.ndarray, ...], start: np.ndarray) -> np.ndarray:
    """Per person: the first day a pairing of theirs (on ``sides``) started, or never."""
    first = np.full(n, NEVER, dtype=np.int64)
    for side in sides:
        np.minimum.at(first, side, start)
    return first


def _stay_until(n: int, pr: Pairings, plans: list[CohortPlan]) -> np.ndarray:
    """Per person: the day before which they cannot leave.

    Taking part says only that a person was there when their first cohort began
    (as the colleagues they are compared with were); a later pairing of someone
    who has left by then goes to a colleague (``_hand_over``).  The story's fixed
    points stay: the CEO, the sponsors of running cohorts, the overloaded mentor
    and the reporting-line pair (a handful of people)."""
    cohort_start = np.array([plan.start for plan in plans], dtype=np.int64)[pr.cohort]
    stay_until = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(stay_until, pr.mentor, np.minimum(cohort_start, 0))
    np.minimum.at(stay_until, pr.mentee, np.minimum(cohort_start, 0))
    stay_until[stay_until == NEVER] = np.iinfo(np.int64).min
    for plan in plans:
        if plan.end is None or plan.end >= 0:
            stay_until[plan.sponsor] = 0
    named = np.flatnonzero(pr.overloaded).tolist()
    if pr.reporting_line is not None:
        named.append(pr.reporting_line)
    stay_until[pr.mentor[named]] = 0
    stay_until[pr.mentee[named]] = 0
    stay_until[0] = 0  # the CEO (the organisation is ordered by level, highest first)
    return stay_until


def _lives(rng: np.random.Generator, tenure_years: np.ndarray, first_start: np.ndarray) -> Lives:
    """Hiring days (from tenure, and always 30 to 400 days before a first pairing),
    performance, and each person's share of the planted effect."""
    n = len(tenure_years)
    hire = -np.round(tenure_years * 365.25).astype(np.int64)
    takes_part = first_start < NEVER
    latest_hire = np.where(takes_part, first_start - rng.integers(30, 400, n), 0)
    hire = np.minimum(hire, latest_hire)
    hire = np.minimum(hire, -1)
    # Performance varies from person to person, whether they take part or not.
    performance = rng.normal(0.0, 1.0, n)
    effect = TRUE_EFFECT
    promote_boost = np.exp(np.log(effect.promotion) + rng.normal(0.0, effect.noise, n))
    leave_damp = np.exp(np.log(effect.voluntary_leave) + rng.normal(0.0, effect.noise, n))
    none = np.zeros(n, dtype=bool)
    return Lives(
        hire, performance, promote_boost, leave_damp, none, np.zeros(n, np.int64), none.copy()
    )


def _draw_leaving(
    rng: np.random.Generator,
    lives: Lives,
    level: np.ndarray,
    pr: Pairings,
    stay_until: np.ndarray,
    mentee_start: np.ndarray,
) -> None:
    """Leaving, month by month forward (the level the story drew stands in for the
    level then), by choice and not; mentored months carry the planted effect."""
    n = len(level)
    is_mentee = mentee_start < NEVER
    performance, hire = lives.performance, lives.hire
    vol_base = VOLUNTARY_LEAVE_RATE[level] * np.exp(PERFORMANCE_ON_VOLUNTARY_LEAVE * performance)
    invol_base = INVOLUNTARY_LEAVE_RATE[level] * np.exp(
        PERFORMANCE_ON_INVOLUNTARY_LEAVE * performance
    )
    left_day = np.zeros(n, dtype=np.int64)
    left = np.zeros(n, dtype=bool)
    voluntary = np.zeros(n, dtype=bool)
    for m in range(HISTORY_YEARS * 12):
        u = rng.random(n)  # drawn every month, employed or not: the stream stays aligned
        day_draw = rng.random(n)
        month_start, month_end = history_month(m)
        day = month_start + (day_draw * (month_end - month_start)).astype(np.int64)
        tenure_now = (month_start - hire) / 365.25
        employed = (hire < month_start) & ~left & (day > stay_until) & (day < 0)
        tenure_factor = np.where(tenure_now < 2, 1.4, np.where(tenure_now > 10, 0.7, 1.0))
        mentored = is_mentee & (mentee_start <= month_start)
        vol = vol_base * tenure_factor * np.where(mentored, lives.leave_damp, 1.0)
        p_vol = yearly_to_monthly(vol)
        p_invol = yearly_to_monthly(invol_base)
        leaves = employed & (u < p_vol + p_invol)
        left_day = np.where(leaves, day, left_day)
        voluntary = np.where(leaves, u < p_vol, voluntary)
        left |= leaves
    lives.left, lives.left_day, lives.voluntary = left, left_day, voluntary


def _draw_moves(
    rng: np.random.Generator, hire: np.ndarray, last_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(person, day) of moves: a change of division, function or place at a flat yearly rate."""
    history_start = -round(HISTORY_YEARS * 365.25)
    span = np.maximum(last_day - np.maximum(hire, history_start), 0)
    moves = rng.poisson(MOVE_RATE * span / 365.25)
    move_person = np.repeat(np.arange(len(hire)), moves)
    move_start = np.maximum(hire, history_start)[move_person]
    move_day = (
        move_start + 1 + (rng.random(len(move_person)) * (span[move_person] - 1)).astype(np.int64)
    )
    return move_person, np.minimum(move_day, -1)


def _assemble(
    lives: Lives, promotions: Promotions, moves: tuple[np.ndarray, np.ndarray]
) -> dict[str, np.ndarray]:
    """Hired, promoted, moved and left events, in order of person, day and kind."""
    n = len(lives.hire)
    move_person, move_day = moves
    left_person = np.flatnonzero(lives.left)
    n_promo, n_move, n_left = len(promotions.person), len(move_person), len(left_person)
    person = np.concatenate([np.arange(n), promotions.person, move_person, left_person]).astype(
        np.int64
    )
    day = np.concatenate(
        [lives.hire, promotions.day, move_day, lives.left_day[left_person]]
    ).astype(np.int64)
    kind = np.repeat(np.arange(4, dtype=np.int64), [n, n_promo, n_move, n_left])
    new_level = np.concatenate(
        [np.zeros(n, dtype=np.int64), promotions.new_level, np.zeros(n_move + n_left, np.int64)]
    )
    vol = np.concatenate(
        [
            np.full(n + n_promo + n_move, -1, dtype=np.int64),
            lives.voluntary[left_person].astype(np.int64),
        ]
    )
    order = np.lexsort((kind, day, person))
    return {
        "person": person[order],
        "day": day[order],
        "kind": kind[order],
        "new_level": new_level[order],
        "voluntary": vol[order],
    }


def _hand_over(
    rng: np.random.Generator,
    pr: Pairings,
    level: np.ndarray,
    hire: np.ndarray,
    left: np.ndarray,
    left_day: np.ndarray,
    related: Callable[[int, int], bool],
    capacity: np.ndarray | None = None,
) -> int:
    """A pairing whose mentor or mentee left before it began goes, in that role, to a
    colleague of the same level who was there then (hired at least 30 days before) and
    is outside the partner's reporting line (in place); returns how many were handed
    over.  An active pairing's new mentor has room for one more (``capacity``, the
    stated number of mentees), so the story keeps its single overloaded mentor.
    Nobody is kept from leaving for a pairing to come.  (A colleague who takes a
    mentee's place was drawn without the planted effect on leaving: it slightly dilutes
    the effect, never inflates it.)"""
    gone = np.where(left, left_day, np.iinfo(np.int64).max)
    n_base = len(level)
    active = pr.status == ACTIVE
    load = np.bincount(pr.mentor[active], minlength=n_base)
    room = np.full(n_base, 10**6) if capacity is None else capacity[:n_base] - load
    pools = {int(lv): np.flatnonzero(level == lv) for lv in np.unique(level)}
    handed = 0
    for i in np.argsort(pr.start, kind="stable").tolist():
        start = int(pr.start[i])
        for side, other in ((pr.mentor, pr.mentee), (pr.mentee, pr.mentor)):
            person, partner = int(side[i]), int(other[i])
            if gone[person] > start:
                continue
            pool = pools[int(level[person])]
            for pick in rng.integers(0, len(pool), 60).tolist():
                c = int(pool[pick])
                if (
                    c < n_base
                    and gone[c] > start
                    and hire[c] < start - 30
                    and c != partner
                    and not related(c, partner)
                    and (side is not pr.mentor or not active[i] or room[c] > 0)
                ):
                    if side is pr.mentor and active[i]:
                        room[c] -= 1
                    side[i] = c
                    handed += 1
                    break
            else:  # nobody alike was there: this one stayed after all
                gone[person] = np.iinfo(np.int64).max
                left[person] = False
    return handed


def end_pairings_at_departures(pr: Pairings, left_day: np.ndarray) -> np.ndarray:
    """Pairings whose mentor or mentee left before they ended now end that day, as
    ``ended`` (in place); returns which pairings changed."""
    gone = np.where(left_day < 0, left_day, np.iinfo(np.int64).max)
    leaving = np.minimum(gone[pr.mentor], gone[pr.mentee])
    runs_on = ~pr.has_ended | (pr.ended > leaving)
    changed = (leaving < np.iinfo(np.int64).max) & runs_on & (leaving >= pr.start)
    pr.status[changed] = ENDED
    pr.ended[changed] = leaving[changed]
    pr.has_ended[changed] = True
    return changed


def build_careers(
    seed: int,
    table: Table,
    people: People,
    pr: Pairings,
    plans: list[CohortPlan],
    today: dt.date,
) -> Careers:
    """The comparison colleagues and the events of everyone (nothing is written here).

    A pairing whose mentor or mentee left while it ran ends on that day: ``pr``'s
    status and end day change here, so call this before the pairings' milestones,
    meetings and notes are drawn."""
    from tandem.program import models

    rng = np.random.default_rng([seed, 20])
    extra = make_comparison_people(rng, table.columns, people, pr, plans)
    level = np.array(table.columns["level"] + extra["level"], dtype=np.int64)
    tenure = np.array(table.columns["tenure_years"] + extra["tenure_years"], dtype=float)
    events, tenure_out, left_day, level_today = make_events(
        np.random.default_rng([seed, 21]),
        level,
        tenure,
        pr,
        plans,
        lambda a, b: a == b or a in people.ancestors[b] or b in people.ancestors[a],
        len(people.ids),
        people.max_mentees,
    )
    ended = end_pairings_at_departures(pr, left_day)
    promoted = promote_in_the_table(
        np.random.default_rng([seed, 22]), table.columns, people, level_today[: len(people.ids)]
    )
    ids = table.columns["person_id"] + extra["person_id"]
    m = len(events["person"])
    width = max(6, len(str(m)))
    base = np.datetime64(today, "D")
    dates = (base + events["day"].astype("timedelta64[D]")).astype(object).tolist()
    kinds = models.EVENT_KINDS
    voluntary_values: list[bool | None] = [None, False, True]
    return Careers(
        people=extra,
        events={
            "event_id": [f"EV-{i + 1:0{width}d}" for i in range(m)],
            "person_id": [ids[p] for p in events["person"].tolist()],
            "date": dates,
            "kind": [kinds[k] for k in events["kind"].tolist()],
            "new_level": [lv or None for lv in events["new_level"].tolist()],
            "voluntary": [voluntary_values[v + 1] for v in events["voluntary"].tolist()],
        },
        tenure_years=tenure_out.tolist(),
        comparison_ids=extra["person_id"],
        ended_by_departure=ended,
        organisation=promoted,
    )

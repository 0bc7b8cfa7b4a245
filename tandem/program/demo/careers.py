"""Careers in the demo: colleagues to compare with, and the HR system's events for everyone.

The impact estimate (issue #16) compares what happens to participants with
what happens to comparable colleagues who took no part, so the demo needs both:

* **Comparison colleagues**: for every cohort, new people who take part in no
  pairing, drawn to look like that cohort's mentees (level, division,
  geography and tenure spread, as they are today: a level at a cohort's start
  is today's level minus the promotions since), ``COMPARISON_PER_MENTEE`` per
  mentee, between ``COMPARISON_MIN`` and ``COMPARISON_MAX`` per cohort, so the
  count grows with the cohorts, never with the square of the program.
* **Events** (``career_events``) for everyone: a ``hired`` event from each
  person's tenure, and over the HR system's history (the last
  ``HISTORY_YEARS`` years) ``promoted`` (with the new level), ``moved`` and
  ``left`` (voluntary or not) events at yearly rates that vary with level and
  tenure (``PROMOTION_RATE``, ``VOLUNTARY_LEAVE_RATE``, ...).

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

Consistency with the rest of the story: a person's ``level`` in people.csv is
their level today (or when they left), so promotions are drawn backwards from
it and never start below level 1; everyone taking part was hired before their
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

from tandem.program.demo import people as vocab
from tandem.program.demo.codes import ACTIVE, ENDED
from tandem.program.demo.tables import CohortPlan, Pairings, People, Table

COMPARISON_PER_MENTEE = 5
COMPARISON_MIN = 50
COMPARISON_MAX = 300
HISTORY_YEARS = 5
MONTH_DAYS = 30.4375

#: Yearly promotion rate by level (index = level; 0 unused), before tenure,
#: performance and mentoring.  About 12% a year over the whole company.
PROMOTION_RATE = np.array([0.0, 0.19, 0.16, 0.13, 0.10, 0.07, 0.05, 0.02, 0.0])
#: Yearly rates of leaving by choice and not, by level.  About 9% + 3.5%.
VOLUNTARY_LEAVE_RATE = np.array([0.0, 0.12, 0.11, 0.09, 0.08, 0.07, 0.06, 0.05, 0.0])
INVOLUNTARY_LEAVE_RATE = np.array([0.0, 0.04, 0.035, 0.035, 0.03, 0.03, 0.03, 0.03, 0.0])
MOVE_RATE = 0.05
#: Performance (a standard normal per person) on the log of each yearly rate.
PERFORMANCE_ON_PROMOTION = 0.45
PERFORMANCE_ON_VOLUNTARY_LEAVE = -0.25
PERFORMANCE_ON_INVOLUNTARY_LEAVE = -0.6


@dataclass(frozen=True)
class Effect:
    """The real effect of being mentored, as multipliers of yearly rates, with noise."""

    promotion: float  # median multiplier of the promotion rate, from the first pairing's start
    voluntary_leave: float  # median multiplier of the rate of leaving by choice
    noise: float  # standard deviation of each mentee's log multiplier


TRUE_EFFECT = Effect(promotion=1.3, voluntary_leave=0.8, noise=0.3)


@dataclass
class Careers:
    """The comparison colleagues (their people rows) and everyone's events."""

    people: dict[str, list[Any]]  # the new people, column by column (people table names)
    events: dict[str, list[Any]]  # career_events, column by column
    tenure_years: list[float]  # everyone's tenure (old people first, then the new)
    comparison_ids: list[str]
    #: Pairings that ended because their mentor or mentee left (``Pairings`` changed).
    ended_by_departure: np.ndarray


# ---------------------------------------------------------------- comparison people


def make_comparison_people(
    rng: np.random.Generator,
    table: dict[str, list[Any]],
    people: People,
    pr: Pairings,
    plans: list[CohortPlan],
) -> dict[str, list[Any]]:
    """New colleagues who take part in nothing, alike to each cohort's mentees."""
    n_div = len(vocab.DIVISIONS)
    div_weights = np.array([share for _n, share, _f in vocab.DIVISIONS])
    geo_names = [g for g, _share, _c in vocab.GEOGRAPHIES]
    geo_index = {name: g for g, name in enumerate(geo_names)}
    geo_weights = np.array([share for _g, share, _c in vocab.GEOGRAPHIES])
    person_geo = np.array([geo_index[g] for g in table["geography"]], dtype=np.int64)
    person_tenure = np.array(table["tenure_years"], dtype=float)

    templates: list[np.ndarray] = []
    for c in range(len(plans)):
        mentees = np.unique(pr.mentee[pr.cohort == c])
        if len(mentees) == 0:
            continue
        count = int(np.clip(COMPARISON_PER_MENTEE * len(mentees), COMPARISON_MIN, COMPARISON_MAX))
        templates.append(mentees[rng.integers(0, len(mentees), count)])
    template = np.concatenate(templates) if templates else np.zeros(0, dtype=np.int64)
    n = len(template)

    level = people.level[template].copy()
    jitter = np.where(rng.random(n) < 0.25, rng.choice(np.array([-1, 1]), n), 0)
    level = np.clip(level + jitter, 1, 7)
    division = people.division[template].copy()
    other_division = rng.choice(n_div, n, p=div_weights / div_weights.sum())
    division = np.where((division < 0) | (rng.random(n) < 0.2), other_division, division)
    geography = np.where(
        rng.random(n) < 0.8,
        person_geo[template],
        rng.choice(len(geo_names), n, p=geo_weights / geo_weights.sum()),
    )
    tenure = np.round(person_tenure[template] * np.exp(rng.normal(0.0, 0.35, n)), 1)

    # A manager one level up in the same division (the base organisation has one
    # at every level below 7; failing that, anyone above, then the division head).
    bosses: dict[tuple[int, int], np.ndarray] = {}
    managers: list[str] = []
    boss_pick = rng.random(n).tolist()
    for d, lv, u in zip(division.tolist(), level.tolist(), boss_pick, strict=True):
        key = (d, lv)
        if key not in bosses:
            same = people.division == d
            options = np.flatnonzero(same & (people.level == lv + 1))
            if len(options) == 0:
                options = np.flatnonzero(same & (people.level >= max(lv, 7)))
            if len(options) == 0:
                options = np.array([0])  # the CEO
            bosses[key] = options
        options = bosses[key]
        managers.append(people.ids[int(options[int(u * len(options))])])

    taken = set(table["name"])
    used: dict[str, int] = {}
    for email in table["email"]:
        base = email.split("@", 1)[0].rstrip("0123456789")
        used[base] = used.get(base, 0) + 1
    names, _firsts, emails = vocab.compose_names(rng, geography, taken=taken, used=used)

    function_pick = rng.random(n).tolist()
    title_pick = rng.random(n).tolist()
    functions: list[str | None] = []
    titles: list[str] = []
    division_names: list[str] = []
    for d, lv, fu, tu in zip(
        division.tolist(), level.tolist(), function_pick, title_pick, strict=True
    ):
        div_name, _share, div_functions = vocab.DIVISIONS[d]
        division_names.append(div_name)
        title_options = vocab.TITLES[lv]
        base = title_options[int(tu * len(title_options))]
        if lv == 7:
            functions.append(None)
            titles.append(f"{base}, {div_name}")
        else:
            function = div_functions[int(fu * len(div_functions))]
            functions.append(function)
            titles.append(f"{base}, {function}")

    cap_senior = rng.choice(np.array([0, 1, 2, 3, 4]), n, p=[0.03, 0.27, 0.42, 0.22, 0.06])
    cap_junior = rng.choice(np.array([0, 1, 2, 3]), n, p=[0.04, 0.48, 0.34, 0.14])
    max_mentees = np.where(level >= 5, cap_senior, cap_junior)
    hours = rng.choice(np.array([2.0, 3.0, 4.0, 4.0, 6.0, 8.0]), n)
    style = rng.choice(
        len(vocab.LEARNING_STYLES),
        n,
        p=vocab.LEARNING_STYLE_WEIGHTS / vocab.LEARNING_STYLE_WEIGHTS.sum(),
    )
    group = rng.choice(len(vocab.GROUPS), n, p=vocab.GROUP_WEIGHTS / vocab.GROUP_WEIGHTS.sum())
    group_present = (rng.random(n) >= vocab.GROUP_EMPTY_RATE).tolist()

    existing = {int(pid[1:]) for pid in table["person_id"] if pid[1:].isdigit()}
    ids: list[str] = []
    while len(ids) < n:
        for number in (rng.integers(100_000, 1_000_000, 2 * (n - len(ids)) + 8)).tolist():
            if number not in existing:
                existing.add(number)
                ids.append(f"E{number}")
                if len(ids) == n:
                    break

    return {
        "person_id": ids,
        "name": names,
        "email": emails,
        "title": titles,
        "level": level.tolist(),
        "division": division_names,
        "function": functions,
        "geography": [geo_names[g] for g in geography.tolist()],
        "manager_id": managers,
        "tenure_years": tenure.tolist(),
        "strengths": [None] * n,  # never signed up: no mentoring profile
        "development_goals": [None] * n,
        "learning_style": [vocab.LEARNING_STYLES[s] for s in style.tolist()],
        "monthly_hours": hours.tolist(),
        "max_mentees": max_mentees.tolist(),
        "group_name": [
            vocab.GROUPS[g] if present else None
            for g, present in zip(group.tolist(), group_present, strict=True)
        ],
    }


# ------------------------------------------------------------------------- events


def _yearly_to_monthly(rate: np.ndarray) -> np.ndarray:
    return 1.0 - np.power(1.0 - np.clip(rate, 0.0, 0.95), 1.0 / 12.0)


def make_events(
    rng: np.random.Generator,
    level: np.ndarray,
    tenure_years: np.ndarray,
    pr: Pairings,
    plans: list[CohortPlan],
    related: Callable[[int, int], bool] | None = None,
    base_people: int | None = None,
    capacity: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Everyone's career events as day offsets; returns (events, tenure in years,
    the day each person left, 0 for those still employed).

    ``level`` is each person's level today (the first ``base_people`` the base
    organisation, the comparison colleagues after; only the former take over a
    pairing, ``related`` telling who is in whose reporting line).  Returned
    events: ``person``, ``day`` (offset from today), ``kind`` (index into
    ``EVENT_KINDS``), ``new_level`` (0 when none), ``voluntary`` (-1 none, 0
    false, 1 true).
    """
    n = len(level)
    months = HISTORY_YEARS * 12
    history_start = -round(HISTORY_YEARS * 365.25)

    # Who takes part, and since when.
    never = np.iinfo(np.int64).max
    first_start = np.full(n, never, dtype=np.int64)
    np.minimum.at(first_start, pr.mentor, pr.start)
    np.minimum.at(first_start, pr.mentee, pr.start)
    mentee_start = np.full(n, never, dtype=np.int64)
    np.minimum.at(mentee_start, pr.mentee, pr.start)
    is_mentee = mentee_start < never
    # Taking part says only that a person was there when their first cohort began
    # (as the colleagues they are compared with were); a later pairing of someone
    # who has left by then goes to a colleague (``_hand_over``).
    cohort_start = np.array([plan.start for plan in plans], dtype=np.int64)[pr.cohort]
    stay_until = np.full(n, never, dtype=np.int64)
    np.minimum.at(stay_until, pr.mentor, np.minimum(cohort_start, 0))
    np.minimum.at(stay_until, pr.mentee, np.minimum(cohort_start, 0))
    stay_until[stay_until == never] = np.iinfo(np.int64).min
    # The story's fixed points stay: the CEO, the sponsors of running cohorts,
    # the overloaded mentor and the reporting-line pair (a handful of people).
    for plan in plans:
        if plan.end is None or plan.end >= 0:
            stay_until[plan.sponsor] = 0
    named = np.flatnonzero(pr.overloaded).tolist()
    if pr.reporting_line is not None:
        named.append(pr.reporting_line)
    stay_until[pr.mentor[named]] = 0
    stay_until[pr.mentee[named]] = 0
    stay_until[0] = 0  # the CEO (the organisation is ordered by level, highest first)

    # Hired: from tenure, and always before a first pairing (30 to 400 days).
    hire = -np.round(tenure_years * 365.25).astype(np.int64)
    takes_part = first_start < never
    latest_hire = np.where(takes_part, first_start - rng.integers(30, 400, n), 0)
    hire = np.minimum(hire, latest_hire)
    hire = np.minimum(hire, -1)

    # Performance varies from person to person, whether they take part or not.
    performance = rng.normal(0.0, 1.0, n)
    effect = TRUE_EFFECT
    promote_boost = np.exp(np.log(effect.promotion) + rng.normal(0.0, effect.noise, n))
    leave_damp = np.exp(np.log(effect.voluntary_leave) + rng.normal(0.0, effect.noise, n))

    # Leaving, month by month forward (level today stands in for the level then).
    vol_base = VOLUNTARY_LEAVE_RATE[level] * np.exp(PERFORMANCE_ON_VOLUNTARY_LEAVE * performance)
    invol_base = INVOLUNTARY_LEAVE_RATE[level] * np.exp(
        PERFORMANCE_ON_INVOLUNTARY_LEAVE * performance
    )
    left_day = np.zeros(n, dtype=np.int64)
    left = np.zeros(n, dtype=bool)
    voluntary = np.zeros(n, dtype=bool)
    for m in range(months):
        u = rng.random(n)  # drawn every month, employed or not: the stream stays aligned
        day_draw = rng.random(n)
        month_start = history_start + int(m * MONTH_DAYS)
        month_end = history_start + int((m + 1) * MONTH_DAYS)
        day = month_start + (day_draw * (month_end - month_start)).astype(np.int64)
        tenure_now = (month_start - hire) / 365.25
        employed = (hire < month_start) & ~left & (day > stay_until) & (day < 0)
        tenure_factor = np.where(tenure_now < 2, 1.4, np.where(tenure_now > 10, 0.7, 1.0))
        mentored = is_mentee & (mentee_start <= month_start)
        vol = vol_base * tenure_factor * np.where(mentored, leave_damp, 1.0)
        invol = invol_base
        p_vol = _yearly_to_monthly(vol)
        p_invol = _yearly_to_monthly(invol)
        leaves = employed & (u < p_vol + p_invol)
        left_day = np.where(leaves, day, left_day)
        voluntary = np.where(leaves, u < p_vol, voluntary)
        left |= leaves
    _hand_over(
        rng,
        pr,
        level[: base_people or n],
        hire,
        left,
        left_day,
        related or (lambda a, b: a == b),
        capacity,
    )
    mentee_start = np.full(n, never, dtype=np.int64)
    np.minimum.at(mentee_start, pr.mentee, pr.start)
    is_mentee = mentee_start < never
    last_day = np.where(left, left_day, 0)

    # Promotions, month by month backwards from today (or leaving): the level
    # then is the level today minus the promotions found since.
    level_now = level.astype(np.int64).copy()
    promo_person: list[np.ndarray] = []
    promo_day: list[np.ndarray] = []
    promo_level: list[np.ndarray] = []
    promo_base = np.exp(PERFORMANCE_ON_PROMOTION * performance)
    for m in range(months - 1, -1, -1):
        month_start = history_start + int(m * MONTH_DAYS)
        month_end = history_start + int((m + 1) * MONTH_DAYS)
        u = rng.random(n)
        day = month_start + (rng.random(n) * (month_end - month_start)).astype(np.int64)
        tenure_now = (day - hire) / 365.25
        employed = (hire < day) & (day < last_day) & (level_now >= 2)
        tenure_factor = np.where(tenure_now < 1, 0.4, np.where(tenure_now > 12, 0.6, 1.0))
        mentored = is_mentee & (mentee_start <= day)
        rate = (
            PROMOTION_RATE[level_now - 1]
            * promo_base
            * tenure_factor
            * np.where(mentored, promote_boost, 1.0)
        )
        promoted = employed & (u < _yearly_to_monthly(rate))
        who = np.flatnonzero(promoted)
        if len(who):
            promo_person.append(who)
            promo_day.append(day[who])
            promo_level.append(level_now[who].copy())
            level_now[who] -= 1

    # Moves: a change of division, function or place at a flat yearly rate.
    span = np.maximum(last_day - np.maximum(hire, history_start), 0)
    moves = rng.poisson(MOVE_RATE * span / 365.25)
    move_person = np.repeat(np.arange(n), moves)
    move_start = np.maximum(hire, history_start)[move_person]
    move_day = (
        move_start + 1 + (rng.random(len(move_person)) * (span[move_person] - 1)).astype(np.int64)
    )
    move_day = np.minimum(move_day, -1)

    hired_person = np.arange(n)
    left_person = np.flatnonzero(left)
    person = np.concatenate([hired_person, *promo_person, move_person, left_person]).astype(
        np.int64
    )
    day = np.concatenate([hire, *promo_day, move_day, left_day[left_person]]).astype(np.int64)
    n_promo = sum(len(p) for p in promo_person)
    kind = np.concatenate(
        [
            np.zeros(n, dtype=np.int64),
            np.ones(n_promo, dtype=np.int64),
            np.full(len(move_person), 2, dtype=np.int64),
            np.full(len(left_person), 3, dtype=np.int64),
        ]
    )
    new_level = np.concatenate(
        [
            np.zeros(n, dtype=np.int64),
            *promo_level,
            np.zeros(len(move_person) + len(left_person), dtype=np.int64),
        ]
    ).astype(np.int64)
    vol = np.concatenate(
        [
            np.full(n + n_promo + len(move_person), -1, dtype=np.int64),
            voluntary[left_person].astype(np.int64),
        ]
    )
    order = np.lexsort((kind, day, person))
    # A leaver's tenure is the tenure they left with.
    tenure = np.round((last_day - hire) / 365.25, 1)
    events = {
        "person": person[order],
        "day": day[order],
        "kind": kind[order],
        "new_level": new_level[order],
        "voluntary": vol[order],
    }
    return events, np.maximum(tenure, 0.0), last_day


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
    events, tenure_out, left_day = make_events(
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
    )

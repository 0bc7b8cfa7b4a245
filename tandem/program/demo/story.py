"""The demo program's story, generated as columns (numpy) before anything is written.

The story an executive sponsor should recognise:

* a real company: a CEO, division heads, a reporting-line tree, titles that
  match levels, many cultures and geographies;
* several cohorts (executive pairings, reverse mentoring on digital & AI,
  reciprocal across levels, a peer circle, last year's completed wave);
* mostly healthy pairings — check-ins on cadence, milestones met, ratings
  rising, both sides engaged — and about a fifth stalled, each in a way a
  program lead has seen: gone quiet, milestones overdue, ratings falling,
  only one side still turning up;
* one senior mentor carrying more active mentees than they said they could,
  and exactly one pairing inside a reporting line.

Everything is drawn from one seeded generator per stage and dates are days
relative to ``today``, so the same seed and ``today`` give identical rows.
Per-row Python work is limited to what cannot be vectorised cheaply
(composing names and feedback text, and matching with capacity pools).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tandem.program.bundle.spec import FLAGS
from tandem.program.demo import people as vocab
from tandem.program.demo import text as words
from tandem.program.demo.careers import build_careers
from tandem.program.demo.codes import ACTIVE, COMPLETED, ENDED, PAUSED, PROPOSED
from tandem.program.demo.tables import CohortPlan, Pairings, People, Table

# Health classes of a pairing in the story.
HEALTHY, WATCH, STALLED, OTHER = 0, 1, 2, 3
# Kinds of stall.
NO_CONTACT, OVERDUE_MILESTONES, FALLING_RATINGS, ONE_SIDED = 0, 1, 2, 3
STALL_KIND_NAMES = ("no_contact", "overdue_milestones", "falling_ratings", "one_sided")
STALL_KIND_WEIGHTS = np.array([0.35, 0.25, 0.20, 0.20])
# Healthy / watch / stalled among active pairings (about two thirds of all pairings
# are active, so about a fifth of the whole program is stalled).
CLASS_WEIGHTS = np.array([0.52, 0.16, 0.32])

KINDS = ("traditional", "reverse", "reciprocal", "peer")
STATUSES = ("proposed", "active", "paused", "completed", "ended")
SUBMITTERS = ("mentor", "mentee", "both")
CADENCES = np.array([14, 21, 30, 45])
CADENCE_WEIGHTS = np.array([0.60, 0.24, 0.12, 0.04])

OVERLOADED_PAIRINGS = 5
OVERLOADED_CAPACITY = 2


@dataclass
class Story:
    """Every table of the demo plus the ids of the story's named cases."""

    tables: list[Table]
    overloaded_mentor_id: str | None = None
    overloaded_pairing_ids: tuple[str, ...] = ()
    reporting_line_pairing_id: str | None = None
    healthy_pairing_ids: tuple[str, ...] = ()
    watch_pairing_ids: tuple[str, ...] = ()
    stalled_pairing_ids: tuple[str, ...] = ()
    stalled_by_kind: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Colleagues who take part in nothing, drawn alike to the mentees (``careers``).
    comparison_person_ids: tuple[str, ...] = ()


class _Days:
    """Day offsets (relative to today) → ``datetime.date``, through a lookup list."""

    LOW, HIGH = -3000, 1500

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._dates = [today + dt.timedelta(days=d) for d in range(self.LOW, self.HIGH)]

    def one(self, offset: int) -> dt.date:
        return self._dates[int(offset) - self.LOW]

    def many(self, offsets: np.ndarray) -> list[dt.date]:
        table = self._dates
        return [table[i] for i in (np.asarray(offsets, dtype=np.int64) - self.LOW).tolist()]

    def many_optional(self, offsets: np.ndarray, present: np.ndarray) -> list[dt.date | None]:
        values = self.many(np.where(present, offsets, 0))
        return [v if p else None for v, p in zip(values, present.tolist(), strict=True)]


def _rng(seed: int, stage: int) -> np.random.Generator:
    # One generator per stage: a change in one stage does not reshuffle the others.
    return np.random.default_rng([seed, stage])


def _choice_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One category per row of a (rows × categories) weight matrix."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cumulative[:, -1]
    return (cumulative < u[:, None]).sum(axis=1)


def _optional(values: list[Any], present: np.ndarray) -> list[Any]:
    return [v if p else None for v, p in zip(values, present.tolist(), strict=True)]


# --------------------------------------------------------------------------- people


def _make_people(seed: int, n: int) -> tuple[Table, People]:
    rng = _rng(seed, 1)
    n_div = len(vocab.DIVISIONS)
    n = max(n, n_div + 12)
    n_level7 = max(0, round(vocab.LEVEL7_SHARE * n) - n_div)
    n_rest = n - 1 - n_div - n_level7
    div_weights = np.array([share for _n, share, _f in vocab.DIVISIONS])
    div_weights = div_weights / div_weights.sum()

    level = np.concatenate(
        [
            [8],
            np.full(n_div + n_level7, 7),
            rng.choice(np.arange(1, 7), n_rest, p=vocab.LEVEL_WEIGHTS / vocab.LEVEL_WEIGHTS.sum()),
        ]
    ).astype(np.int64)
    division = np.concatenate(
        [[-1], np.arange(n_div), rng.choice(n_div, n_level7 + n_rest, p=div_weights)]
    ).astype(np.int64)
    # Managers precede their reports: sort by level, highest first (stable).
    order = np.argsort(-level, kind="stable")
    level, division = level[order], division[order]
    head_of = {int(division[i]): i for i in range(1, n_div + 1)}

    manager = np.full(n, -1, dtype=np.int64)
    manager[1 : n_div + 1] = 0
    for d in range(n_div):
        head = head_of[d]
        for lv in range(7, 0, -1):
            members = np.flatnonzero((division == d) & (level == lv))
            if lv == 7:
                members = members[members != head]
                manager[members] = head
                continue
            bosses = np.flatnonzero((division == d) & (level == lv + 1))
            if len(bosses) == 0:
                bosses = np.flatnonzero((division == d) & (level > lv))
            manager[members] = bosses[rng.integers(0, len(bosses), len(members))]

    # Ancestors (up to the CEO) of everyone: at most seven steps.
    ancestors: list[set[int]] = [set() for _ in range(n)]
    current = manager.copy()
    for _ in range(8):
        for i in np.flatnonzero(current >= 0).tolist():
            ancestors[i].add(int(current[i]))
        current = np.where(current >= 0, manager[np.maximum(current, 0)], -1)

    geo_weights = np.array([share for _g, share, _c in vocab.GEOGRAPHIES])
    geography = rng.choice(len(vocab.GEOGRAPHIES), n, p=geo_weights / geo_weights.sum())
    geography[0] = 0
    names, firsts, emails = vocab.compose_names(rng, geography)

    function_pick = rng.random(n)
    title_pick = rng.random(n)
    functions: list[str | None] = []
    titles: list[str] = []
    division_names: list[str] = []
    for i in range(n):
        d = int(division[i])
        lv = int(level[i])
        if d < 0:
            division_names.append(vocab.EXECUTIVE_OFFICE)
            functions.append("Executive Office")
            titles.append(vocab.TITLES[8][0])
            continue
        div_name, _share, div_functions = vocab.DIVISIONS[d]
        division_names.append(div_name)
        function = div_functions[int(function_pick[i] * len(div_functions))]
        options = vocab.TITLES[lv]
        base = options[int(title_pick[i] * len(options))]
        if lv == 7:
            functions.append(None)
            if head_of[d] == i:
                titles.append(vocab.DIVISION_HEAD_TITLES[div_name])
            else:
                titles.append(f"{base}, {div_name}")
        else:
            functions.append(function)
            titles.append(f"{base}, {function}")

    tenure = np.round(rng.gamma(2.0, (1.5 + 1.6 * level) / 2.0), 1)
    hours = rng.choice(np.array([2.0, 3.0, 4.0, 4.0, 6.0, 8.0]), n)
    senior = level >= 5
    cap_senior = rng.choice(np.array([0, 1, 2, 3, 4]), n, p=[0.03, 0.27, 0.42, 0.22, 0.06])
    cap_junior = rng.choice(np.array([0, 1, 2, 3]), n, p=[0.04, 0.48, 0.34, 0.14])
    max_mentees = np.where(senior, cap_senior, cap_junior).astype(np.int64)

    # Competencies: juniors teach digital skills, seniors want them (reverse mentoring).
    n_comp = len(vocab.COMPETENCIES)
    digital = np.array([c in vocab.DIGITAL_COMPETENCIES for c in vocab.COMPETENCIES])
    junior = (level <= 3)[:, None]
    strength_w = np.where(digital[None, :], np.where(junior, 3.0, 0.5), np.where(junior, 0.7, 1.5))
    goal_w = np.where(digital[None, :], np.where(junior, 0.4, 3.0), np.where(junior, 1.6, 0.8))
    gumbel_s = -np.log(-np.log(rng.random((n, n_comp))))
    gumbel_g = -np.log(-np.log(rng.random((n, n_comp))))
    score_s = np.log(strength_w) + gumbel_s
    rank_s = np.argsort(-score_s, axis=1)
    k_strength = rng.integers(2, 5, n)
    k_goal = rng.integers(1, 4, n)
    is_strength = np.zeros((n, n_comp), dtype=bool)
    for k in range(4):
        rows = np.flatnonzero(k_strength > k)
        is_strength[rows, rank_s[rows, k]] = True
    score_g = np.where(is_strength, -np.inf, np.log(goal_w) + gumbel_g)
    rank_g = np.argsort(-score_g, axis=1)
    comp = vocab.COMPETENCIES
    top_s, top_g = rank_s[:, :4].tolist(), rank_g[:, :3].tolist()
    strengths = [
        ";".join(comp[j] for j in top[:k])
        for top, k in zip(top_s, k_strength.tolist(), strict=True)
    ]
    goals = [
        ";".join(comp[j] for j in top[:k]) for top, k in zip(top_g, k_goal.tolist(), strict=True)
    ]

    style = rng.choice(
        len(vocab.LEARNING_STYLES),
        n,
        p=vocab.LEARNING_STYLE_WEIGHTS / vocab.LEARNING_STYLE_WEIGHTS.sum(),
    )
    group = rng.choice(len(vocab.GROUPS), n, p=vocab.GROUP_WEIGHTS / vocab.GROUP_WEIGHTS.sum())
    group_present = rng.random(n) >= vocab.GROUP_EMPTY_RATE

    numbers = rng.choice(900_000, n, replace=False) + 100_000
    ids = [f"E{number}" for number in numbers.tolist()]
    manager_ids = [ids[m] if m >= 0 else None for m in manager.tolist()]

    table = Table(
        "people",
        {
            "person_id": ids,
            "name": names,
            "email": emails,
            "title": titles,
            "level": level.tolist(),
            "division": division_names,
            "function": functions,
            "geography": [vocab.GEOGRAPHIES[g][0] for g in geography.tolist()],
            "manager_id": manager_ids,
            "tenure_years": tenure.tolist(),
            "strengths": strengths,
            "development_goals": goals,
            "learning_style": [vocab.LEARNING_STYLES[s] for s in style.tolist()],
            "monthly_hours": hours.tolist(),
            "max_mentees": max_mentees.tolist(),
            "group_name": _optional([vocab.GROUPS[g] for g in group.tolist()], group_present),
        },
    )
    info = People(
        ids,
        level,
        division,
        manager,
        max_mentees,
        names,
        firsts,
        ancestors,
        [s.split(";") for s in strengths],
        [g.split(";") for g in goals],
    )
    return table, info


# -------------------------------------------------------------------------- cohorts


def _make_cohorts(
    seed: int, pairings: int, people: People, days: _Days
) -> tuple[Table, list[CohortPlan]]:
    rng = _rng(seed, 2)
    heads = {int(people.division[i]): i for i in range(len(people.ids)) if people.level[i] == 7}
    division_index = {name: d for d, (name, _s, _f) in enumerate(vocab.DIVISIONS)}
    cto = heads.get(division_index["Technology"], 0)
    cpo = heads.get(division_index["People"], 0)
    coo = heads.get(division_index["Operations"], 0)

    def year(offset: int) -> int:
        # A program is named after the year most of it runs in.
        return days.one(offset + 180).year

    exec_start = -350
    base = [
        ("exec", f"Executive Pairings {year(exec_start)}", "executive", 0, exec_start, 65, 0, 0.30),
        ("reverse", "Reverse Mentoring: Digital & AI", "reverse", 1, -290, 60, cto, 0.20),
        ("reciprocal", "Reciprocal Across Levels", "reciprocal", 2, -380, 35, cpo, 0.20),
        ("peer", "Emerging Leaders Peer Circle", "peer", 3, -300, None, coo, 0.13),
    ]
    plans: list[CohortPlan] = []
    for slug, name, program_type, kind, start, length, sponsor, weight in base:
        end = None if length is None else start + 365 + length
        plans.append(
            CohortPlan(
                f"{slug}-{year(start)}",
                name,
                program_type,
                kind,
                start,
                end,
                sponsor,
                weight,
                False,
            )
        )
    old_start = exec_start - 380
    plans.append(
        CohortPlan(
            f"exec-{year(old_start)}",
            f"Executive Pairings {year(old_start)}",
            "executive",
            0,
            old_start,
            old_start + 365,
            0,
            0.17,
            True,
        )
    )
    # Larger programs run regional waves of the same programs.
    extra = min(30, pairings // 2500)
    seniors = np.flatnonzero(people.level >= 6)
    for k in range(extra):
        template = plans[k % 4]
        geography = vocab.GEOGRAPHIES[(k // 4 + 1) % len(vocab.GEOGRAPHIES)][0]
        wave = k // (4 * len(vocab.GEOGRAPHIES)) + 2
        suffix = f" — {geography}" + (f" (wave {wave})" if wave > 2 else "")
        slug = geography.lower().replace(" ", "-")
        shift = int(rng.integers(-30, 60))
        end = None if template.end is None else template.end + shift
        plans.append(
            CohortPlan(
                f"{template.cohort_id}-{slug}-{wave}",
                template.name + suffix,
                template.program_type,
                template.kind,
                template.start + shift,
                end,
                int(seniors[rng.integers(0, len(seniors))]) if len(seniors) else 0,
                template.weight,
                False,
            )
        )
    table = Table(
        "cohorts",
        {
            "cohort_id": [p.cohort_id for p in plans],
            "name": [p.name for p in plans],
            "program_type": [p.program_type for p in plans],
            "start_date": [days.one(p.start) for p in plans],
            "end_date": [None if p.end is None else days.one(p.end) for p in plans],
            "sponsor_id": [people.ids[p.sponsor] for p in plans],
        },
    )
    return table, plans


# ------------------------------------------------------------------------- pairings


class _Matcher:
    """Draws mentors from capacity slots and mentees without reuse, avoiding reporting lines."""

    def __init__(self, rng: np.random.Generator, people: People, reserved: dict[int, int]) -> None:
        self.rng = rng
        self.people = people
        self.slots: dict[int, list[int]] = {}
        self.mentees: dict[int, list[int]] = {}
        for lv in range(1, 9):
            members = np.flatnonzero(people.level == lv)
            caps = people.max_mentees[members].copy()
            for j, person in enumerate(members.tolist()):
                if person in reserved:
                    caps[j] = max(0, caps[j] - reserved[person])
            slots = np.repeat(members, caps)
            self.slots[lv] = rng.permutation(slots).tolist()
            self.mentees[lv] = rng.permutation(members).tolist()
        self.by_level = {lv: np.flatnonzero(people.level == lv) for lv in range(1, 9)}
        self.used_mentees: set[int] = set()

    def take_mentor(self, levels: list[int]) -> int:
        for lv in levels:
            if self.slots.get(lv):
                return self.slots[lv].pop()
        # Out of capacity in the band: an unplanned (mild) overload, rare by design.
        members = np.concatenate([self.by_level[lv] for lv in levels])
        return int(members[self.rng.integers(0, len(members))])

    def related(self, a: int, b: int) -> bool:
        return a == b or a in self.people.ancestors[b] or b in self.people.ancestors[a]

    def take_mentee(self, mentor: int, levels: list[int]) -> int:
        for lv in levels:
            queue = self.mentees.get(lv, [])
            for _attempt in range(min(6, len(queue))):
                person = queue.pop()
                if person in self.used_mentees:
                    continue
                if self.related(mentor, person):
                    queue.insert(0, person)
                    continue
                self.used_mentees.add(person)
                return person
        members = np.concatenate([self.by_level[lv] for lv in levels])
        for _attempt in range(50):
            person = int(members[self.rng.integers(0, len(members))])
            if not self.related(mentor, person):
                return person
        # A tiny organisation: anyone outside the mentor's line.
        for person in range(len(self.people.ids)):
            if not self.related(mentor, person):
                return person
        raise ValueError("the demo organisation is too small to pair anyone")


def _mentor_levels(kind: int, u: float) -> list[int]:
    """Mentor levels for one pairing of ``kind``, in order of preference (``u`` uniform)."""
    if kind == 0:  # traditional: a senior mentor
        lm = 5 if u < 0.45 else 6 if u < 0.85 else 7
        return [lm, *[x for x in (6, 5, 7) if x != lm]]
    if kind == 1:  # reverse: a junior mentor
        lm = 1 if u < 0.4 else 2 if u < 0.8 else 3
        return [lm, *[x for x in (2, 1, 3) if x != lm]]
    if kind == 2:  # reciprocal: across levels
        lm = 2 + int(u * 5)
        return [lm, *[x for x in (3, 4, 2, 5) if x != lm]]
    lm = 2 + int(u * 4)  # peer
    return [lm, *[x for x in (3, 2, 4) if x != lm]]


def _mentee_levels(kind: int, mentor_level: int, u: float) -> list[int]:
    """Mentee levels (in order of preference) that fit the kind, given the actual mentor."""
    if kind == 0:  # one to three levels below the mentor
        below = list(range(mentor_level - 1, max(2, mentor_level - 3) - 1, -1))
        below = below or [mentor_level - 1]
        turn = int(u * len(below))
        levels = below[turn:] + below[:turn]
    elif kind == 1:  # senior leaders
        first = 5 if u < 0.45 else 6 if u < 0.85 else 7
        levels = [first, 6, 5, 7]
    elif kind == 2:  # one level apart, either way
        step = -1 if u < 0.5 else 1
        levels = [mentor_level + step, mentor_level - step]
    else:  # near-peers
        levels = [mentor_level, mentor_level + 1, mentor_level - 1]
    return [lv for lv in levels if 1 <= lv <= 8]


def _make_pairings(seed: int, pairings: int, people: People, plans: list[CohortPlan]) -> Pairings:
    rng = _rng(seed, 3)
    p = pairings
    weights = np.array([c.weight for c in plans])
    # Regional waves share their program's weight with the main cohort.
    type_count: dict[str, int] = {}
    for c in plans:
        if not c.completed:
            type_count[c.program_type] = type_count.get(c.program_type, 0) + 1
    for j, c in enumerate(plans):
        if not c.completed:
            weights[j] /= type_count[c.program_type]
    cohort = np.sort(rng.choice(len(plans), p, p=weights / weights.sum()))
    completed_cohort = np.array([c.completed for c in plans])[cohort]
    kind = np.array([c.kind for c in plans])[cohort]
    cohort_start = np.array([c.start for c in plans])[cohort]

    u = rng.random(p)
    status_current = np.searchsorted(np.cumsum([0.04, 0.80, 0.05, 0.04, 0.07]), u, side="right")
    status_old = np.where(u < 0.8, COMPLETED, ENDED)
    status = np.where(completed_cohort, status_old, np.minimum(status_current, 4))

    start = cohort_start + rng.integers(0, 45, p)
    start = np.where(status == PROPOSED, rng.integers(1, 22, p), start)
    start = np.minimum(start, np.where(status == PROPOSED, 30, -150))
    cadence = rng.choice(CADENCES, p, p=CADENCE_WEIGHTS)
    # Mostly year-long contracts, some of six to nine months.
    planned_end = start + np.where(
        rng.random(p) < 0.75, rng.integers(270, 366, p), rng.integers(183, 270, p)
    )
    age = -start
    ended = np.zeros(p, dtype=np.int64)
    early_end = start + (rng.random(p) * np.maximum(age - 60, 1)).astype(np.int64) + 60
    finish = np.minimum(planned_end + rng.integers(-20, 15, p), -1)
    ended = np.where(status == COMPLETED, np.maximum(finish, start + 60), ended)
    ended = np.where(status == ENDED, np.minimum(early_end, -1), ended)
    has_ended = (status == COMPLETED) | (status == ENDED)
    ended = np.where(has_ended, np.maximum(ended, start), ended)
    pause = -rng.integers(20, 80, p)

    # Health of active pairings (the rest follow their status).
    health = np.full(p, OTHER)
    active = status == ACTIVE
    health[active] = rng.choice(3, int(active.sum()), p=CLASS_WEIGHTS)
    stall_kind = np.where(
        health == STALLED, rng.choice(4, p, p=STALL_KIND_WEIGHTS / STALL_KIND_WEIGHTS.sum()), -1
    )
    overloaded = np.zeros(p, dtype=bool)
    hollow = rng.random(p) < 0.05

    # ---- the named cases: the overloaded mentor and the reporting-line pairing
    exec_active = np.flatnonzero(active & (kind == 0) & ~completed_cohort).tolist()
    # A vice president: senior enough to be in demand, not a division head.
    senior = (
        np.flatnonzero(people.level == 6).tolist() or np.flatnonzero(people.level == 7).tolist()
    )
    reserved: dict[int, int] = {}
    mentor = np.full(p, -1, dtype=np.int64)
    mentee = np.full(p, -1, dtype=np.int64)
    overloaded_mentor: int | None = None
    reporting_line: int | None = None
    k_over = min(OVERLOADED_PAIRINGS, len(exec_active) - 1)
    if k_over > OVERLOADED_CAPACITY and senior:
        overloaded_mentor = int(senior[int(rng.integers(0, len(senior)))])
        people.max_mentees[overloaded_mentor] = OVERLOADED_CAPACITY
        reserved[overloaded_mentor] = 10**6  # no further mentees from the pools
        chosen = exec_active[:k_over]
        exec_active = exec_active[k_over:]
        overloaded[chosen] = True
        mentor[chosen] = overloaded_mentor
        # The story: a stretched mentor's mentees drift.
        story_health = [STALLED, STALLED, STALLED, WATCH, HEALTHY][:k_over]
        story_kind = [NO_CONTACT, ONE_SIDED, NO_CONTACT, -1, -1][:k_over]
        health[chosen] = story_health
        stall_kind[chosen] = story_kind
    if exec_active:
        candidates = [
            i
            for i in np.flatnonzero((people.level >= 2) & (people.level <= 5)).tolist()
            if people.manager[i] > 0 and people.level[people.manager[i]] <= 7
        ]
        if candidates:
            person = candidates[int(rng.integers(0, len(candidates)))]
            boss = int(people.manager[person])
            skip = int(people.manager[boss])
            line_mentor = skip if skip > 0 and skip != overloaded_mentor else boss
            if line_mentor != overloaded_mentor:
                reporting_line = exec_active.pop(0)
                mentor[reporting_line] = line_mentor
                mentee[reporting_line] = person
                reserved[line_mentor] = reserved.get(line_mentor, 0) + 1
                health[reporting_line] = HEALTHY
                stall_kind[reporting_line] = -1

    matcher = _Matcher(rng, people, reserved)
    if reporting_line is not None:
        matcher.used_mentees.add(int(mentee[reporting_line]))
    free = _Matcher(rng, people, {})  # last year's wave: capacity is history
    draws = rng.random((p, 2)).tolist()
    kinds = kind.tolist()
    for i in range(p):
        if mentee[i] >= 0:
            continue
        source = free if completed_cohort[i] else matcher
        if mentor[i] < 0:
            mentor[i] = source.take_mentor(_mentor_levels(kinds[i], draws[i][0]))
        levels = _mentee_levels(kinds[i], int(people.level[mentor[i]]), draws[i][1])
        mentee[i] = source.take_mentee(int(mentor[i]), levels)

    # Capacity ran out somewhere (tiny programs, a reserved slot): those mentors
    # said yes to one more, so the story keeps a single overloaded mentor.
    active_load = np.bincount(mentor[status == ACTIVE], minlength=len(people.ids))
    unplanned = active_load > people.max_mentees
    if overloaded_mentor is not None:
        unplanned[overloaded_mentor] = False
    people.max_mentees[unplanned] = active_load[unplanned]

    width = max(5, len(str(p)))
    ids = [f"PR-{i + 1:0{width}d}" for i in range(p)]

    # Objectives: natural learning-contract sentences from each side's profile.
    comp = vocab.COMPETENCIES
    pick = rng.random((p, 5))
    n_contexts = len(words.OBJECTIVE_CONTEXTS)
    level_names = {1: "analyst", 2: "senior", 3: "manager", 4: "director", 5: "senior director"}
    objectives: list[str | None] = []
    people_goals = people.goals
    people_strengths = people.strengths
    for i in range(p):
        if pick[i, 3] < 0.04:
            objectives.append(None)  # real programs have pairs that never wrote one
            continue
        templates = words.OBJECTIVE_TEMPLATES[KINDS[int(kind[i])]]
        template = templates[int(pick[i, 0] * len(templates))]
        goals = people_goals[int(mentee[i])] or [comp[0]]
        strengths = people_strengths[int(mentor[i])] or [comp[4]]
        goal = goals[int(pick[i, 1] * len(goals))]
        goal2 = goals[(int(pick[i, 1] * len(goals)) + 1) % len(goals)]
        if goal2 == goal:
            goal2 = comp[(comp.index(goal) + 7) % len(comp)]
        division_a = _division_name(people, int(mentor[i]))
        division_b = _division_name(people, int(mentee[i]))
        if division_b == division_a:
            division_b = "the front line"
        sentence = template.format(
            goal=goal,
            goal2=goal2,
            goal_area=division_b if division_b != "the front line" else division_a,
            strength=strengths[int(pick[i, 2] * len(strengths))],
            division=division_a,
            other_division=division_b,
            level_name=level_names.get(int(people.level[mentee[i]]), "senior leader"),
        )
        context = words.OBJECTIVE_CONTEXTS[int(pick[i, 4] * n_contexts)]
        sentence = sentence[:-1] + context.format(division=division_b) + "."
        objectives.append(sentence)
    if reporting_line is not None:
        objectives[reporting_line] = (
            "Prepare for a first vice-president role by taking on more of the division's "
            "stakeholder work."
        )

    return Pairings(
        ids,
        cohort,
        kind,
        status,
        start,
        planned_end,
        ended,
        has_ended,
        pause,
        cadence,
        mentor,
        mentee,
        health,
        stall_kind,
        overloaded,
        hollow,
        objectives,
        overloaded_mentor,
        reporting_line,
    )


def _division_name(people: People, person: int) -> str:
    d = int(people.division[person])
    return vocab.EXECUTIVE_OFFICE if d < 0 else vocab.DIVISIONS[d][0]


def _pairings_table(pr: Pairings, people: People, plans: list[CohortPlan], days: _Days) -> Table:
    planned_present = np.ones(len(pr.ids), dtype=bool)
    return Table(
        "pairings",
        {
            "pairing_id": pr.ids,
            "cohort_id": [plans[c].cohort_id for c in pr.cohort.tolist()],
            "mentor_id": [people.ids[m] for m in pr.mentor.tolist()],
            "mentee_id": [people.ids[m] for m in pr.mentee.tolist()],
            "kind": [KINDS[k] for k in pr.kind.tolist()],
            "status": [STATUSES[s] for s in pr.status.tolist()],
            "start_date": days.many(pr.start),
            "planned_end_date": days.many_optional(pr.planned_end, planned_present),
            "ended_date": days.many_optional(pr.ended, pr.has_ended),
            "cadence_days": pr.cadence.tolist(),
            "objective": pr.objectives,
        },
    )


# ----------------------------------------------------------------------- milestones


def _make_milestones(seed: int, pr: Pairings, days: _Days) -> Table:
    rng = _rng(seed, 4)
    p = len(pr.ids)
    stalled_ms = pr.stall_kind == OVERDUE_MILESTONES
    count = rng.integers(2, 6, p)
    count = np.where(rng.random(p) < 0.08, 0, count)
    count = np.where(stalled_ms, np.maximum(count, 3), count)
    count = np.where(pr.status == PROPOSED, np.where(rng.random(p) < 0.5, 0, 2), count)
    m = int(count.sum())
    owner = np.repeat(np.arange(p), count)
    k = np.arange(m) - np.repeat(np.cumsum(count) - count, count)
    n = count[owner]
    start = pr.start[owner]
    span = np.maximum(pr.planned_end[owner] - start - 20, 10)
    due = start + 20 + ((k + 1) / (n + 1) * span).astype(np.int64) + rng.integers(-6, 7, m)
    # A stalled contract: all but the last milestone fell due and are still open.
    past_span = np.maximum(-5 - (start + 20), 2)
    due_stalled = start + 20 + ((k + 1) / n * past_span).astype(np.int64)
    ms_row = stalled_ms[owner]
    due = np.where(ms_row & (k < n - 1), np.minimum(due_stalled, -3), due)
    due = np.maximum(due, start + 7)

    health = pr.health[owner]
    status = pr.status[owner]
    has_ended = pr.has_ended[owner]
    limit = np.where(has_ended, pr.ended[owner], 0)
    past = due < limit
    u = rng.random(m)
    done = np.zeros(m, dtype=bool)
    done |= past & np.isin(health, [HEALTHY, WATCH]) & (status == ACTIVE)
    done |= past & (health == STALLED) & ~ms_row & (u < 0.55)
    done |= past & (status == PAUSED) & (u < 0.7)
    done |= has_ended & (status == COMPLETED) & (u < 0.85)
    done |= has_ended & (status == ENDED) & (u < 0.45)
    # A stalled contract keeps at most its first milestone done, so 2+ stay overdue.
    done = np.where(ms_row, past & (k == 0) & (n >= 4), done)
    # The watch list: exactly the latest past-due milestone is still open.
    last_past = np.zeros(p, dtype=np.int64) - 1
    watch_past = np.flatnonzero((health == WATCH) & past)
    np.maximum.at(last_past, owner[watch_past], k[watch_past])
    done &= ~((health == WATCH) & (k == last_past[owner]))
    early = ~past & (health == HEALTHY) & (u < 0.05) & (status == ACTIVE)
    done |= early
    missed = has_ended & ~done

    late = rng.random(m) < 0.2
    on_time = due - rng.integers(0, 15, m)
    late_day = due + rng.integers(2, 25, m)
    completed = np.where(late & past, late_day, on_time)
    completed = np.where(early, -rng.integers(0, 10, m), completed)
    completed = np.minimum(completed, limit)
    completed = np.maximum(completed, start)

    u_status = rng.random(m)
    status_col: list[str | None] = []
    for is_done, is_missed, is_past, us in zip(
        done.tolist(), missed.tolist(), past.tolist(), u_status.tolist(), strict=True
    ):
        if is_missed:
            status_col.append("missed")  # cannot be derived from dates: always given
        elif is_done:
            status_col.append("done" if us < 0.6 else None)
        elif is_past:
            status_col.append("in_progress" if us < 0.4 else None)
        else:
            status_col.append("planned" if us < 0.35 else "in_progress" if us < 0.6 else None)

    title_base = rng.integers(0, len(words.MILESTONES), p)[owner]
    title_index = ((title_base + k * 5) % len(words.MILESTONES)).tolist()
    no_criteria = (rng.random(m) < 0.1) | pr.hollow_contract[owner]
    titles = [words.MILESTONES[t][0] for t in title_index]
    criteria = _optional([words.MILESTONES[t][1] for t in title_index], ~no_criteria)
    width = max(6, len(str(m)))
    return Table(
        "milestones",
        {
            "milestone_id": [f"MS-{i + 1:0{width}d}" for i in range(m)],
            "pairing_id": [pr.ids[o] for o in owner.tolist()],
            "title": titles,
            "success_criteria": criteria,
            "due_date": days.many(due),
            "completed_date": days.many_optional(completed, done),
            "status": status_col,
        },
    )


# ------------------------------------------------------------------------- check-ins


@dataclass
class _CheckIns:
    owner: np.ndarray
    day: np.ndarray
    progress: np.ndarray
    submitted: np.ndarray  # 0 mentor, 1 mentee, 2 both
    last_day: np.ndarray  # per pairing: last check-in day, or its start when none
    one_sided_side: np.ndarray  # per pairing: 0 mentor / 1 mentee


def _make_checkins(seed: int, pr: Pairings, days: _Days) -> tuple[Table, _CheckIns]:
    rng = _rng(seed, 5)
    p = len(pr.ids)
    cadence = pr.cadence.astype(np.float64)
    health, kind_of_stall = pr.health, pr.stall_kind
    first = pr.start + rng.integers(3, 12, p)
    end = np.where(pr.has_ended, pr.ended, 0)
    end = np.where(pr.status == PAUSED, np.maximum(pr.pause, pr.start), end)
    factor = np.select(
        [health == HEALTHY, health == WATCH, health == STALLED],
        [rng.uniform(0.75, 0.92, p), rng.uniform(0.88, 1.0, p), rng.uniform(1.0, 1.3, p)],
        rng.uniform(0.8, 1.05, p),
    )
    interval = cadence * factor
    watch_gap = (cadence * rng.uniform(1.2, 1.8, p)).astype(np.int64)
    end = np.where(health == WATCH, -watch_gap, end)
    threshold = np.maximum(2 * pr.cadence, 45)
    no_contact = kind_of_stall == NO_CONTACT
    end = np.where(no_contact, -(threshold + rng.integers(8, 60, p)), end)
    other_stalled = (health == STALLED) & ~no_contact
    end = np.where(other_stalled, -(rng.random(p) * cadence * 0.5).astype(np.int64), end)
    need_history = (kind_of_stall == FALLING_RATINGS) | (kind_of_stall == ONE_SIDED)
    # The schedule is anchored on the last meeting, so the silence before today
    # is exactly what the story says (healthy: under one cadence; quiet: longer).
    lag = np.select(
        [health == HEALTHY, health == WATCH, health == STALLED],
        [rng.uniform(0.0, 0.8, p) * interval, np.zeros(p), np.zeros(p)],
        rng.uniform(0.0, 0.5, p) * interval,
    ).astype(np.int64)
    last = end - lag
    room = last - first
    interval = np.where(need_history, np.minimum(interval, np.maximum(room, 0) / 5.0), interval)
    interval = np.maximum(interval, 7.0)
    count = np.where(room >= 0, np.floor(np.maximum(room, 0) / interval).astype(np.int64) + 1, 0)
    count = np.where(pr.status == PROPOSED, 0, count)

    m = int(count.sum())
    owner = np.repeat(np.arange(p), count)
    k = np.arange(m) - np.repeat(np.cumsum(count) - count, count)
    n = count[owner]
    back = np.floor((n - 1 - k) * interval[owner]).astype(np.int64)
    day = last[owner] - back + rng.integers(-2, 3, m)
    day = np.minimum(np.maximum(day, pr.start[owner]), last[owner])
    progress = k / np.maximum(n - 1, 1)

    # Ratings: a trend per pairing plus per-dimension offsets and a little noise.
    falling = kind_of_stall == FALLING_RATINGS
    a = np.select(
        [health == HEALTHY, health == WATCH, falling, health == STALLED, pr.status == COMPLETED],
        [
            rng.uniform(2.4, 3.0, p),
            rng.uniform(3.0, 3.4, p),
            rng.uniform(4.1, 4.5, p),
            rng.uniform(2.8, 3.4, p),
            rng.uniform(2.6, 3.1, p),
        ],
        rng.uniform(3.0, 3.5, p),
    )
    delta = np.select(
        [health == HEALTHY, health == WATCH, falling, health == STALLED, pr.status == COMPLETED],
        [
            rng.uniform(1.3, 1.8, p),
            rng.uniform(0.0, 0.4, p),
            rng.uniform(-2.1, -1.6, p),
            rng.uniform(-0.3, 0.2, p),
            rng.uniform(1.0, 1.5, p),
        ],
        rng.uniform(-0.6, 0.1, p),
    )
    trend = a[owner] + delta[owner] * progress
    dim_offset = np.array([0.0, -0.15, -0.35, 0.25])[None, :] + rng.normal(0, 0.2, (p, 4))
    raw = trend[:, None] + dim_offset[owner] + rng.normal(0, 0.28, (m, 4))
    ratings = np.clip(np.rint(raw), 1, 5).astype(np.int64)
    unrated = (rng.random(m) < 0.06) & ~falling[owner]
    learn_base = np.array([2.4, 4.0, 3.8, 3.3])[pr.kind]
    learn_raw = learn_base[owner] + 0.4 * progress * (health[owner] == HEALTHY)
    learning = np.clip(np.rint(learn_raw + rng.normal(0, 0.5, m)), 1, 5).astype(np.int64)
    no_learning = unrated | (rng.random(m) < np.where(pr.kind[owner] == 0, 0.15, 0.05))

    # Who submitted: healthy pairs mostly both; the last meeting is always both,
    # except in one-sided pairings, where only one party has logged lately.
    stalled_row = health[owner] == STALLED
    u = rng.random(m)
    submitted = np.where(
        stalled_row,
        np.where(u < 0.35, 2, np.where(u < 0.7, 0, 1)),
        np.where(u < 0.6, 2, np.where(u < 0.8, 0, 1)),
    )
    submitted = np.where(k == n - 1, 2, submitted)
    side = np.where(rng.random(p) < 0.7, 1, 0)  # 1: only the mentee still logs
    side = np.where(pr.overloaded, 1, side)
    tail = rng.integers(3, 6, p)
    one_sided = (kind_of_stall == ONE_SIDED)[owner] & (k >= n - tail[owner])
    submitted = np.where(one_sided, side[owner], submitted)

    duration = np.where(
        stalled_row,
        rng.choice(np.array([20, 25, 30, 30, 45]), m),
        rng.choice(np.array([30, 45, 60, 60, 75, 90]), m),
    )
    no_duration = rng.random(m) < 0.03

    last_day = pr.start.copy()
    if m:
        np.maximum.at(last_day, owner, day)

    width = max(7, len(str(m)))
    not_unrated = ~unrated
    columns: dict[str, list[Any]] = {
        "checkin_id": [f"CI-{i + 1:0{width}d}" for i in range(m)],
        "pairing_id": [pr.ids[o] for o in owner.tolist()],
        "date": days.many(day),
        "duration_minutes": _optional(duration.tolist(), ~no_duration),
        "submitted_by": [SUBMITTERS[s] for s in submitted.tolist()],
    }
    for j, name in enumerate(("clarity", "confidence", "influence", "safety")):
        columns[name] = _optional(ratings[:, j].tolist(), not_unrated)
    columns["mentor_learning"] = _optional(learning.tolist(), ~no_learning)
    info = _CheckIns(owner, day, progress, submitted, last_day, side)
    return Table("checkins", columns), info


# -------------------------------------------------------------------------- feedback

# Theme weights per pairing kind, in ``words.THEMES`` order:
# scheduling, trust, stakeholders, strategy, delegation, career, cross-functional,
# digital, difficult conversations, fit.
_THEME_BY_KIND = np.array(
    [
        [1.0, 1.0, 2.0, 2.0, 1.5, 1.5, 0.7, 0.3, 1.0, 0.7],
        [1.0, 1.0, 0.4, 0.4, 0.2, 0.6, 1.0, 4.0, 0.5, 0.8],
        [1.0, 1.0, 0.8, 1.0, 0.5, 1.0, 3.0, 1.5, 0.7, 0.8],
        [1.0, 1.2, 1.0, 1.0, 1.5, 2.0, 1.0, 0.5, 1.5, 0.8],
    ]
)
# What a stall sounds like: row 0 no stall, then one row per stall kind.
_THEME_BY_STALL = np.array(
    [
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [5.0, 1.0, 0.5, 0.5, 0.5, 0.7, 0.5, 0.7, 0.7, 1.5],
        [1.0, 1.0, 1.0, 1.3, 0.8, 1.0, 0.8, 1.0, 1.0, 3.0],
        [2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 0.8, 1.0, 1.0, 2.0],
        [3.0, 2.5, 0.8, 0.8, 0.8, 1.0, 0.8, 1.0, 2.0, 2.0],
    ]
)
_SENTIMENT_BY_HEALTH = {
    "healthy": (0.68, 0.24, 0.08),
    "watch": (0.35, 0.40, 0.25),
    "stalled": (0.12, 0.33, 0.55),
    "completed": (0.55, 0.30, 0.15),
    "ended": (0.15, 0.35, 0.50),
    "paused": (0.25, 0.40, 0.35),
}
_SOURCES = ("checkin_note", "after_action_review", "journal", "360", "survey", "other")
_SOURCE_WEIGHTS = np.array([0.50, 0.11, 0.20, 0.06, 0.09, 0.04])
_ROLES = ("mentor", "mentee", "sponsor", "peer", "lead")
_VISIBILITIES = ("private", "program", "shareable")
_PROGRAM_PREFIXES = (
    "",
    "",
    "Mid-point check: ",
    "From the sponsor round-table: ",
    "Lead's note: ",
    "Pulse survey: ",
    "After the cohort check-in: ",
    "Quarterly review: ",
)


_SURVEY_PREFIXES = ("Mid-point check: ", "Pulse survey: ")


def _sentiment_probs(pr: Pairings, owner: np.ndarray, progress: np.ndarray) -> np.ndarray:
    table = _SENTIMENT_BY_HEALTH
    health = pr.health[owner]
    status = pr.status[owner]
    probs = np.empty((len(owner), 3))
    probs[:] = table["paused"]
    probs[status == COMPLETED] = table["completed"]
    probs[status == ENDED] = table["ended"]
    probs[health == HEALTHY] = table["healthy"]
    probs[health == WATCH] = table["watch"]
    probs[health == STALLED] = table["stalled"]
    # Falling ratings: the notes were upbeat before they soured.
    early_falling = (pr.stall_kind[owner] == FALLING_RATINGS) & (progress < 0.35)
    probs[early_falling] = table["healthy"]
    return probs


def _make_feedback(
    seed: int,
    pr: Pairings,
    ci: _CheckIns,
    people: People,
    plans: list[CohortPlan],
    days: _Days,
) -> Table:
    rng = _rng(seed, 6)
    # 1. Notes that follow a meeting (about half of them).
    chosen = np.flatnonzero(rng.random(len(ci.owner)) < 0.5)
    owner_a = ci.owner[chosen]
    day_a = np.minimum(ci.day[chosen] + rng.integers(0, 4, len(chosen)), 0)
    progress_a = ci.progress[chosen]
    source_a = rng.choice(len(_SOURCES), len(chosen), p=_SOURCE_WEIGHTS)
    # 2. Pairs that went quiet: the mentee or the lead writes about the silence.
    quiet = np.flatnonzero(pr.stall_kind == NO_CONTACT)
    quiet_count = rng.integers(1, 4, len(quiet))
    owner_b = np.repeat(quiet, quiet_count)
    low = np.minimum(ci.last_day[owner_b] + pr.cadence[owner_b], -1)
    day_b = low + (rng.random(len(owner_b)) * (-1 - low)).astype(np.int64)
    progress_b = np.ones(len(owner_b))
    source_b = np.where(rng.random(len(owner_b)) < 0.6, 2, 5)  # journal or other
    # 3. Completed pairings close with an after-action review.
    closed = np.flatnonzero(pr.status == COMPLETED)
    owner_c = closed
    day_c = pr.ended[closed]
    progress_c = np.ones(len(closed))
    source_c = np.full(len(closed), 1)

    owner = np.concatenate([owner_a, owner_b, owner_c]).astype(np.int64)
    day = np.concatenate([day_a, day_b, day_c]).astype(np.int64)
    progress = np.concatenate([progress_a, progress_b, progress_c])
    source = np.concatenate([source_a, source_b, source_c]).astype(np.int64)
    quiet_row = np.concatenate(
        [np.zeros(len(owner_a), bool), np.ones(len(owner_b), bool), np.zeros(len(owner_c), bool)]
    )
    f = len(owner)

    # Author: who writes depends on the source; one-sided pairs hear from one side only.
    u = rng.random(f)
    pair_role = np.where(u < 0.7, 1, 0)  # mentees keep the journals
    role = pair_role.copy()
    role = np.where(source == 3, np.where(u < 0.7, 3, 4), role)  # 360: peers, the lead
    role = np.where(source == 4, np.where(u < 0.6, 1, 0), role)  # survey
    role = np.where(source == 5, np.where(u < 0.5, 4, pair_role), role)  # other
    role = np.where(quiet_row, np.where(u < 0.3, 4, np.where(u < 0.8, 1, 0)), role)
    one_sided = pr.stall_kind[owner] == ONE_SIDED
    role = np.where(one_sided & (role <= 1), ci.one_sided_side[owner], role)

    # Theme and sentiment.
    stall_row = np.where(pr.stall_kind[owner] >= 0, pr.stall_kind[owner] + 1, 0)
    weights = _THEME_BY_KIND[pr.kind[owner]] * _THEME_BY_STALL[stall_row]
    weights[:, 0] *= np.where(pr.overloaded[owner], 3.0, 1.0)
    weights[quiet_row] = _THEME_BY_STALL[1] * np.array([3.0] + [1.0] * 9)
    theme = _choice_rows(rng, weights)
    sentiment = _choice_rows(rng, _sentiment_probs(pr, owner, progress))
    sentiment = np.where(quiet_row, 2, sentiment)

    # Visibility: journals are mostly private.
    journal = source == 2
    visibility = np.where(
        journal,
        _choice_rows(rng, np.tile([0.6, 0.3, 0.1], (f, 1))),
        _choice_rows(rng, np.tile([0.12, 0.53, 0.35], (f, 1))),
    )
    # Hand-coded themes only where the note is about its theme (not an observer's note).
    coded = (rng.random(f) < 0.035) & (role <= 1)

    texts = _compose_notes(rng, pr, people, owner, role, theme, sentiment, days)

    # 4. Program-level notes: cohort only, no pairing.
    n_program = max(3, round(0.02 * f))
    cohort_of_note = rng.integers(0, len(plans), n_program)
    program_days = []
    for c in cohort_of_note.tolist():
        plan = plans[c]
        hi = min(0, plan.end if plan.end is not None else 0)
        lo = min(plan.start + 30, hi)
        program_days.append(int(rng.integers(lo, hi + 1)))
    program_sent = _choice_rows(rng, np.tile([0.35, 0.40, 0.25], (n_program, 1)))
    prefix = rng.integers(0, len(_PROGRAM_PREFIXES), n_program)
    pick = rng.random(n_program)
    share = rng.integers(38, 92, n_program)
    add_share = rng.random(n_program) < 0.7
    program_texts = []
    for j in range(n_program):
        pool = words.PROGRAM_NOTES[words.SENTIMENTS[int(program_sent[j])]]
        body = pool[int(pick[j] * len(pool))]
        note = _PROGRAM_PREFIXES[int(prefix[j])] + body
        if add_share[j] and _PROGRAM_PREFIXES[int(prefix[j])] in _SURVEY_PREFIXES:
            note += f" ({int(share[j])}% of pairs responded.)"
        program_texts.append(note)
    program_role = np.where(rng.random(n_program) < 0.7, 4, 2)
    program_source = np.where(rng.random(n_program) < 0.6, 4, 5)
    program_visibility = np.where(rng.random(n_program) < 0.6, 1, 2)

    total = f + n_program
    width = max(7, len(str(total)))
    cohort_ids = [plans[c].cohort_id for c in pr.cohort.tolist()]
    themes = words.THEMES
    return Table(
        "feedback",
        {
            "feedback_id": [f"FB-{i + 1:0{width}d}" for i in range(total)],
            "pairing_id": [pr.ids[o] for o in owner.tolist()] + [None] * n_program,
            "cohort_id": [cohort_ids[o] for o in owner.tolist()]
            + [plans[c].cohort_id for c in cohort_of_note.tolist()],
            "date": days.many(day) + days.many(np.array(program_days, dtype=np.int64)),
            "source": [_SOURCES[s] for s in source.tolist()]
            + [_SOURCES[s] for s in program_source.tolist()],
            "author_role": [_ROLES[r] for r in role.tolist()]
            + [_ROLES[r] for r in program_role.tolist()],
            "visibility": [_VISIBILITIES[v] for v in visibility.tolist()]
            + [_VISIBILITIES[v] for v in program_visibility.tolist()],
            "text": texts + program_texts,
            "coded_theme": _optional([themes[t] for t in theme.tolist()], coded)
            + [None] * n_program,
        },
    )


def _compose_notes(
    rng: np.random.Generator,
    pr: Pairings,
    people: People,
    owner: np.ndarray,
    role: np.ndarray,
    theme: np.ndarray,
    sentiment: np.ndarray,
    days: _Days,
) -> list[str]:
    """One natural note per row: a short note, or opener + body (+ body) (+ closer)."""
    f = len(owner)
    themes, sentiments = words.THEMES, words.SENTIMENTS
    bodies = [[words.BODIES[t][s] for s in sentiments] for t in themes]
    mentor_bodies = [[words.MENTOR_BODIES[t][s] for s in sentiments] for t in themes]
    observer = [words.OBSERVER_BODIES[s] for s in sentiments]
    shorts = [[words.SHORT_NOTES[t][s] for s in sentiments] for t in themes]
    openers = [words.OPENERS[s] for s in sentiments]
    closers = [words.CLOSERS[s] for s in sentiments]
    u = rng.random((f, 8))
    month_of_start = [days.one(s).month - 1 for s in pr.start.tolist()]
    mentor_first = [people.first_names[m] for m in pr.mentor.tolist()]
    mentee_first = [people.first_names[m] for m in pr.mentee.tolist()]
    texts: list[str] = []
    rows = zip(
        owner.tolist(), role.tolist(), theme.tolist(), sentiment.tolist(), u.tolist(), strict=True
    )
    uv = rng.random(f).tolist()
    for i, (o, r, t, s, uu) in enumerate(rows):
        name = mentor_first[o] if r == 1 else mentee_first[o]
        if uu[0] < 0.10 and r == 1:
            pool = shorts[t][s]
            note = pool[int(uu[1] * len(pool))]
        else:
            # Each author writes in their own voice: the mentee about the
            # mentor, the mentor about the mentee, others from the outside.
            pool = bodies[t][s] if r == 1 else mentor_bodies[t][s] if r == 0 else observer[s]
            first = int(uu[1] * len(pool))
            parts = []
            if uu[2] < 0.55:
                parts.append(openers[s][int(uu[3] * len(openers[s]))])
            parts.append(pool[first])
            if uu[4] < 0.35 and r <= 1 and len(pool) > 1:
                second = (first + 1 + int(uu[5] * (len(pool) - 1))) % len(pool)
                parts.append(pool[second])
            if uu[6] < 0.5:
                parts.append(closers[s][int(uu[7] * len(closers[s]))])
            note = " ".join(parts)
        if "{" in note:
            if "{name}" in note and r <= 1 and uv[i] < (0.3 if r == 1 else 0.7):
                # Often people write "my mentor" rather than the name.
                note = _role_word(note, "my mentor" if r == 1 else "my mentee")
            note = note.replace("{name}", name).replace(
                "{month}", words.MONTH_NAMES[month_of_start[o]]
            )
        texts.append(note)
    return texts


def _role_word(note: str, word: str) -> str:
    """Put ``word`` where ``{name}`` stands, capitalised where it starts a sentence."""
    head, _sep, tail = note.partition("{name}")
    starts = not head.strip() or head.rstrip().endswith((".", "!", "?", ":"))
    return head + (word.capitalize() if starts else word) + tail


# ----------------------------------------------------------------------------- flags


def _make_flags(seed: int, pr: Pairings, people: People, days: _Days) -> Table:
    rng = _rng(seed, 7)
    people_division = {name: d for d, (name, _s, _f) in enumerate(vocab.DIVISIONS)}
    leads_pool = np.flatnonzero(
        (people.division == people_division["People"]) & (people.level >= 3) & (people.level <= 5)
    )
    leads = [people.names[i] for i in leads_pool[:3].tolist()] or ["Programme office"]
    reason_of_kind = ("no_contact", "missed_milestones", "low_ratings", "mismatch")
    stalled = np.flatnonzero((pr.health == STALLED) & ~pr.overloaded)
    chosen = stalled[rng.random(len(stalled)) < 0.35].tolist()
    entries: list[tuple[int, str]] = [(i, reason_of_kind[int(pr.stall_kind[i])]) for i in chosen]
    overloaded = np.flatnonzero(pr.overloaded).tolist()
    if overloaded:
        entries.insert(0, (overloaded[0], "capacity"))
    rows: dict[str, list[Any]] = {column.name: [] for column in FLAGS.all_columns}
    width = max(5, len(str(len(entries))))
    for n, (i, reason) in enumerate(entries):
        raised_day = max(-int(rng.integers(1, 40)), int(pr.start[i]))
        raised_at = dt.datetime.combine(days.one(raised_day), dt.time(int(rng.integers(8, 18)), 0))
        raised_at += dt.timedelta(minutes=int(rng.integers(0, 60)))
        u = float(rng.random())
        status = "open" if u < 0.5 or n == 0 else "in_progress" if u < 0.8 else "resolved"
        notes = words.FLAG_NOTES[reason]
        rows["flag_id"].append(f"FL-{n + 1:0{width}d}")
        rows["pairing_id"].append(pr.ids[i])
        rows["raised_by"].append(leads[int(rng.integers(0, len(leads)))])
        rows["raised_at"].append(raised_at)
        rows["reason"].append(reason)
        rows["note"].append(notes[int(rng.integers(0, len(notes)))])
        rows["status"].append(status)
        if status == "resolved":
            resolved_day = min(raised_day + int(rng.integers(1, 20)), 0)
            resolved_at = dt.datetime.combine(days.one(resolved_day), dt.time(16, 30))
            rows["resolved_at"].append(max(resolved_at, raised_at))
            resolutions = words.FLAG_RESOLUTIONS
            rows["resolution"].append(resolutions[int(rng.integers(0, len(resolutions)))])
        else:
            rows["resolved_at"].append(None)
            rows["resolution"].append(None)
        has_owner = status != "open" or rng.random() < 0.3
        rows["owner"].append(leads[int(rng.integers(0, len(leads)))] if has_owner else None)
    return Table("flags", rows)


# ----------------------------------------------------------------------------- story


def build_story(
    pairings: int,
    seed: int,
    today: dt.date,
    progress: Callable[[str], None] | None = None,
) -> Story:
    """Generate every table of the demo (nothing is written here)."""

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    days = _Days(today)
    people_table, people = _make_people(seed, round(1.6 * pairings))
    say(f"generated {len(people_table):,} people")
    cohort_table, plans = _make_cohorts(seed, pairings, people, days)
    pr = _make_pairings(seed, pairings, people, plans)
    # The overloaded mentor's stated capacity was lowered for the story.
    people_table.columns["max_mentees"] = people.max_mentees.tolist()
    # Careers before the pairings' details: a pairing whose mentor or mentee left
    # ends that day, and its meetings, milestones and notes stop there too.
    careers = build_careers(seed, people_table, people, pr, plans, today)
    pr.health[careers.ended_by_departure] = OTHER
    pr.stall_kind[careers.ended_by_departure] = -1
    pairing_table = _pairings_table(pr, people, plans, days)
    say(f"generated {len(cohort_table)} cohorts and {len(pairing_table):,} pairings")
    milestone_table = _make_milestones(seed, pr, days)
    checkin_table, checkins = _make_checkins(seed, pr, days)
    say(f"generated {len(milestone_table):,} milestones and {len(checkin_table):,} check-ins")
    feedback_table = _make_feedback(seed, pr, checkins, people, plans, days)
    flag_table = _make_flags(seed, pr, people, days)
    say(f"generated {len(feedback_table):,} feedback notes and {len(flag_table)} flags")
    for name, values in careers.people.items():
        people_table.columns[name] = people_table.columns[name] + values
    people_table.columns["tenure_years"] = careers.tenure_years
    event_table = Table("career_events", careers.events)
    say(
        f"generated {len(careers.comparison_ids):,} colleagues to compare with "
        f"and {len(event_table):,} career events"
    )

    def ids_where(mask: np.ndarray) -> tuple[str, ...]:
        return tuple(pr.ids[i] for i in np.flatnonzero(mask).tolist())

    return Story(
        tables=[
            people_table,
            cohort_table,
            pairing_table,
            milestone_table,
            checkin_table,
            feedback_table,
            flag_table,
            event_table,
        ],
        overloaded_mentor_id=(
            people.ids[pr.overloaded_mentor] if pr.overloaded_mentor is not None else None
        ),
        overloaded_pairing_ids=ids_where(pr.overloaded),
        reporting_line_pairing_id=(
            pr.ids[pr.reporting_line] if pr.reporting_line is not None else None
        ),
        healthy_pairing_ids=ids_where(pr.health == HEALTHY),
        watch_pairing_ids=ids_where(pr.health == WATCH),
        stalled_pairing_ids=ids_where(pr.health == STALLED),
        stalled_by_kind={
            name: ids_where(pr.stall_kind == k) for k, name in enumerate(STALL_KIND_NAMES)
        },
        comparison_person_ids=tuple(careers.comparison_ids),
    )

"""The demo's pairings: who is paired with whom, in which cohort, since when and how
it is going, with the story's two named cases.

``make_pairings`` tells it in order: each pairing's cohort, its status and dates, its
health (mostly healthy, about a fifth stalled, each stall of a kind a lead has
seen), then the named cases — one senior mentor carrying more active mentees than
they said they could, and exactly one pairing inside a reporting line — then
everyone else matched by level with capacity, and a learning contract for each.
"""

from __future__ import annotations

import numpy as np

from tandem.program.demo import people as vocab
from tandem.program.demo import text as words
from tandem.program.demo.codes import (
    ACTIVE,
    COMPLETED,
    ENDED,
    HEALTHY,
    NO_CONTACT,
    ONE_SIDED,
    OTHER,
    PROPOSED,
    STALLED,
    WATCH,
)
from tandem.program.demo.draw import Days, stage_rng
from tandem.program.demo.tables import CohortPlan, Pairings, People, Table

KINDS = ("traditional", "reverse", "reciprocal", "peer")
STATUSES = ("proposed", "active", "paused", "completed", "ended")
#: Shares of proposed, active, paused, completed and ended pairings in running cohorts.
STATUS_WEIGHTS = (0.04, 0.80, 0.05, 0.04, 0.07)
CADENCES = np.array([14, 21, 30, 45])
CADENCE_WEIGHTS = np.array([0.60, 0.24, 0.12, 0.04])
STALL_KIND_WEIGHTS = np.array([0.35, 0.25, 0.20, 0.20])
# Healthy / watch / stalled among active pairings (about two thirds of all pairings
# are active, so about a fifth of the whole program is stalled).
CLASS_WEIGHTS = np.array([0.52, 0.16, 0.32])

OVERLOADED_PAIRINGS = 5
OVERLOADED_CAPACITY = 2


def make_pairings(seed: int, pairings: int, people: People, plans: list[CohortPlan]) -> Pairings:
    """Every pairing of the story (``people.max_mentees`` changes where the story says so)."""
    rng = stage_rng(seed, 3)
    pr = _statuses_and_dates(rng, _cohorts(rng, pairings, plans), plans)
    _draw_health(rng, pr)
    exec_active = np.flatnonzero(
        (pr.status == ACTIVE) & (pr.kind == 0) & ~_completed(pr, plans)
    ).tolist()
    reserved: dict[int, int] = {}
    exec_active = _overload_one_mentor(rng, pr, people, exec_active, reserved)
    _pair_inside_a_reporting_line(rng, pr, people, exec_active, reserved)
    _match_everyone_else(rng, pr, people, plans, reserved)
    _stretch_capacity(pr, people)
    pr.objectives = _objectives(rng, pr, people)
    return pr


def _completed(pr: Pairings, plans: list[CohortPlan]) -> np.ndarray:
    return np.array([c.completed for c in plans])[pr.cohort]


def _cohorts(rng: np.random.Generator, p: int, plans: list[CohortPlan]) -> np.ndarray:
    """Each pairing's cohort (sorted), by the cohorts' weights."""
    weights = np.array([c.weight for c in plans])
    # Regional waves share their program's weight with the main cohort.
    type_count: dict[str, int] = {}
    for c in plans:
        if not c.completed:
            type_count[c.program_type] = type_count.get(c.program_type, 0) + 1
    for j, c in enumerate(plans):
        if not c.completed:
            weights[j] /= type_count[c.program_type]
    return np.sort(rng.choice(len(plans), p, p=weights / weights.sum()))


def _statuses_and_dates(
    rng: np.random.Generator, cohort: np.ndarray, plans: list[CohortPlan]
) -> Pairings:
    """Statuses, starts, cadences, contract lengths and ends; nobody is paired yet."""
    p = len(cohort)
    completed_cohort = np.array([c.completed for c in plans])[cohort]
    kind = np.array([c.kind for c in plans])[cohort]
    cohort_start = np.array([c.start for c in plans])[cohort]

    u = rng.random(p)
    status_current = np.searchsorted(np.cumsum(STATUS_WEIGHTS), u, side="right")
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
    width = max(5, len(str(p)))
    return Pairings(
        ids=[f"PR-{i + 1:0{width}d}" for i in range(p)],
        cohort=cohort,
        kind=kind,
        status=status,
        start=start,
        planned_end=planned_end,
        ended=ended,
        has_ended=has_ended,
        pause=pause,
        cadence=cadence,
        mentor=np.full(p, -1, dtype=np.int64),
        mentee=np.full(p, -1, dtype=np.int64),
        health=np.full(p, OTHER),
        stall_kind=np.full(p, -1),
        overloaded=np.zeros(p, dtype=bool),
        hollow_contract=np.zeros(p, dtype=bool),
        objectives=[],
        overloaded_mentor=None,
        reporting_line=None,
    )


def _draw_health(rng: np.random.Generator, pr: Pairings) -> None:
    """Health of active pairings (the rest follow their status), how the stalled ones
    stalled, and the contracts written without success criteria."""
    p = len(pr.ids)
    active = pr.status == ACTIVE
    pr.health[active] = rng.choice(3, int(active.sum()), p=CLASS_WEIGHTS)
    pr.stall_kind = np.where(
        pr.health == STALLED, rng.choice(4, p, p=STALL_KIND_WEIGHTS / STALL_KIND_WEIGHTS.sum()), -1
    )
    pr.hollow_contract = rng.random(p) < 0.05


def _overload_one_mentor(
    rng: np.random.Generator,
    pr: Pairings,
    people: People,
    exec_active: list[int],
    reserved: dict[int, int],
) -> list[int]:
    """One vice president takes ``OVERLOADED_PAIRINGS`` active executive pairings while
    saying they can carry ``OVERLOADED_CAPACITY``; returns the executive pairings left."""
    # A vice president: senior enough to be in demand, not a division head.
    senior = (
        np.flatnonzero(people.level == 6).tolist() or np.flatnonzero(people.level == 7).tolist()
    )
    k_over = min(OVERLOADED_PAIRINGS, len(exec_active) - 1)
    if k_over <= OVERLOADED_CAPACITY or not senior:
        return exec_active
    mentor = int(senior[int(rng.integers(0, len(senior)))])
    pr.overloaded_mentor = mentor
    people.max_mentees[mentor] = OVERLOADED_CAPACITY
    reserved[mentor] = 10**6  # no further mentees from the pools
    chosen = exec_active[:k_over]
    pr.overloaded[chosen] = True
    pr.mentor[chosen] = mentor
    # The story: a stretched mentor's mentees drift.
    pr.health[chosen] = [STALLED, STALLED, STALLED, WATCH, HEALTHY][:k_over]
    pr.stall_kind[chosen] = [NO_CONTACT, ONE_SIDED, NO_CONTACT, -1, -1][:k_over]
    return exec_active[k_over:]


def _pair_inside_a_reporting_line(
    rng: np.random.Generator,
    pr: Pairings,
    people: People,
    exec_active: list[int],
    reserved: dict[int, int],
) -> None:
    """Exactly one healthy executive pairing whose mentor is the mentee's skip-level
    (or manager)."""
    if not exec_active:
        return
    candidates = [
        i
        for i in np.flatnonzero((people.level >= 2) & (people.level <= 5)).tolist()
        if people.manager[i] > 0 and people.level[people.manager[i]] <= 7
    ]
    if not candidates:
        return
    person = candidates[int(rng.integers(0, len(candidates)))]
    boss = int(people.manager[person])
    skip = int(people.manager[boss])
    line_mentor = skip if skip > 0 and skip != pr.overloaded_mentor else boss
    if line_mentor == pr.overloaded_mentor:
        return
    i = exec_active[0]
    pr.reporting_line = i
    pr.mentor[i] = line_mentor
    pr.mentee[i] = person
    reserved[line_mentor] = reserved.get(line_mentor, 0) + 1
    pr.health[i] = HEALTHY
    pr.stall_kind[i] = -1


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


def _match_everyone_else(
    rng: np.random.Generator,
    pr: Pairings,
    people: People,
    plans: list[CohortPlan],
    reserved: dict[int, int],
) -> None:
    """A mentor of the kind's levels with a free slot, then a mentee who fits them."""
    matcher = _Matcher(rng, people, reserved)
    if pr.reporting_line is not None:
        matcher.used_mentees.add(int(pr.mentee[pr.reporting_line]))
    free = _Matcher(rng, people, {})  # last year's wave: capacity is history
    completed_cohort = _completed(pr, plans)
    draws = rng.random((len(pr.ids), 2)).tolist()
    kinds = pr.kind.tolist()
    mentor, mentee = pr.mentor, pr.mentee
    for i in range(len(pr.ids)):
        if mentee[i] >= 0:
            continue
        source = free if completed_cohort[i] else matcher
        if mentor[i] < 0:
            mentor[i] = source.take_mentor(_mentor_levels(kinds[i], draws[i][0]))
        levels = _mentee_levels(kinds[i], int(people.level[mentor[i]]), draws[i][1])
        mentee[i] = source.take_mentee(int(mentor[i]), levels)


def _stretch_capacity(pr: Pairings, people: People) -> None:
    """Capacity ran out somewhere (tiny programs, a reserved slot): those mentors said
    yes to one more, so the story keeps a single overloaded mentor."""
    active_load = np.bincount(pr.mentor[pr.status == ACTIVE], minlength=len(people.ids))
    unplanned = active_load > people.max_mentees
    if pr.overloaded_mentor is not None:
        unplanned[pr.overloaded_mentor] = False
    people.max_mentees[unplanned] = active_load[unplanned]


def _objectives(rng: np.random.Generator, pr: Pairings, people: People) -> list[str | None]:
    """Natural learning-contract sentences from each side's profile."""
    p = len(pr.ids)
    comp = vocab.COMPETENCIES
    pick = rng.random((p, 5))
    n_contexts = len(words.OBJECTIVE_CONTEXTS)
    level_names = {1: "analyst", 2: "senior", 3: "manager", 4: "director", 5: "senior director"}
    objectives: list[str | None] = []
    for i in range(p):
        if pick[i, 3] < 0.04:
            objectives.append(None)  # real programs have pairs that never wrote one
            continue
        mentor, mentee = int(pr.mentor[i]), int(pr.mentee[i])
        templates = words.OBJECTIVE_TEMPLATES[KINDS[int(pr.kind[i])]]
        template = templates[int(pick[i, 0] * len(templates))]
        goals = people.goals[mentee] or [comp[0]]
        strengths = people.strengths[mentor] or [comp[4]]
        goal = goals[int(pick[i, 1] * len(goals))]
        goal2 = goals[(int(pick[i, 1] * len(goals)) + 1) % len(goals)]
        if goal2 == goal:
            goal2 = comp[(comp.index(goal) + 7) % len(comp)]
        division_a = _division_name(people, mentor)
        division_b = _division_name(people, mentee)
        if division_b == division_a:
            division_b = "the front line"
        sentence = template.format(
            goal=goal,
            goal2=goal2,
            goal_area=division_b if division_b != "the front line" else division_a,
            strength=strengths[int(pick[i, 2] * len(strengths))],
            division=division_a,
            other_division=division_b,
            level_name=level_names.get(int(people.level[mentee]), "senior leader"),
        )
        context = words.OBJECTIVE_CONTEXTS[int(pick[i, 4] * n_contexts)]
        sentence = sentence[:-1] + context.format(division=division_b) + "."
        objectives.append(sentence)
    if pr.reporting_line is not None:
        objectives[pr.reporting_line] = (
            "Prepare for a first vice-president role by taking on more of the division's "
            "stakeholder work."
        )
    return objectives


def _division_name(people: People, person: int) -> str:
    d = int(people.division[person])
    return vocab.EXECUTIVE_OFFICE if d < 0 else vocab.DIVISIONS[d][0]


def pairings_table(pr: Pairings, people: People, plans: list[CohortPlan], days: Days) -> Table:
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

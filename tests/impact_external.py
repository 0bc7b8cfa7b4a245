"""An HR population written as a program bundle, outside Tandem's own demo: the external check.

Issue #16 is checked by importing a bundle built from HR retention records
with a planted mentoring effect and a selection bias, and reading
``python -m tandem impact --json``.  This module builds such a bundle from
first principles, sharing nothing with ``tandem.program.demo`` (no code, no
rates, no vocabulary), so the estimator is judged on data it was not tuned on.

**The population.**  ``HEADCOUNT`` employees at ``HISTORY_START`` (levels 1–6
as a pyramid, five divisions, four regions, tenure skewed towards the first
years), joined by new hires every month (mostly at levels 1–2), followed
month by month until ``DATA_END``.  Each month an employee may leave and,
separately, be promoted one level, at yearly rates that depend on level,
tenure, division and region (``LEAVE_BY_LEVEL`` and its factors: about 12 %
a year over the company; ``PROMOTION_BY_LEVEL``: about 10 %).  Tenure acts
within the bands Tandem matches on (the first year differs from the second),
so matching on bands leaves some confounding in, as real data would.  A few
people move division each year (``MOVE_RATE``): the people file holds the
division they ended in, as an HR extract does.

**Selection.**  At each cohort's start, mentees are drawn among the employees
of levels 1–4 with a weight that rises steeply with how likely they were to
stay and be promoted anyway (``SELECTION``, on the log-odds of those rates),
so the naive participants-versus-everyone difference flatters the program.
Mentors are drawn among levels 5–6 without regard to their prospects.

**The planted effect.**  From their cohort's start, a mentee's monthly chance
of leaving is multiplied by ``EFFECT_ON_LEAVING`` and of being promoted by
``EFFECT_ON_PROMOTION``.  The truth to recover is the effect on the treated
as the estimator defines it (retained ``MONTHS`` after the start; promoted
within them): the same months are simulated again for the mentees without
the effect, with the same random draws, and ``truth`` is the mean difference
of the two outcomes over the mentees.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HISTORY_START = dt.date(2022, 1, 1)
DATA_END = dt.date(2025, 6, 30)
#: Cohort starts, as months after ``HISTORY_START``.
COHORT_MONTHS = (20, 26)  # 2023-09-01 and 2024-03-01
MONTHS = 12
HEADCOUNT = 6000
HIRES_PER_MONTH = 55
MENTEES_PER_COHORT = 250
MENTORS_PER_COHORT = 160

LEVEL_SHARES = np.array([0.35, 0.25, 0.18, 0.12, 0.07, 0.03])  # levels 1..6
HIRE_LEVEL_SHARES = np.array([0.60, 0.25, 0.10, 0.05])  # levels 1..4
DIVISIONS = ("Sales", "Engineering", "Operations", "Finance", "People")
REGIONS = ("Americas", "EMEA", "APAC", "India")
#: Yearly rates by level (index = level; 0 unused).
LEAVE_BY_LEVEL = np.array([0, 0.16, 0.14, 0.12, 0.10, 0.08, 0.07, 0.06, 0.05])
PROMOTION_BY_LEVEL = np.array([0, 0.14, 0.12, 0.10, 0.08, 0.06, 0.04, 0.02, 0.0])
LEAVE_BY_DIVISION = np.array([1.25, 1.0, 1.1, 0.9, 0.85])
LEAVE_BY_REGION = np.array([1.0, 0.85, 1.15, 1.3])
PROMOTION_BY_DIVISION = np.array([1.0, 1.35, 0.8, 0.95, 0.75])
PROMOTION_BY_REGION = np.array([1.0, 0.85, 1.1, 1.35])
MOVE_RATE = 0.03
#: Weight of selection on the log-odds of staying and of being promoted.
SELECTION = 3.0
#: What the selection looks at: the chance of promotion, and of staying for the level.
PROMOTION_WEIGHT = 1.5
STAYING_WEIGHT = 1.5
EFFECT_ON_LEAVING = 0.5
EFFECT_ON_PROMOTION = 1.6


def _leave_tenure(years: np.ndarray) -> np.ndarray:
    return np.select([years < 1, years < 2, years < 5, years < 10], [1.6, 1.25, 1.0, 0.8], 0.65)


def _promotion_tenure(years: np.ndarray) -> np.ndarray:
    return np.select([years < 1, years < 3, years < 7], [0.35, 1.2, 1.05], 0.9)


def _monthly(yearly: np.ndarray) -> np.ndarray:
    return 1.0 - np.power(1.0 - np.clip(yearly, 0.0, 0.95), 1.0 / 12.0)


def _month_start(month: int) -> dt.date:
    year, index = divmod(HISTORY_START.month - 1 + month, 12)
    return dt.date(HISTORY_START.year + year, index + 1, 1)


@dataclass(frozen=True)
class External:
    """What was written, and the truth the estimate must recover."""

    path: Path
    #: True effect on mentees (all cohorts), as a difference of shares.
    truth: dict[str, float]
    mentees: int
    people: int


@dataclass
class _People:
    level: np.ndarray
    division: np.ndarray
    region: np.ndarray
    hire_day: np.ndarray  # days after HISTORY_START (negative: before it)
    hire_month: np.ndarray  # first month employed (0 for those already there)


def _population(rng: np.random.Generator) -> _People:
    months = (DATA_END.year - HISTORY_START.year) * 12 + DATA_END.month - HISTORY_START.month
    n0 = HEADCOUNT
    n1 = HIRES_PER_MONTH * months
    level = np.concatenate(
        [rng.choice(6, n0, p=LEVEL_SHARES) + 1, rng.choice(4, n1, p=HIRE_LEVEL_SHARES) + 1]
    )
    n = n0 + n1
    division = rng.choice(len(DIVISIONS), n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    region = rng.choice(len(REGIONS), n, p=[0.4, 0.3, 0.15, 0.15])
    # Tenure at the history's start: many in their first years, a long tail.
    tenure = np.minimum(rng.exponential(5.5, n0) + 0.2 * (level[:n0] - 1), 38.0)
    hire_month = np.concatenate([np.zeros(n0, dtype=np.int64), np.arange(n1) // HIRES_PER_MONTH])
    first = np.array([(_month_start(int(m)) - HISTORY_START).days for m in hire_month[n0:]])
    hire_day = np.concatenate(
        [-np.round(tenure * 365.25).astype(np.int64) - 1, first + rng.integers(1, 27, n1)]
    )
    return _People(level, division, region, hire_day, hire_month)


def _rates(p: _People, level: np.ndarray, day: int) -> tuple[np.ndarray, np.ndarray]:
    """Yearly leaving and promotion rates of everyone at ``day`` (before any mentoring)."""
    years = (day - p.hire_day) / 365.25
    leave = (
        LEAVE_BY_LEVEL[level]
        * _leave_tenure(years)
        * LEAVE_BY_DIVISION[p.division]
        * LEAVE_BY_REGION[p.region]
    )
    promote = (
        PROMOTION_BY_LEVEL[level]
        * _promotion_tenure(years)
        * PROMOTION_BY_DIVISION[p.division]
        * PROMOTION_BY_REGION[p.region]
    )
    return leave, promote


def _logit(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 1e-4, 1 - 1e-4)
    return np.log(x / (1 - x))


def generate(path: Path, seed: int) -> External:
    """Write the bundle (people, cohorts, pairings, events) under ``path``; return the truth."""
    rng = np.random.default_rng([seed, 1616])
    p = _population(rng)
    n = len(p.level)
    months = (DATA_END.year - HISTORY_START.year) * 12 + DATA_END.month - HISTORY_START.month
    level = p.level.copy()
    division = p.division.copy()
    left_month = np.full(n, -1)
    left_day = np.zeros(n, dtype=np.int64)
    promotions: list[tuple[int, int, int]] = []  # (person, day, new level)
    moves: list[tuple[int, int]] = []
    mentee_month = np.full(n, -1)
    mentor_of: list[tuple[int, int, int]] = []  # (cohort, mentor, mentee)
    # The counterfactual of the mentees, run beside them on the same draws.
    shadow_level = level.copy()
    shadow_left = np.full(n, -1)
    shadow_promoted = np.full(n, -1)
    promoted_first = np.full(n, -1)
    taken_as_mentor = np.zeros(n, dtype=bool)

    for m in range(months):
        start = _month_start(m)
        start_day = (start - HISTORY_START).days
        length = (_month_start(m + 1) - start).days
        employed = (p.hire_month <= m) & (left_month < 0)
        if m in COHORT_MONTHS:
            cohort = COHORT_MONTHS.index(m)
            leave, promote = _rates(p, level, start_day)
            ready = employed & (p.hire_day < start_day)
            # Eligible: levels 1-4 with a year in the company, never mentored before.
            eligible = ready & (level <= 4) & (start_day - p.hire_day > 365) & (mentee_month < 0)
            pool = np.flatnonzero(eligible)
            # Likely to rise and to stay, for someone of their level.
            lv = level[pool]
            score = PROMOTION_WEIGHT * np.log(
                promote[pool] / PROMOTION_BY_LEVEL[lv]
            ) - STAYING_WEIGHT * np.log(leave[pool] / LEAVE_BY_LEVEL[lv])
            weight = np.exp(SELECTION * (score - score.max()))
            chosen = rng.choice(pool, MENTEES_PER_COHORT, replace=False, p=weight / weight.sum())
            mentee_month[chosen] = m
            shadow_level[chosen] = level[chosen]
            seniors = np.flatnonzero(ready & (level >= 5) & (mentee_month < 0))
            mentors = rng.choice(seniors, MENTORS_PER_COHORT, replace=False)
            taken_as_mentor[mentors] = True
            for j, mentee in enumerate(chosen.tolist()):
                mentor_of.append((cohort, int(mentors[j % len(mentors)]), mentee))
        leave, promote = _rates(p, level, start_day)
        treated = (mentee_month >= 0) & (mentee_month <= m)
        q_leave = _monthly(leave * np.where(treated, EFFECT_ON_LEAVING, 1.0))
        q_promote = _monthly(promote * np.where(treated, EFFECT_ON_PROMOTION, 1.0))
        u_leave, u_promote = rng.random(n), rng.random(n)
        day = start_day + 1 + (rng.random(n) * (length - 1)).astype(np.int64)
        day = np.maximum(day, p.hire_day + 1)  # a hire's first month: after the hiring
        leaves = employed & (u_leave < q_leave)
        promoted = employed & ~leaves & (u_promote < q_promote) & (level < 8)
        # The mentees' shadow: the same draws, untreated, within the outcome window.
        window = treated & (m < mentee_month + MONTHS)
        s_leave, s_promote = _rates(p, shadow_level, start_day)
        s_alive = window & (shadow_left < 0)
        s_leaves = s_alive & (u_leave < _monthly(s_leave))
        s_promoted = s_alive & ~s_leaves & (u_promote < _monthly(s_promote))
        shadow_left[s_leaves] = m
        shadow_promoted[s_promoted & (shadow_promoted < 0)] = m
        shadow_level[s_promoted] += 1
        for person in np.flatnonzero(promoted).tolist():
            level[person] += 1
            promotions.append((person, int(day[person]), int(level[person])))
            if promoted_first[person] < 0 and 0 <= mentee_month[person] <= m:
                promoted_first[person] = m
        left_month[leaves] = m
        left_day[leaves] = day[leaves]
        movers = employed & ~leaves & (rng.random(n) < _monthly(np.full(n, MOVE_RATE)))
        for person in np.flatnonzero(movers).tolist():
            division[person] = (division[person] + 1 + rng.integers(0, len(DIVISIONS) - 1)) % len(
                DIVISIONS
            )
            moves.append((person, int(day[person])))

    mentees = np.flatnonzero(mentee_month >= 0)
    start = mentee_month[mentees]
    stayed = ~((left_month[mentees] >= 0) & (left_month[mentees] < start + MONTHS))
    shadow_stayed = ~((shadow_left[mentees] >= 0) & (shadow_left[mentees] < start + MONTHS))
    rose = (promoted_first[mentees] >= 0) & (promoted_first[mentees] < start + MONTHS)
    shadow_rose = shadow_promoted[mentees] >= 0
    truth = {
        "retention": float(stayed.mean() - shadow_stayed.mean()),
        "promotion": float(rose.mean() - shadow_rose.mean()),
    }
    _write(path, p, level, division, left_day, left_month, promotions, moves, mentor_of, rng)
    return External(path, truth, len(mentees), n)


def _iso(day: int) -> str:
    return (HISTORY_START + dt.timedelta(days=int(day))).isoformat()


def _write(
    path: Path,
    p: _People,
    level: np.ndarray,
    division: np.ndarray,
    left_day: np.ndarray,
    left_month: np.ndarray,
    promotions: list[tuple[int, int, int]],
    moves: list[tuple[int, int]],
    mentor_of: list[tuple[int, int, int]],
    rng: np.random.Generator,
) -> None:
    path.mkdir(parents=True, exist_ok=True)
    n = len(level)
    ids = [f"HR{i:06d}" for i in range(n)]
    end_day = (DATA_END - HISTORY_START).days
    gone = left_month >= 0
    last = np.where(gone, left_day, end_day)
    tenure = np.round((last - p.hire_day) / 365.25, 1)
    with open(path / "people.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "name", "level", "division", "geography", "tenure_years"])
        for i in range(n):
            w.writerow(
                [
                    ids[i],
                    f"Employee {i:06d}",
                    int(level[i]),
                    DIVISIONS[division[i]],
                    REGIONS[p.region[i]],
                    max(float(tenure[i]), 0.0),
                ]
            )
    with open(path / "cohorts.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["cohort_id", "name", "program_type", "start_date", "end_date"])
        for c, month in enumerate(COHORT_MONTHS):
            begin = _month_start(month)
            w.writerow([f"X{c + 1}", f"Wave {c + 1}", "executive", begin, _month_start(month + 12)])
    with open(path / "pairings.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                *("pairing_id", "cohort_id", "mentor_id", "mentee_id", "status"),
                *("start_date", "planned_end_date", "ended_date"),
            ]
        )
        for k, (c, mentor, mentee) in enumerate(mentor_of):
            begin_day = (_month_start(COHORT_MONTHS[c]) - HISTORY_START).days
            planned = (_month_start(COHORT_MONTHS[c] + 12) - HISTORY_START).days
            quits = [left_day[x] for x in (mentor, mentee) if gone[x] and left_day[x] < planned]
            status, ended = ("ended", min(quits)) if quits else ("completed", planned)
            w.writerow(
                [
                    *(f"P{k + 1:05d}", f"X{c + 1}", ids[mentor], ids[mentee], status),
                    *(_iso(begin_day), _iso(planned), _iso(max(ended, begin_day))),
                ]
            )
    with open(path / "events.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["event_id", "person_id", "date", "kind", "new_level", "voluntary"])
        number = 0

        def row(person: int, day: int, kind: str, new_level: str = "", voluntary: str = "") -> None:
            nonlocal number
            number += 1
            w.writerow([f"V{number:07d}", ids[person], _iso(day), kind, new_level, voluntary])

        for i in range(n):
            row(i, int(p.hire_day[i]), "hired")
        for person, day, new in promotions:
            row(person, day, "promoted", str(new))
        for person, day in moves:
            row(person, day, "moved")
        for i in np.flatnonzero(gone).tolist():
            row(i, int(left_day[i]), "left", voluntary=str(bool(rng.random() < 0.75)).lower())

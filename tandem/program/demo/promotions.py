"""Promotions in the demo's careers, and the organisation as they leave it today.

Whoever takes part was picked on their level when their first cohort began: their
promotions are drawn forwards from that level after that day and backwards before
it, so being picked never depends on a promotion still to come (issue #16).
Everyone else's are drawn backwards from their level today."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tandem.program.demo import people as vocab
from tandem.program.demo.rates import (
    HISTORY_YEARS,
    NEVER,
    PERFORMANCE_ON_PROMOTION,
    PROMOTION_RATE,
    Lives,
    history_month,
    yearly_to_monthly,
)
from tandem.program.demo.tables import People


@dataclass
class Promotions:
    person: np.ndarray
    day: np.ndarray
    new_level: np.ndarray


def draw_promotions(
    rng: np.random.Generator,
    lives: Lives,
    level: np.ndarray,
    last_day: np.ndarray,
    mentee_start: np.ndarray,
    picked_on: np.ndarray,
) -> tuple[Promotions, np.ndarray]:
    """Promotions, and everyone's level today (or on leaving).

    Whoever takes part was picked on their level when their first cohort began
    (``picked_on``): their career is drawn backwards from that level before that
    day and forwards from it after, so whether someone was picked never depends on
    a promotion still to come.  Everyone else's is drawn backwards from today."""
    anchor = np.where(picked_on < NEVER, picked_on, 0)
    before = _promotions_backwards(rng, lives, level, np.minimum(last_day, anchor + 1))
    after, level_today = _promotions_forwards(
        rng, lives, level, anchor, last_day, mentee_start, picked_on < NEVER
    )
    return Promotions(
        np.concatenate([before.person, after.person]),
        np.concatenate([before.day, after.day]),
        np.concatenate([before.new_level, after.new_level]),
    ), level_today


def _promotion_rate(
    lives: Lives,
    yearly: np.ndarray,
    from_level: np.ndarray,
    day: np.ndarray,
    mentored: np.ndarray,
) -> np.ndarray:
    """Monthly chance of a promotion out of ``from_level`` on ``day``: by level
    (``yearly``), performance and tenure, and the planted effect where ``mentored``."""
    tenure_now = (day - lives.hire) / 365.25
    tenure_factor = np.where(tenure_now < 1, 0.4, np.where(tenure_now > 12, 0.6, 1.0))
    rate = (
        yearly[from_level]
        * np.exp(PERFORMANCE_ON_PROMOTION * lives.performance)
        * tenure_factor
        * np.where(mentored, lives.promote_boost, 1.0)
    )
    return yearly_to_monthly(rate)


def _month_days(rng: np.random.Generator, m: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(uniform draw, day) per person for month ``m`` of the history."""
    month_start, month_end = history_month(m)
    u = rng.random(n)
    day = month_start + (rng.random(n) * (month_end - month_start)).astype(np.int64)
    return u, day


def _promotions_backwards(
    rng: np.random.Generator, lives: Lives, level: np.ndarray, until: np.ndarray
) -> Promotions:
    """Promotions before ``until`` (exclusive), month by month backwards: the level
    then is ``level`` minus the promotions found since.

    Looking back from a level, a promotion into it is likelier where the level below
    holds more people (everyone promoted out of level L lands among the fewer at
    L + 1): the yearly rate out of L is scaled by how many hold L against L + 1, so
    that a person at level L on any day is promoted at about ``PROMOTION_RATE[L]``
    a year from then on, as those drawn forwards are (``_promotions_forwards``)."""
    n = len(level)
    held = np.bincount(level, minlength=len(PROMOTION_RATE)).astype(float)
    yearly = PROMOTION_RATE.copy()
    # Not into the CEO's level (one person): that rate stays as it is.
    yearly[1:7] *= held[1:7] / np.maximum(held[2:8], 1.0)
    level_now = level.astype(np.int64).copy()
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for m in range(HISTORY_YEARS * 12 - 1, -1, -1):
        u, day = _month_days(rng, m, n)
        employed = (lives.hire < day) & (day < until) & (level_now >= 2)
        chance = _promotion_rate(lives, yearly, level_now - 1, day, np.zeros(n, dtype=bool))
        who = np.flatnonzero(employed & (u < chance))
        if len(who):
            found.append((who, day[who], level_now[who].copy()))
            level_now[who] -= 1
    return _stack(found)


def _promotions_forwards(
    rng: np.random.Generator,
    lives: Lives,
    level: np.ndarray,
    since: np.ndarray,
    last_day: np.ndarray,
    mentee_start: np.ndarray,
    who_moves: np.ndarray,
) -> tuple[Promotions, np.ndarray]:
    """Promotions of ``who_moves`` after ``since``, month by month forwards from
    ``level`` (the planted effect from a mentee's first pairing on); returns them
    and everyone's level at the end.  Nobody becomes a second CEO: level 7 is the
    top a promotion reaches."""
    n = len(level)
    level_now = level.astype(np.int64).copy()
    is_mentee = mentee_start < NEVER
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for m in range(HISTORY_YEARS * 12):
        u, day = _month_days(rng, m, n)
        employed = who_moves & (since < day) & (lives.hire < day) & (day < last_day)
        mentored = is_mentee & (mentee_start <= day)
        chance = _promotion_rate(lives, PROMOTION_RATE, level_now, day, mentored)
        who = np.flatnonzero(employed & (level_now < 7) & (u < chance))
        if len(who):
            level_now[who] += 1
            found.append((who, day[who], level_now[who].copy()))
    return _stack(found), level_now


def _stack(found: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Promotions:
    empty = np.zeros(0, dtype=np.int64)
    return Promotions(
        *(np.concatenate([part[j] for part in found] or [empty]).astype(np.int64) for j in range(3))
    )


def promote_in_the_table(
    rng: np.random.Generator, table: dict[str, list[Any]], people: People, level: np.ndarray
) -> dict[str, list[Any]]:
    """The organisation's level, title, function and manager columns as they are today,
    for those whose career went up since the story picked them: a title that fits
    the new level, and a manager at least as senior (the nearest one up the line)."""
    columns = {name: list(table[name]) for name in ("level", "title", "function", "manager_id")}
    moved = np.flatnonzero(level != people.level).tolist()
    picks = rng.random(len(moved)).tolist()
    for i, u in zip(moved, picks, strict=True):
        lv = int(level[i])
        options = vocab.TITLES[lv]
        base = options[int(u * len(options))]
        columns["level"][i] = lv
        if lv == 7:
            columns["function"][i] = None
            columns["title"][i] = f"{base}, {table['division'][i]}"
        else:
            columns["title"][i] = f"{base}, {table['function'][i]}"
        boss = int(people.manager[i])
        while level[boss] < lv:
            boss = int(people.manager[boss])
        columns["manager_id"][i] = people.ids[boss]
    return columns

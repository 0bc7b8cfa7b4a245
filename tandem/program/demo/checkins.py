"""The demo's check-ins: meetings on cadence in healthy pairings, a gap on the watch
list, and each kind of stall as a lead would see it — silence, ratings falling, or
only one side still logging — with ratings that follow each pairing's trend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tandem.program import models
from tandem.program.demo.codes import (
    COMPLETED,
    FALLING_RATINGS,
    HEALTHY,
    NO_CONTACT,
    ONE_SIDED,
    PAUSED,
    PROPOSED,
    STALLED,
    WATCH,
)
from tandem.program.demo.draw import Days, optional, stage_rng
from tandem.program.demo.tables import Pairings, Table

SUBMITTERS = models.SUBMITTERS
RATINGS = ("clarity", "confidence", "influence", "safety")


@dataclass
class CheckIns:
    """What the feedback stage needs to know about the meetings."""

    owner: np.ndarray
    day: np.ndarray
    progress: np.ndarray
    submitted: np.ndarray  # 0 mentor, 1 mentee, 2 both
    last_day: np.ndarray  # per pairing: last check-in day, or its start when none
    one_sided_side: np.ndarray  # per pairing: 0 mentor / 1 mentee


@dataclass
class _Meetings:
    owner: np.ndarray  # pairing index per meeting
    k: np.ndarray  # 0-based position among its pairing's meetings
    n: np.ndarray  # meetings of its pairing
    day: np.ndarray
    progress: np.ndarray  # 0 at the first meeting, 1 at the last


def make_checkins(seed: int, pr: Pairings, days: Days) -> tuple[Table, CheckIns]:
    rng = stage_rng(seed, 5)
    first, last, interval = _first_and_last_meetings(rng, pr)
    mt = _meeting_days(rng, pr, first, last, interval)
    ratings, unrated, learning, no_learning = _ratings(rng, pr, mt)
    submitted, side = _who_submitted(rng, pr, mt)
    m = len(mt.owner)
    stalled_row = pr.health[mt.owner] == STALLED
    duration = np.where(
        stalled_row,
        rng.choice(np.array([20, 25, 30, 30, 45]), m),
        rng.choice(np.array([30, 45, 60, 60, 75, 90]), m),
    )
    no_duration = rng.random(m) < 0.03

    last_day = pr.start.copy()
    if m:
        np.maximum.at(last_day, mt.owner, mt.day)

    width = max(7, len(str(m)))
    columns: dict[str, list[Any]] = {
        "checkin_id": [f"CI-{i + 1:0{width}d}" for i in range(m)],
        "pairing_id": [pr.ids[o] for o in mt.owner.tolist()],
        "date": days.many(mt.day),
        "duration_minutes": optional(duration.tolist(), ~no_duration),
        "submitted_by": [SUBMITTERS[s] for s in submitted.tolist()],
    }
    for j, name in enumerate(RATINGS):
        columns[name] = optional(ratings[:, j].tolist(), ~unrated)
    columns["mentor_learning"] = optional(learning.tolist(), ~no_learning)
    info = CheckIns(mt.owner, mt.day, mt.progress, submitted, last_day, side)
    return Table("checkins", columns), info


def _first_and_last_meetings(
    rng: np.random.Generator, pr: Pairings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pairing: the first meeting's day, the last one's, and the interval between
    meetings, each as its health says."""
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
    # The schedule is anchored on the last meeting, so the silence before today
    # is exactly what the story says (healthy: under one cadence; quiet: longer).
    lag = np.select(
        [health == HEALTHY, health == WATCH, health == STALLED],
        [rng.uniform(0.0, 0.8, p) * interval, np.zeros(p), np.zeros(p)],
        rng.uniform(0.0, 0.5, p) * interval,
    ).astype(np.int64)
    return first, end - lag, interval


def _meeting_days(
    rng: np.random.Generator,
    pr: Pairings,
    first: np.ndarray,
    last: np.ndarray,
    interval: np.ndarray,
) -> _Meetings:
    """Every meeting's day, counted back from the last one at the pairing's interval
    (a falling or one-sided pairing has at least a few meetings to show it)."""
    p = len(pr.ids)
    need_history = (pr.stall_kind == FALLING_RATINGS) | (pr.stall_kind == ONE_SIDED)
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
    return _Meetings(owner, k, n, day, progress)


def _ratings(
    rng: np.random.Generator, pr: Pairings, mt: _Meetings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(ratings (meetings × 4), unrated, mentor learning, no learning given): a trend
    per pairing plus per-dimension offsets and a little noise."""
    p, m = len(pr.ids), len(mt.owner)
    owner, progress, health = mt.owner, mt.progress, pr.health
    falling = pr.stall_kind == FALLING_RATINGS
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
    return ratings, unrated, learning, no_learning


def _who_submitted(
    rng: np.random.Generator, pr: Pairings, mt: _Meetings
) -> tuple[np.ndarray, np.ndarray]:
    """(who submitted each check-in, which side still logs in a one-sided pairing).

    Healthy pairs mostly both; the last meeting is always both, except in one-sided
    pairings, where only one party has logged lately."""
    owner, k, n = mt.owner, mt.k, mt.n
    stalled_row = pr.health[owner] == STALLED
    u = rng.random(len(owner))
    submitted = np.where(
        stalled_row,
        np.where(u < 0.35, 2, np.where(u < 0.7, 0, 1)),
        np.where(u < 0.6, 2, np.where(u < 0.8, 0, 1)),
    )
    submitted = np.where(k == n - 1, 2, submitted)
    side = np.where(rng.random(len(pr.ids)) < 0.7, 1, 0)  # 1: only the mentee still logs
    side = np.where(pr.overloaded, 1, side)
    tail = rng.integers(3, 6, len(pr.ids))
    one_sided = (pr.stall_kind == ONE_SIDED)[owner] & (k >= n - tail[owner])
    submitted = np.where(one_sided, side[owner], submitted)
    return submitted, side

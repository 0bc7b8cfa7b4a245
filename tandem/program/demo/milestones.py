"""The demo's milestones: two to five per learning contract, met on time in healthy
pairings, the latest one still open on the watch list, and two or more overdue in a
stalled contract; about one in ten written without success criteria."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tandem.program.demo import text as words
from tandem.program.demo.codes import (
    ACTIVE,
    COMPLETED,
    ENDED,
    HEALTHY,
    OVERDUE_MILESTONES,
    PAUSED,
    PROPOSED,
    STALLED,
    WATCH,
)
from tandem.program.demo.draw import Days, optional, stage_rng
from tandem.program.demo.tables import Pairings, Table


@dataclass
class _Schedule:
    """One row per milestone: its pairing, its place in the contract, when it falls due."""

    owner: np.ndarray  # pairing index
    k: np.ndarray  # 0-based position in its contract
    n: np.ndarray  # milestones in its contract
    due: np.ndarray
    stalled: np.ndarray  # bool: its contract stalled on overdue milestones
    limit: np.ndarray  # the day its pairing ended, or today


def make_milestones(seed: int, pr: Pairings, days: Days) -> Table:
    rng = stage_rng(seed, 4)
    p = len(pr.ids)
    ms = _schedule(rng, pr)
    done, missed, past, early = _which_are_done(rng, pr, ms)
    completed = _completion_days(rng, pr, ms, past, early)
    status = _status_words(rng, done, missed, past)
    m = len(ms.owner)
    title_base = rng.integers(0, len(words.MILESTONES), p)[ms.owner]
    title_index = ((title_base + ms.k * 5) % len(words.MILESTONES)).tolist()
    no_criteria = (rng.random(m) < 0.1) | pr.hollow_contract[ms.owner]
    titles = [words.MILESTONES[t][0] for t in title_index]
    criteria = optional([words.MILESTONES[t][1] for t in title_index], ~no_criteria)
    width = max(6, len(str(m)))
    return Table(
        "milestones",
        {
            "milestone_id": [f"MS-{i + 1:0{width}d}" for i in range(m)],
            "pairing_id": [pr.ids[o] for o in ms.owner.tolist()],
            "title": titles,
            "success_criteria": criteria,
            "due_date": days.many(ms.due),
            "completed_date": days.many_optional(completed, done),
            "status": status,
        },
    )


def _schedule(rng: np.random.Generator, pr: Pairings) -> _Schedule:
    """How many milestones each contract has, and when each falls due (spread over the
    contract; in a stalled contract all but the last fell due and are still open)."""
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
    past_span = np.maximum(-5 - (start + 20), 2)
    due_stalled = start + 20 + ((k + 1) / n * past_span).astype(np.int64)
    ms_row = stalled_ms[owner]
    due = np.where(ms_row & (k < n - 1), np.minimum(due_stalled, -3), due)
    due = np.maximum(due, start + 7)
    limit = np.where(pr.has_ended[owner], pr.ended[owner], 0)
    return _Schedule(owner, k, n, due, ms_row, limit)


def _which_are_done(
    rng: np.random.Generator, pr: Pairings, ms: _Schedule
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(done, missed, past due, done early) per milestone, as each pairing's health says."""
    owner, k, n = ms.owner, ms.k, ms.n
    health = pr.health[owner]
    status = pr.status[owner]
    has_ended = pr.has_ended[owner]
    past = ms.due < ms.limit
    u = rng.random(len(owner))
    done = np.zeros(len(owner), dtype=bool)
    done |= past & np.isin(health, [HEALTHY, WATCH]) & (status == ACTIVE)
    done |= past & (health == STALLED) & ~ms.stalled & (u < 0.55)
    done |= past & (status == PAUSED) & (u < 0.7)
    done |= has_ended & (status == COMPLETED) & (u < 0.85)
    done |= has_ended & (status == ENDED) & (u < 0.45)
    # A stalled contract keeps at most its first milestone done, so 2+ stay overdue.
    done = np.where(ms.stalled, past & (k == 0) & (n >= 4), done)
    # The watch list: exactly the latest past-due milestone is still open.
    last_past = np.zeros(len(pr.ids), dtype=np.int64) - 1
    watch_past = np.flatnonzero((health == WATCH) & past)
    np.maximum.at(last_past, owner[watch_past], k[watch_past])
    done &= ~((health == WATCH) & (k == last_past[owner]))
    early = ~past & (health == HEALTHY) & (u < 0.05) & (status == ACTIVE)
    done |= early
    missed = has_ended & ~done
    return done, missed, past, early


def _completion_days(
    rng: np.random.Generator, pr: Pairings, ms: _Schedule, past: np.ndarray, early: np.ndarray
) -> np.ndarray:
    """When each milestone was met: mostly by its due day, a fifth a little late."""
    m = len(ms.owner)
    late = rng.random(m) < 0.2
    on_time = ms.due - rng.integers(0, 15, m)
    late_day = ms.due + rng.integers(2, 25, m)
    completed = np.where(late & past, late_day, on_time)
    completed = np.where(early, -rng.integers(0, 10, m), completed)
    completed = np.minimum(completed, ms.limit)
    return np.maximum(completed, pr.start[ms.owner])


def _status_words(
    rng: np.random.Generator, done: np.ndarray, missed: np.ndarray, past: np.ndarray
) -> list[str | None]:
    """The status column: given often, but not always (it can be derived from the dates)."""
    u_status = rng.random(len(done))
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
    return status_col

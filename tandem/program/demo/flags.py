"""The demo's flags: a lead's flag on about a third of the stalled pairings, and the
capacity flag on the overloaded mentor's pairings, open, in progress or resolved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from tandem.program.bundle.spec import FLAGS
from tandem.program.demo import people as vocab
from tandem.program.demo import text as words
from tandem.program.demo.codes import STALLED
from tandem.program.demo.draw import Days, stage_rng
from tandem.program.demo.tables import Pairings, People, Table


def make_flags(seed: int, pr: Pairings, people: People, days: Days) -> Table:
    rng = stage_rng(seed, 7)
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

"""Promotions in the demo's careers (``tandem.program.demo.promotions``): drawn from the
level someone was picked on, so that taking part never foretells a promotion."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from statistics import mean
from typing import Any

from tandem.program.demo.story import build_story


def test_taking_part_does_not_foretell_a_promotion() -> None:
    """Mentors carry no planted effect, so over the twelve months after their cohort
    began they are promoted as often as colleagues who held the same level that day:
    the story picks people on their level then, not on a level a promotion still to
    come gave them (issue #16's artefact showed mentors about +5 points here)."""
    today = dt.date(2026, 12, 7)
    story = build_story(2000, 7, today)
    tables = {t.name: t.columns for t in story.tables}
    level_today = dict(zip(tables["people"]["person_id"], tables["people"]["level"], strict=True))
    hired: dict[str, dt.date] = {}
    left: dict[str, dt.date] = {}
    promoted: dict[str, list[dt.date]] = defaultdict(list)
    events = tables["career_events"]
    for person, day, kind in zip(events["person_id"], events["date"], events["kind"], strict=True):
        if kind == "hired":
            hired[person] = day
        elif kind == "left":
            left[person] = day
        elif kind == "promoted":
            promoted[person].append(day)
    pairings = tables["pairings"]
    mentors: dict[str, set[str]] = defaultdict(set)
    for cohort, mentor in zip(pairings["cohort_id"], pairings["mentor_id"], strict=True):
        mentors[cohort].add(mentor)
    taking_part = set(pairings["mentor_id"]) | set(pairings["mentee_id"])
    others = [p for p in level_today if p not in taking_part]

    def outcomes(people: Any, start: dt.date) -> dict[int, list[bool]]:
        """Per level on ``start``: promoted within a year, for those there all year."""
        end = start + dt.timedelta(days=365)
        by_level: dict[int, list[bool]] = defaultdict(list)
        for p in people:
            if hired[p] >= start or (p in left and left[p] <= end):
                continue
            level = level_today[p] - sum(day > start for day in promoted[p])
            by_level[level].append(any(start < day <= end for day in promoted[p]))
        return by_level

    difference = weight = 0.0
    starts = dict(zip(tables["cohorts"]["cohort_id"], tables["cohorts"]["start_date"], strict=True))
    for cohort, people in mentors.items():
        if starts[cohort] + dt.timedelta(days=365) > today:
            continue
        mine, theirs = outcomes(people, starts[cohort]), outcomes(others, starts[cohort])
        for level, results in mine.items():
            if len(theirs[level]) >= 20:
                difference += len(results) * (mean(results) - mean(theirs[level]))
                weight += len(results)
    assert weight > 400
    assert abs(difference / weight) < 0.035

"""Careers in the demo: consistent histories, colleagues to compare with, and an effect to find."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from statistics import mean
from typing import Any

from tandem.program import models
from tandem.program.demo import DemoSummary
from tandem.program.demo.careers import HISTORY_YEARS
from tandem.program.demo.story import build_story
from tests.tandem.program.demo.helpers import TODAY

Demo = tuple[DemoSummary, dict[str, list[dict[str, Any]]]]
HISTORY_START = TODAY - dt.timedelta(days=round(HISTORY_YEARS * 365.25))
RUNNING = ("proposed", "active", "paused")


class Careers:
    """Each person's events in order, and who took part since when."""

    def __init__(self, summary: DemoSummary, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.people = {p["person_id"]: p for p in rows["people"]}
        self.events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in sorted(rows["career_events"], key=lambda e: (e["person_id"], e["date"])):
            self.events[e["person_id"]].append(e)
        self.pairings = rows["pairings"]
        self.mentee_start: dict[str, dt.date] = {}
        for p in self.pairings:
            start = self.mentee_start.get(p["mentee_id"], p["start_date"])
            self.mentee_start[p["mentee_id"]] = min(start, p["start_date"])
        self.comparison = set(summary.cases.comparison_person_ids)

    def hired(self, person: str) -> dt.date:
        return next(e["date"] for e in self.events[person] if e["kind"] == "hired")

    def left(self, person: str) -> dt.date | None:
        return next((e["date"] for e in self.events[person] if e["kind"] == "left"), None)

    def yearly(
        self, people: set[str], since: dict[str, dt.date] | None = None
    ) -> tuple[float, float]:
        """Promotions and departures per person-year (from ``since`` on, else the whole history)."""
        years = promotions = departures = 0.0
        for person in people:
            start = max(self.hired(person), HISTORY_START, (since or {}).get(person, HISTORY_START))
            end = self.left(person) or TODAY
            if end <= start:
                continue
            years += (end - start).days / 365.25
            for e in self.events[person]:
                if start < e["date"] <= end:
                    promotions += e["kind"] == "promoted"
                    departures += e["kind"] == "left"
        return promotions / years, departures / years


def test_every_history_is_consistent_with_the_people_table(demo: Demo) -> None:
    summary, rows = demo
    careers = Careers(summary, rows)
    assert summary.counts["career_events"] == len(rows["career_events"])
    ids = [e["event_id"] for e in rows["career_events"]]
    assert len(ids) == len(set(ids)) and all(0 < len(i) <= 64 for i in ids)
    assert set(careers.events) == set(careers.people)  # everyone has a history
    for person, events in careers.events.items():
        kinds = Counter(e["kind"] for e in events)
        assert set(kinds) <= set(models.EVENT_KINDS)
        assert kinds["hired"] == 1 and kinds["left"] <= 1
        hired = careers.hired(person)
        assert all(hired <= e["date"] <= TODAY for e in events)
        left = careers.left(person)
        assert left is None or all(e["date"] <= left for e in events)
        promotions = [e for e in events if e["kind"] == "promoted"]
        levels = [e["new_level"] for e in promotions]
        # One level at a time, up to the level in people.csv.
        assert levels == sorted(levels)
        if levels:
            assert levels[-1] == careers.people[person]["level"]
            assert levels == list(range(levels[0], levels[-1] + 1))
            assert levels[0] >= 2
        for e in events:
            assert (e["new_level"] is not None) == (e["kind"] == "promoted")
            assert (e["voluntary"] is not None) == (e["kind"] == "left")
            assert e["kind"] == "hired" or e["date"] >= HISTORY_START
        tenure = careers.people[person]["tenure_years"]
        assert abs(tenure - ((left or TODAY) - hired).days / 365.25) <= 0.06


def test_people_take_part_only_while_employed(demo: Demo) -> None:
    summary, rows = demo
    careers = Careers(summary, rows)
    for p in rows["pairings"]:
        for person in (p["mentor_id"], p["mentee_id"]):
            assert careers.hired(person) < p["start_date"]
            left = careers.left(person)
            if p["status"] in RUNNING:
                assert left is None, (p["pairing_id"], person)
            elif left is not None:
                # A departure ends the pairing that day, or comes after it ended.
                assert left >= p["ended_date"]
                assert left > p["ended_date"] or p["status"] == "ended"
    sponsors = {c["sponsor_id"] for c in rows["cohorts"] if c["end_date"] is None}
    assert all(careers.left(s) is None for s in sponsors)


def test_a_running_pairing_does_not_keep_its_people_from_leaving(demo: Demo) -> None:
    """Leaving does not depend on taking part (beyond the planted effect): people leave
    while their pairing runs, and the pairing ends the day they go."""
    summary, rows = demo
    careers = Careers(summary, rows)
    ended_by_leaving = [
        p
        for p in rows["pairings"]
        if p["status"] == "ended"
        and any(careers.left(x) == p["ended_date"] for x in (p["mentor_id"], p["mentee_id"]))
    ]
    assert ended_by_leaving
    # Over the same months, mentees leave at a rate near the colleagues' (the planted
    # effect lowers leaving by choice by a fifth), not at a fraction of it.
    _promotion, leaving = careers.yearly(careers.comparison)
    _post_promotion, post_leaving = careers.yearly(
        set(careers.mentee_start), since=careers.mentee_start
    )
    assert 0.5 * leaving < post_leaving < leaving


def test_comparison_colleagues_take_part_in_nothing_and_look_like_the_mentees(
    demo: Demo,
) -> None:
    summary, rows = demo
    careers = Careers(summary, rows)
    comparison = careers.comparison
    cohorts = len(rows["cohorts"])
    assert 50 * cohorts <= len(comparison) <= 300 * cohorts
    taking_part = {p["mentor_id"] for p in rows["pairings"]} | set(careers.mentee_start)
    assert not comparison & taking_part
    assert not comparison & {c["sponsor_id"] for c in rows["cohorts"]}
    mentees = [careers.people[m] for m in careers.mentee_start]
    others = [careers.people[c] for c in comparison]
    assert abs(mean(p["level"] for p in mentees) - mean(p["level"] for p in others)) < 0.5
    assert (
        abs(mean(p["tenure_years"] for p in mentees) - mean(p["tenure_years"] for p in others)) < 3
    )
    for column in ("division", "geography"):
        share_m = Counter(p[column] for p in mentees)
        share_o = Counter(p[column] for p in others)
        top = share_m.most_common(1)[0][0]
        assert abs(share_m[top] / len(mentees) - share_o[top] / len(others)) < 0.12, column
    # Colleagues in the organisation: a manager, a title that fits the level.
    assert all(p["manager_id"] in careers.people for p in others)
    assert all(p["strengths"] is None and p["development_goals"] is None for p in others)


def test_yearly_rates_are_realistic_and_mentees_do_better_after_the_start(demo: Demo) -> None:
    summary, rows = demo
    careers = Careers(summary, rows)
    promotion, leaving = careers.yearly(careers.comparison)
    assert 0.08 <= promotion <= 0.18
    assert 0.08 <= leaving <= 0.18
    left = [e for e in rows["career_events"] if e["kind"] == "left"]
    voluntary = sum(e["voluntary"] for e in left) / len(left)
    assert 0.6 <= voluntary <= 0.9
    assert Counter(e["kind"] for e in rows["career_events"])["moved"] > 0
    mentees = set(careers.mentee_start)
    # No hidden selection: before their first pairing, mentees were promoted about as
    # often as the colleagues drawn to look like them ...
    before = {m: HISTORY_START for m in mentees}
    early = {m for m in mentees if careers.mentee_start[m] > HISTORY_START + dt.timedelta(days=365)}
    until = {m: careers.mentee_start[m] for m in early}
    pre_promotion = _rate_before(careers, early, before, until)
    assert abs(pre_promotion - promotion) < 0.35 * promotion
    # ... and more after it (the planted effect), leaving less.
    post_promotion, post_leaving = careers.yearly(mentees, since=careers.mentee_start)
    assert post_promotion > promotion
    assert post_leaving < leaving


def _rate_before(
    careers: Careers,
    people: set[str],
    since: dict[str, dt.date],
    until: dict[str, dt.date],
) -> float:
    """Promotions per person-year between ``since`` and ``until``."""
    years = promotions = 0.0
    for person in people:
        start = max(careers.hired(person), since[person])
        end = until[person]
        if end <= start:
            continue
        years += (end - start).days / 365.25
        promotions += sum(
            e["kind"] == "promoted" and start < e["date"] <= end for e in careers.events[person]
        )
    return promotions / years


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

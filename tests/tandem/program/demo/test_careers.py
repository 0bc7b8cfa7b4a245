"""Careers in the demo (``tandem.program.demo.careers``): consistent histories, and an effect
to find."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from tandem.program import models
from tests.tandem.program.demo.helpers import HISTORY_START, TODAY, Careers, Demo

RUNNING = ("proposed", "active", "paused")


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

"""The story holds: an overloaded mentor, one reporting-line pairing, healthy and stalled pairs."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from typing import Any

import pytest
from sqlalchemy import Engine

from tandem.program.demo import DemoSummary, generate_demo
from tandem.program.milestones import OVERDUE, milestone_status
from tests.tandem.program.demo.helpers import TODAY, dump

Demo = tuple[DemoSummary, dict[str, list[dict[str, Any]]]]
RATINGS = ("clarity", "confidence", "influence", "safety")


class Program:
    """The demo's rows indexed the way the stall rules look at them."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.people = {p["person_id"]: p for p in rows["people"]}
        self.pairings = {p["pairing_id"]: p for p in rows["pairings"]}
        self.checkins: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in sorted(rows["checkins"], key=lambda c: (c["pairing_id"], c["date"])):
            self.checkins[c["pairing_id"]].append(c)
        self.milestones: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for m in rows["milestones"]:
            self.milestones[m["pairing_id"]].append(m)

    def ancestors(self, person_id: str) -> set[str]:
        out: set[str] = set()
        manager = self.people[person_id]["manager_id"]
        while manager is not None:
            out.add(manager)
            manager = self.people[manager]["manager_id"]
        return out

    def days_silent(self, pairing_id: str) -> int:
        meetings = self.checkins[pairing_id]
        last = meetings[-1]["date"] if meetings else self.pairings[pairing_id]["start_date"]
        return (TODAY - last).days

    def no_contact(self, pairing_id: str) -> bool:
        cadence = self.pairings[pairing_id]["cadence_days"]
        return self.days_silent(pairing_id) > max(2 * cadence, 45)

    def overdue(self, pairing_id: str) -> int:
        return sum(
            milestone_status(m["due_date"], m["completed_date"], m["status"], TODAY) == OVERDUE
            for m in self.milestones[pairing_id]
        )

    def rating_change(self, pairing_id: str) -> float:
        """Mean rating of the last two meetings minus that of the first two."""
        means = []
        for c in self.checkins[pairing_id]:
            values = [c[r] for r in RATINGS if c[r] is not None]
            if values:
                means.append(sum(values) / len(values))
        if len(means) < 3:
            return 0.0
        return (means[-1] + means[-2]) / 2 - (means[0] + means[1]) / 2

    def one_sided(self, pairing_id: str) -> bool:
        last = [c["submitted_by"] for c in self.checkins[pairing_id][-3:]]
        return len(last) == 3 and len(set(last)) == 1 and last[0] != "both"


def test_the_overloaded_mentor_has_more_active_mentees_than_capacity(demo: Demo) -> None:
    summary, rows = demo
    program = Program(rows)
    active = Counter(p["mentor_id"] for p in rows["pairings"] if p["status"] == "active")
    mentor = summary.cases.overloaded_mentor_id
    assert mentor is not None
    assert active[mentor] > program.people[mentor]["max_mentees"]
    assert program.people[mentor]["level"] >= 6
    assert set(summary.cases.overloaded_pairing_ids) == {
        p["pairing_id"]
        for p in rows["pairings"]
        if p["mentor_id"] == mentor and p["status"] == "active"
    }
    # The story is about one stretched mentor, not a program-wide capacity problem.
    over = [m for m, n in active.items() if n > program.people[m]["max_mentees"]]
    assert over == [mentor]
    # …and their mentees feel it.
    assert set(summary.cases.overloaded_pairing_ids) & set(summary.cases.stalled_pairing_ids)


def test_exactly_one_pairing_sits_inside_a_reporting_line(demo: Demo) -> None:
    summary, rows = demo
    program = Program(rows)
    inside = [
        p["pairing_id"]
        for p in rows["pairings"]
        if p["mentor_id"] in program.ancestors(p["mentee_id"])
        or p["mentee_id"] in program.ancestors(p["mentor_id"])
    ]
    assert inside == [summary.cases.reporting_line_pairing_id]
    pairing = program.pairings[inside[0]]
    mentee = program.people[pairing["mentee_id"]]
    boss = mentee["manager_id"]
    assert pairing["mentor_id"] in {boss, program.people[boss]["manager_id"]}
    assert pairing["status"] == "active"


def test_stalled_pairings_are_really_stalled_each_in_its_own_way(demo: Demo) -> None:
    summary, rows = demo
    program = Program(rows)
    kinds = summary.cases.stalled_by_kind
    assert set(kinds) == {"no_contact", "overdue_milestones", "falling_ratings", "one_sided"}
    assert all(kinds[k] for k in kinds), "every kind of stall appears"
    assert sorted(summary.cases.stalled_pairing_ids) == sorted(
        i for ids in kinds.values() for i in ids
    )
    for pid in kinds["no_contact"]:
        assert program.no_contact(pid), pid
    for pid in kinds["overdue_milestones"]:
        assert program.overdue(pid) >= 2, pid
    for pid in kinds["falling_ratings"]:
        assert program.rating_change(pid) <= -1.0, pid
    for pid in kinds["one_sided"]:
        assert program.one_sided(pid), pid
        assert len(program.checkins[pid]) >= 4
    for pid in summary.cases.stalled_pairing_ids:
        assert program.pairings[pid]["status"] == "active"
    share = len(summary.cases.stalled_pairing_ids) / len(rows["pairings"])
    assert 0.15 <= share <= 0.25


def test_healthy_pairings_meet_on_cadence_deliver_and_improve(demo: Demo) -> None:
    summary, rows = demo
    program = Program(rows)
    assert len(summary.cases.healthy_pairing_ids) >= 0.25 * len(rows["pairings"])
    for pid in summary.cases.healthy_pairing_ids:
        pairing = program.pairings[pid]
        assert pairing["status"] == "active"
        assert program.days_silent(pid) <= pairing["cadence_days"] + 3, pid
        assert program.overdue(pid) == 0, pid
        assert program.rating_change(pid) >= 0, pid
        assert not program.one_sided(pid), pid
        meetings = program.checkins[pid]
        assert meetings[-1]["submitted_by"] == "both"
        gaps = [(b["date"] - a["date"]).days for a, b in itertools.pairwise(meetings)]
        assert max(gaps, default=0) <= pairing["cadence_days"] + 4, pid
    # No pairing outside the stalled list looks stalled by silence.
    stalled = set(summary.cases.stalled_pairing_ids)
    for pid, pairing in program.pairings.items():
        if pairing["status"] == "active" and pid not in stalled:
            assert not program.no_contact(pid), pid
            assert not program.one_sided(pid), pid


def test_watch_list_pairings_slip_without_stalling(demo: Demo) -> None:
    summary, rows = demo
    program = Program(rows)
    assert summary.cases.watch_pairing_ids
    for pid in summary.cases.watch_pairing_ids:
        cadence = program.pairings[pid]["cadence_days"]
        assert cadence < program.days_silent(pid) <= max(2 * cadence, 45), pid
        assert program.overdue(pid) <= 1


def test_the_story_is_told_from_today(engine: Engine) -> None:
    later = TODAY + dt.timedelta(days=100)
    generate_demo(engine, pairings=60, seed=7, today=later)
    rows = dump(engine)
    latest = max(c["date"] for c in rows["checkins"])
    assert TODAY < latest <= later
    names = {c["name"] for c in rows["cohorts"]}
    assert any(str(later.year) in n or str(later.year - 1) in n for n in names)


def test_the_health_engine_reads_the_same_story(engine: Engine) -> None:
    """Cross-check with the dashboard's own stall rules (tandem.health), when present."""
    health = pytest.importorskip("tandem.health")
    summary = generate_demo(engine, pairings=200, seed=7, today=TODAY)
    frame = health.health_frame(engine, TODAY).set_index("pairing_id")
    assert set(frame.index[frame["stalled"]]) == set(summary.cases.stalled_pairing_ids)
    healthy = frame.loc[list(summary.cases.healthy_pairing_ids)]
    assert not healthy["stalled"].any() and not healthy["at_risk"].any()
    watch = frame.loc[list(summary.cases.watch_pairing_ids)]
    assert not watch["stalled"].any()
    assert healthy["health"].mean() > watch["health"].mean()

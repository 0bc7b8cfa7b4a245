"""Every rule of the bundle spec holds for the demo program."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from tandem.program import models
from tandem.program.demo import DemoSummary
from tests.tandem.program.demo.helpers import TODAY

Demo = tuple[DemoSummary, dict[str, list[dict[str, Any]]]]


def test_ids_are_unique_short_and_references_resolve(demo: Demo) -> None:
    _summary, rows = demo
    keys = {
        "people": "person_id",
        "cohorts": "cohort_id",
        "pairings": "pairing_id",
        "milestones": "milestone_id",
        "checkins": "checkin_id",
        "feedback": "feedback_id",
        "flags": "flag_id",
    }
    ids = {name: [row[key] for row in rows[name]] for name, key in keys.items()}
    for name, values in ids.items():
        assert len(values) == len(set(values)), name
        assert all(0 < len(v) <= 64 for v in values), name
    people, cohorts, pairings = set(ids["people"]), set(ids["cohorts"]), set(ids["pairings"])
    assert {p["manager_id"] for p in rows["people"]} - {None} <= people
    assert {c["sponsor_id"] for c in rows["cohorts"]} - {None} <= people
    for p in rows["pairings"]:
        assert p["cohort_id"] in cohorts
        assert p["mentor_id"] in people and p["mentee_id"] in people
        assert p["mentor_id"] != p["mentee_id"]
    for name in ("milestones", "checkins", "flags"):
        assert {r["pairing_id"] for r in rows[name]} <= pairings, name
    assert {f["pairing_id"] for f in rows["feedback"]} - {None} <= pairings
    assert {f["cohort_id"] for f in rows["feedback"]} - {None} <= cohorts


def test_enums_ranges_and_text_lengths(demo: Demo) -> None:
    _summary, rows = demo
    for p in rows["people"]:
        assert 1 <= p["level"] <= 8
        assert p["max_mentees"] >= 0 and p["tenure_years"] >= 0 and p["monthly_hours"] >= 0
        assert p["name"] and p["division"] and p["geography"]
    emails = [p["email"] for p in rows["people"]]
    assert all(e and "@" in e and e.isascii() for e in emails)
    assert len(set(emails)) == len(emails)
    assert {c["program_type"] for c in rows["cohorts"]} <= set(models.PROGRAM_TYPES)
    for p in rows["pairings"]:
        assert p["kind"] in models.PAIRING_KINDS and p["status"] in models.PAIRING_STATUSES
        assert 1 <= p["cadence_days"] <= 180
    assert {m["status"] for m in rows["milestones"]} <= {*models.MILESTONE_STATUSES, None}
    for c in rows["checkins"]:
        assert c["submitted_by"] in models.SUBMITTERS
        assert c["duration_minutes"] is None or 0 <= c["duration_minutes"] <= 1440
        for rating in ("clarity", "confidence", "influence", "safety", "mentor_learning"):
            assert c[rating] is None or 1 <= c[rating] <= 5
    for f in rows["feedback"]:
        assert f["source"] in models.FEEDBACK_SOURCES
        assert f["author_role"] in models.AUTHOR_ROLES
        assert f["visibility"] in models.VISIBILITIES
        assert 0 < len(f["text"]) <= 10_000
    for flag in rows["flags"]:
        assert flag["reason"] in models.FLAG_REASONS
        assert flag["status"] in models.FLAG_STATUSES


def test_dates_are_ordered_and_never_in_the_future_where_they_record_facts(demo: Demo) -> None:
    _summary, rows = demo
    for c in rows["cohorts"]:
        assert c["end_date"] is None or c["end_date"] >= c["start_date"]
    pairings = {p["pairing_id"]: p for p in rows["pairings"]}
    for p in pairings.values():
        assert p["planned_end_date"] >= p["start_date"]
        months = (p["planned_end_date"] - p["start_date"]).days / 30.44
        assert 5.9 <= months <= 12.1
        if p["status"] in ("completed", "ended"):
            assert p["start_date"] <= p["ended_date"] <= TODAY
        else:
            assert p["ended_date"] is None
    for c in rows["checkins"]:
        pairing = pairings[c["pairing_id"]]
        assert pairing["start_date"] <= c["date"] <= TODAY
        assert pairing["ended_date"] is None or c["date"] <= pairing["ended_date"]
    for m in rows["milestones"]:
        pairing = pairings[m["pairing_id"]]
        assert m["due_date"] >= pairing["start_date"]
        if m["completed_date"] is not None:
            assert pairing["start_date"] <= m["completed_date"] <= TODAY
    assert all(f["date"] <= TODAY for f in rows["feedback"])
    for flag in rows["flags"]:
        assert flag["raised_at"].date() <= TODAY
        if flag["status"] == "resolved":
            assert flag["resolved_at"] >= flag["raised_at"] and flag["resolution"]
        else:
            assert flag["resolved_at"] is None


def test_people_form_one_reporting_tree_with_titles_that_match_levels(demo: Demo) -> None:
    _summary, rows = demo
    people = {p["person_id"]: p for p in rows["people"]}
    roots = [p for p in people.values() if p["manager_id"] is None]
    assert len(roots) == 1 and roots[0]["level"] == 8
    assert roots[0]["title"] == "Chief Executive Officer"
    for p in people.values():
        seen = set()
        current = p
        while current["manager_id"] is not None:  # reaches the CEO without a cycle
            assert current["person_id"] not in seen
            seen.add(current["person_id"])
            boss = people[current["manager_id"]]
            assert boss["level"] >= current["level"]
            current = boss
        assert current is roots[0]
    for p in people.values():
        title = p["title"]
        if p["level"] == 6:
            assert title.startswith("Vice President")
        if p["level"] == 4:
            assert "Director" in title or "Head" in title
        if p["level"] == 7:
            assert "Chief" in title or "Vice President" in title
    assert len({p["division"] for p in people.values()}) >= 7
    assert len({p["geography"] for p in people.values()}) >= 6
    assert any(not p["name"].isascii() for p in people.values())  # Unicode names
    assert len({p["name"] for p in people.values()}) >= 0.95 * len(people)
    groups = Counter(p["group_name"] for p in people.values())
    assert groups[None] > 0 and sum(groups.values()) - groups[None] > 0.7 * len(people)
    capacity = Counter(p["max_mentees"] for p in people.values())
    assert capacity[1] + capacity[2] + capacity[3] >= 0.8 * len(people)


def _levels_when_picked(rows: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Each person's level when their first cohort began (what the story picked them
    on), from today's level and the promotions since; today's level for the rest."""
    start = {c["cohort_id"]: c["start_date"] for c in rows["cohorts"]}
    picked: dict[str, dt.date] = {}
    for p in rows["pairings"]:
        for person in (p["mentor_id"], p["mentee_id"]):
            day = start[p["cohort_id"]]
            picked[person] = min(picked.get(person, day), day)
    level = {p["person_id"]: p["level"] for p in rows["people"]}
    for e in rows["career_events"]:
        if e["kind"] == "promoted" and e["date"] > picked.get(e["person_id"], TODAY):
            level[e["person_id"]] -= 1
    return level


def test_pairing_kinds_follow_their_program_and_levels(demo: Demo) -> None:
    _summary, rows = demo
    level = _levels_when_picked(rows)
    program = {c["cohort_id"]: c["program_type"] for c in rows["cohorts"]}
    expected = {
        "executive": "traditional",
        "reverse": "reverse",
        "reciprocal": "reciprocal",
        "peer": "peer",
    }
    for p in rows["pairings"]:
        assert p["kind"] == expected[program[p["cohort_id"]]]
        gap = level[p["mentor_id"]] - level[p["mentee_id"]]
        if p["kind"] == "traditional":
            assert gap >= 1
        elif p["kind"] == "reverse":
            assert gap <= -1
        else:
            assert abs(gap) <= 1
    statuses = Counter(p["status"] for p in rows["pairings"])
    assert statuses["active"] > len(rows["pairings"]) / 2
    assert all(statuses[s] > 0 for s in ("completed", "ended", "paused", "proposed"))
    assert {p["cadence_days"] for p in rows["pairings"]} == {14, 21, 30, 45}
    sponsors = {c["sponsor_id"] for c in rows["cohorts"]}
    assert all(level[s] >= 6 for s in sponsors)
    objectives = [p["objective"] for p in rows["pairings"] if p["objective"]]
    assert len(set(objectives)) > 0.5 * len(objectives)


def test_milestones_mix_contract_states(demo: Demo) -> None:
    _summary, rows = demo
    per_pairing = Counter(m["pairing_id"] for m in rows["milestones"])
    assert set(per_pairing.values()) <= {2, 3, 4, 5}
    assert len(per_pairing) < len(rows["pairings"])  # some pairings have none
    milestones = rows["milestones"]
    assert any(m["success_criteria"] is None for m in milestones)
    assert any(m["status"] is None for m in milestones)
    assert any(m["status"] is not None for m in milestones)
    done = [m for m in milestones if m["completed_date"] is not None]
    assert any(m["completed_date"] <= m["due_date"] for m in done)  # on time
    assert any(m["completed_date"] > m["due_date"] for m in done)  # late
    assert any(m["status"] == "missed" for m in milestones)
    open_past_due = [
        m
        for m in milestones
        if m["completed_date"] is None and m["status"] != "missed" and m["due_date"] < TODAY
    ]
    assert open_past_due  # overdue


def test_feedback_mixes_sources_roles_and_visibility(demo: Demo) -> None:
    _summary, rows = demo
    feedback = rows["feedback"]
    assert {f["source"] for f in feedback} == set(models.FEEDBACK_SOURCES)
    assert {"mentor", "mentee", "lead"} <= {f["author_role"] for f in feedback}
    share = Counter(f["visibility"] for f in feedback)
    total = len(feedback)
    assert 0.12 <= share["private"] / total <= 0.28
    assert 0.40 <= share["program"] / total <= 0.60
    assert 0.22 <= share["shareable"] / total <= 0.38
    program_level = [f for f in feedback if f["pairing_id"] is None]
    assert program_level and all(f["cohort_id"] for f in program_level)
    flags = rows["flags"]
    assert flags and {f["status"] for f in flags} >= {"open", "in_progress"}
    assert any(f["owner"] for f in flags) and any(f["owner"] is None for f in flags)


def test_check_in_ratings_and_submitters_vary(demo: Demo) -> None:
    _summary, rows = demo
    checkins = rows["checkins"]
    assert {c["submitted_by"] for c in checkins} == {"mentor", "mentee", "both"}
    assert {c["clarity"] for c in checkins} >= {2, 3, 4, 5}
    kinds = {p["pairing_id"]: p["kind"] for p in rows["pairings"]}

    def mean_learning(kind_set: set[str]) -> float:
        values = [
            c["mentor_learning"]
            for c in checkins
            if c["mentor_learning"] is not None and kinds[c["pairing_id"]] in kind_set
        ]
        return sum(values) / len(values)

    assert mean_learning({"reverse", "reciprocal"}) > mean_learning({"traditional"}) + 0.8
    assert isinstance(checkins[0]["date"], dt.date)

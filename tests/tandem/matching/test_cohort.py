"""Matching a cohort's sign-ups: the optimum against scipy, the hard rules, reasons, approval."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sqlalchemy import Engine

from tandem.access import EVERYTHING, OutOfScope, Scope
from tandem.matching.cohort import match_cohort, save_minimum_score
from tandem.matching.cohort_model import MatchRequestError
from tandem.matching.config import MatchConfig
from tandem.matching.people import load_people
from tandem.matching.scoring import kind_code, score
from tandem.program.bulk import upsert
from tandem.program.schema import metadata
from tests.factories import person
from tests.tandem.matching.pilot import load_pilot

TABLES = metadata.tables
VOCAB = ["strategy", "finance", "coaching", "ai", "sales", "design", "ops", "data"]
COHORT = "c-new"


def _program(engine: Engine, seed: int, *, either: int = 0) -> dict[str, Any]:
    """A random program: a new cohort's sign-ups, reporting lines, full mentors, old pairs."""
    rng = np.random.default_rng(seed)
    n_mentors, n_mentees = int(rng.integers(4, 9)), int(rng.integers(5, 14))
    ids = [f"m{i}" for i in range(n_mentors)] + [f"e{i}" for i in range(n_mentees)]
    ids += [f"x{i}" for i in range(either)]
    people = []
    managers: dict[str, str | None] = {}
    for i, pid in enumerate(ids):
        # Some mentees report to a mentor of the cohort (forbidden pairs, any depth).
        manager = None
        if i > 0 and rng.random() < 0.35:
            manager = ids[int(rng.integers(0, i))]
        managers[pid] = manager
        people.append(
            person(
                pid,
                f"Person {pid}",
                int(rng.integers(1, 9)),
                division=str(rng.choice(["A", "B", "C"])),
                geography=str(rng.choice(["EMEA", "APAC"])),
                function=str(rng.choice(["F", "G"])),
                manager_id=manager,
                tenure_years=float(rng.integers(0, 20)),
                strengths=";".join(rng.choice(VOCAB, 3, replace=False)),
                development_goals=";".join(rng.choice(VOCAB, 2, replace=False)),
                monthly_hours=float(rng.integers(1, 12)),
                max_mentees=int(rng.integers(0, 4)),
            )
        )
    cohorts = [
        {
            "cohort_id": cid,
            "name": cid,
            "program_type": ptype,
            "start_date": dt.date(2026, 1, 5),
            "end_date": None,
            "sponsor_id": None,
        }
        for cid, ptype in ((COHORT, "peer" if either else "executive"), ("c-old", "executive"))
    ]
    pairings = []
    mentors = [p for p in ids if p.startswith(("m", "x"))]
    mentees = [p for p in ids if p.startswith(("e", "x"))]
    statuses = ["active", "paused", "proposed", "ended", "completed"]
    for k in range(int(rng.integers(3, 10))):
        mentor, mentee = str(rng.choice(mentors)), str(rng.choice(mentees))
        if mentor == mentee:
            continue
        pairings.append(
            {
                "pairing_id": f"old{k}",
                "cohort_id": "c-old",
                "mentor_id": mentor,
                "mentee_id": mentee,
                "kind": "traditional",
                "status": str(rng.choice(statuses)),
                "start_date": dt.date(2025, 1, 1),
                "planned_end_date": None,
                "ended_date": None,
                "cadence_days": 30,
                "objective": None,
                "version": 1,
            }
        )
    roles = {p: "mentor" for p in ids if p.startswith("m")}
    roles |= {p: "mentee" for p in ids if p.startswith("e")}
    roles |= {p: "either" for p in ids if p.startswith("x")}
    participants = [
        {"cohort_id": COHORT, "person_id": p, "role": r, "joined_on": None}
        for p, r in roles.items()
    ]
    with engine.begin() as connection:
        upsert(connection, TABLES["people"], people)
        upsert(connection, TABLES["cohorts"], cohorts)
        if pairings:
            upsert(connection, TABLES["pairings"], pairings)
        upsert(connection, TABLES["participants"], participants)
    return {"people": people, "pairings": pairings, "roles": roles, "managers": managers}


def _chain(managers: dict[str, str | None], pid: str) -> set[str]:
    seen: set[str] = set()
    current = managers.get(pid)
    while current is not None and current not in seen and current != pid:
        seen.add(current)
        current = managers.get(current)
    return seen


def _independent(engine: Engine, program: dict[str, Any], minimum: float = 0.0) -> dict[str, Any]:
    """Feasible pairs, values and slots computed here from the rows, not by the module."""
    people = load_people(engine)
    config = MatchConfig()
    kind = kind_code("peer" if "either" in program["roles"].values() else "traditional")
    capacity = {p["person_id"]: p["max_mentees"] for p in program["people"]}
    closed, opened = set(), set()
    for pairing in program["pairings"]:
        pair = (pairing["mentor_id"], pairing["mentee_id"])
        if pairing["status"] in ("active", "paused", "proposed"):
            capacity[pairing["mentor_id"]] -= 1
            opened.add(pair)
        else:
            closed.add(pair)
    roles = program["roles"]
    mentors = sorted(p for p, r in roles.items() if r in ("mentor", "either"))
    mentees = sorted(p for p, r in roles.items() if r in ("mentee", "either"))
    values: dict[tuple[str, str], int] = {}
    for mentee in mentees:
        for mentor in mentors:
            if mentor == mentee or capacity[mentor] <= 0:
                continue
            if mentor in _chain(program["managers"], mentee):
                continue
            if mentee in _chain(program["managers"], mentor):
                continue
            if (mentor, mentee) in closed or (mentor, mentee) in opened:
                continue
            value = float(score(people, people.index[mentor], people.index[mentee], kind, config))
            quantised = int(np.rint(value * 1_000_000))
            if quantised >= round(minimum * 1_000_000):
                values[(mentee, mentor)] = quantised
    slots = {m: max(capacity[m], 0) for m in mentors}
    return {"values": values, "slots": slots, "mentors": mentors, "mentees": mentees}


def _assignment_optimum(values: dict[tuple[str, str], int], slots: dict[str, int]) -> int:
    """Max-weight b-matching by scipy's dense assignment over one column per slot."""
    mentees = sorted({e for e, _ in values})
    columns = [m for m in sorted(slots) for _ in range(slots[m])]
    if not mentees or not columns:
        return 0
    gain = np.zeros((len(mentees), len(columns)))
    for (mentee, mentor), value in values.items():
        for j, column in enumerate(columns):
            if column == mentor:
                gain[mentees.index(mentee), j] = value
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return int(gain[rows, cols].sum())


def _either_optimum(data: dict[str, Any], either: list[str]) -> int:
    """Brute force over each ``either`` person's role, each solved by scipy."""
    best = 0
    for choice in itertools.product(("mentor", "mentee"), repeat=len(either)):
        role = dict(zip(either, choice, strict=True))
        values = {
            (e, m): v
            for (e, m), v in data["values"].items()
            if role.get(e, "mentee") == "mentee" and role.get(m, "mentor") == "mentor"
        }
        best = max(best, _assignment_optimum(values, data["slots"]))
    return best


def _check(result: dict[str, Any], data: dict[str, Any], expected_total: int) -> None:
    proposals = result["proposals"]
    total = sum(round(p["score"] * 1_000_000) for p in proposals)
    assert total == expected_total
    assert round(result["total_score"] * 1_000_000) == expected_total
    # Every feasible pair weighed, with the score computed independently.
    weighed = {
        (c["mentee_id"], c["mentor_id"]): round(c["score"] * 1_000_000)
        for c in result["candidates"]
    }
    assert weighed == data["values"]
    assert result["capacity"] == data["slots"]
    used: dict[str, int] = {}
    for p in proposals:
        assert (p["mentee_id"], p["mentor_id"]) in data["values"]  # no hard rule broken
        used[p["mentor_id"]] = used.get(p["mentor_id"], 0) + 1
    assert all(used[m] <= data["slots"][m] for m in used)
    assert len({p["mentee_id"] for p in proposals}) == len(proposals)
    matched = {p["mentee_id"] for p in proposals} | {p["mentor_id"] for p in proposals}
    waiting = set(data["mentees"])
    assert {u["person_id"] for u in result["unmatched"]} == waiting - matched
    assert all(u["reason"] for u in result["unmatched"])


@pytest.mark.parametrize("seed", range(12))
def test_the_optimum_matches_scipy_on_random_cohorts(engine: Engine, seed: int) -> None:
    program = _program(engine, seed)
    data = _independent(engine, program)
    result = match_cohort(engine, EVERYTHING, COHORT, explain=True).to_json(explain=True)
    _check(result, data, _assignment_optimum(data["values"], data["slots"]))


@pytest.mark.parametrize("seed", range(4))
def test_the_pruned_certified_solver_gives_the_same_optimum(
    engine: Engine, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above DENSE_CELLS the solver of tandem.matching.assignment is used: same optimum."""
    monkeypatch.setattr("tandem.matching.cohort.DENSE_CELLS", 0)
    program = _program(engine, 50 + seed)
    data = _independent(engine, program)
    result = match_cohort(engine, EVERYTHING, COHORT, explain=True).to_json(explain=True)
    _check(result, data, _assignment_optimum(data["values"], data["slots"]))


@pytest.mark.parametrize("seed", range(6))
def test_either_people_take_one_role_and_the_optimum_matches_brute_force(
    engine: Engine, seed: int
) -> None:
    program = _program(engine, 100 + seed, either=4)
    data = _independent(engine, program)
    either = sorted(p for p, r in program["roles"].items() if r == "either")
    result = match_cohort(engine, EVERYTHING, COHORT, explain=True).to_json(explain=True)
    mentees = {p["mentee_id"] for p in result["proposals"]}
    mentors = {p["mentor_id"] for p in result["proposals"]}
    assert not (mentees & mentors)
    total = _either_optimum(data, either)
    proposals = result["proposals"]
    assert sum(round(p["score"] * 1_000_000) for p in proposals) == total
    weighed = {
        (c["mentee_id"], c["mentor_id"]): round(c["score"] * 1_000_000)
        for c in result["candidates"]
    }
    assert weighed == data["values"]


def test_the_minimum_score_is_respected_and_named(engine: Engine) -> None:
    program = _program(engine, 7)
    save_minimum_score(engine, 0.55, "test")
    data = _independent(engine, program, minimum=0.55)
    result = match_cohort(engine, EVERYTHING, COHORT, explain=True).to_json(explain=True)
    assert result["minimum_score"] == 0.55
    _check(result, data, _assignment_optimum(data["values"], data["slots"]))
    assert all(p["score"] >= 0.55 for p in result["proposals"])


def test_pilot_reasons_in_words(engine: Engine) -> None:
    load_pilot(engine)
    match = match_cohort(engine, EVERYTHING, "pilot", explain=True)
    assert match.capacity == {"boss": 2, "full": 0, "zero": 0}
    assert [(p.mentee_id, p.mentor_id) for p in match.proposals] == [("other", "boss")]
    assert [u.person_id for u in match.unmatched] == ["kid"]
    assert match.unmatched[0].reason == (
        "no mentor with a free slot is allowed: 1 in their reporting line"
    )
    assert {(m, t) for m, t, _ in match.candidates} == {("other", "boss")}


def test_pins_and_forbidden_pairs(engine: Engine) -> None:
    load_pilot(engine)
    forbidden = match_cohort(engine, EVERYTHING, "pilot", forbidden={("other", "boss")})
    assert forbidden.proposals == []
    assert "forbidden" in forbidden.unmatched[-1].reason
    with pytest.raises(MatchRequestError, match="reporting line"):
        match_cohort(engine, EVERYTHING, "pilot", pins=[("kid", "boss")])
    pinned = match_cohort(engine, EVERYTHING, "pilot", pins=[("other", "boss")])
    assert [(p.mentee_id, p.mentor_id, p.pinned) for p in pinned.proposals] == [
        ("other", "boss", True)
    ]


def test_a_lead_outside_the_cohort_is_refused(engine: Engine) -> None:
    load_pilot(engine)
    with pytest.raises(OutOfScope):
        match_cohort(engine, Scope(cohorts=("other-cohort",)), "pilot")

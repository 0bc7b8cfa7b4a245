"""Small programs for the rebalancing tests, and independent checks of a plan."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from sqlalchemy import Engine, select

from tandem.matching import (
    Suggestion,
)
from tandem.program.bulk import upsert
from tandem.program.models import Pairing, Person
from tandem.program.schema import metadata

TABLES = metadata.tables
TODAY = dt.date(2026, 6, 1)


# --- independent checkers --------------------------------------------------------------


def brute_force(n_rows: int, edges: dict[tuple[int, int], int], capacity: Sequence[int]) -> int:
    """Best total by trying every assignment (rows may stay unassigned)."""
    options = [[None] + [c for (r, c) in edges if r == row] for row in range(n_rows)]
    best = 0
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        ok = True
        for c in choice:
            if c is not None:
                used[c] = used.get(c, 0) + 1
                ok = ok and used[c] <= capacity[c]
        if ok:
            best = max(best, sum(edges[(r, c)] for r, c in enumerate(choice) if c is not None))
    return best


def milp_total(candidates: list[dict[str, Any]], capacity: dict[str, int]) -> float:
    """Re-solve candidates + capacity as a max-weight b-matching with an integer program."""
    if not candidates:
        return 0.0
    pairings = sorted({c["pairing_id"] for c in candidates})
    mentors = sorted({c["mentor_id"] for c in candidates})
    a = np.zeros((len(pairings) + len(mentors), len(candidates)))
    for j, c in enumerate(candidates):
        a[pairings.index(c["pairing_id"]), j] = 1
        a[len(pairings) + mentors.index(c["mentor_id"]), j] = 1
    upper = [1] * len(pairings) + [capacity[m] for m in mentors]
    values = np.array([c["score"] for c in candidates])
    result = milp(
        -values,
        constraints=LinearConstraint(a, -np.inf, upper),
        integrality=np.ones(len(candidates)),
        bounds=Bounds(0, 1),
    )
    assert result.success
    return float(-result.fun)


def chain(rows: dict[str, dict[str, Any]], person_id: str) -> list[str]:
    out, seen, current = [], {person_id}, rows[person_id]["manager_id"]
    while current is not None and current not in seen:
        out.append(current)
        seen.add(current)
        current = rows[current]["manager_id"]
    return out


# --- building programs --------------------------------------------------------------------


def person(pid: str, level: int, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "person_id": pid,
        "name": f"Name {pid}",
        "level": level,
        "division": "Tech",
        "function": None,
        "geography": "UK",
        "manager_id": None,
        "tenure_years": 5.0,
        "strengths": None,
        "development_goals": None,
        "monthly_hours": 4.0,
        "max_mentees": 2,
    }
    row.update(extra)
    return row


def pairing(pid: str, mentor: str, mentee: str, status: str = "active", **extra: Any) -> dict:
    row = {
        "pairing_id": pid,
        "cohort_id": None,
        "mentor_id": mentor,
        "mentee_id": mentee,
        "kind": "traditional",
        "status": status,
        "start_date": dt.date(2026, 1, 5),
        "ended_date": dt.date(2026, 3, 1) if status in ("ended", "completed") else None,
        "cadence_days": 21,
        "objective": "grow",
    }
    row.update(extra)
    return row


def load(engine: Engine, people: list[dict], pairings: list[dict], stalled: Sequence[str] = ()):
    with engine.begin() as connection:
        # Managers first: the foreign key wants them to exist.
        upsert(connection, TABLES["people"], [{**p, "manager_id": None} for p in people])
        upsert(connection, TABLES["people"], people, update_columns=["manager_id"])
        upsert(connection, TABLES["pairings"], pairings)
        if stalled:
            upsert(
                connection,
                TABLES["pairing_health"],
                [
                    {"pairing_id": p, "stalled": True, "reasons": "no contact", "as_of": TODAY}
                    for p in stalled
                ],
            )


GOALS = "strategy;finance;negotiation;coding"

PEOPLE = [
    person("ceo", 8, division="Exec"),
    person("vp", 6, manager_id="ceo"),
    person("dir", 4, manager_id="vp", development_goals=GOALS),
    person("busy", 6, division="Risk", max_mentees=2),
    *[person(f"e{i}", 3, development_goals="strategy") for i in range(1, 5)],
    person(
        "good",
        6,
        division="Markets",
        geography="US",
        strengths="Strategy;Finance;Negotiation",
        monthly_hours=8.0,
        max_mentees=2,
    ),
    person("spare", 5, division="Ops", geography="SG", strengths="strategy", max_mentees=3),
    person("full", 6, division="HR", strengths=GOALS, max_mentees=1),
    person("fan", 2),
]
PAIRINGS = [
    # ceo is two levels above dir: a hard rule is broken, it must move
    pairing("line", "ceo", "dir", cohort_id=None, kind="traditional"),
    # busy has four mentees for two slots
    *[pairing(f"b{i}", "busy", f"e{i}") for i in range(1, 5)],
    # good and e1 already had a pairing: never again
    pairing("old", "good", "e1", status="ended"),
    # full is full
    pairing("f", "full", "fan"),
]


def assert_hard_rules_hold(engine: Engine, suggestions: list[Suggestion]) -> None:
    with engine.connect() as connection:
        people = {
            r.person_id: dict(r._mapping)
            for r in connection.execute(
                select(Person.person_id, Person.manager_id, Person.max_mentees)
            )
        }
        rows = connection.execute(select(Pairing)).mappings().all()
    closed = {
        (r["mentor_id"], r["mentee_id"]) for r in rows if r["status"] in ("ended", "completed")
    }
    load_now: dict[str, int] = {}
    for r in rows:
        if r["status"] in ("active", "paused", "proposed"):
            load_now[r["mentor_id"]] = load_now.get(r["mentor_id"], 0) + 1
    for s in suggestions:
        load_now[s.current_mentor_id] -= 1
        load_now[s.suggested_mentor_id] = load_now.get(s.suggested_mentor_id, 0) + 1
    for s in suggestions:
        assert s.suggested_mentor_id != s.mentee_id
        assert s.suggested_mentor_id not in chain(people, s.mentee_id)
        assert s.mentee_id not in chain(people, s.suggested_mentor_id)
        assert (s.suggested_mentor_id, s.mentee_id) not in closed
        target = s.suggested_mentor_id
        assert load_now[target] <= people[target]["max_mentees"], target
        assert s.suggested_mentor_load_after == load_now[target]


def suggestion() -> Suggestion:
    """One suggestion with every field set: p1 moves from m1 (over capacity) to m2."""
    return Suggestion(
        pairing_id="p1",
        mentee_id="e1",
        current_mentor_id="m1",
        suggested_mentor_id="m2",
        current_score=0.4,
        suggested_score=0.7,
        gain=0.3,
        current_components={"skills": 0.1},
        suggested_components={"skills": 0.9},
        current_mentor_load_before=3,
        current_mentor_load_after=2,
        suggested_mentor_load_before=0,
        suggested_mentor_load_after=1,
        runner_up_mentor_id=None,
        runner_up_score=None,
        reasons=["mentor over capacity"],
        why_move=["over capacity"],
    )

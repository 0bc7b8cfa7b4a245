"""Rebalancing: hard rules, exact optimality, margin, pins, accept/decline, the command."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from sqlalchemy import Engine, func, select, text

from tandem.access import EVERYTHING
from tandem.cli.main import main
from tandem.matching.rebalance import (
    OpenPairing,
    Suggestion,
    SuggestionConflict,
    accept_suggestion,
    compute_rebalance,
    compute_rotation,
    decline_suggestion,
    load_rebalance_settings,
    plan_rebalance,
    set_excluded,
    set_pinned,
    solve_b_matching,
)
from tandem.matching.scoring import HardRules, MatchConfig, People, kind_code, load_people, score
from tandem.program.bulk import upsert
from tandem.program.models import AuditEntry, Pairing, Person
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


@pytest.fixture
def program(engine: Engine) -> Engine:
    load(engine, PEOPLE, PAIRINGS)
    return engine


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


# --- the solver ------------------------------------------------------------------------------


def test_solver_is_optimal_against_brute_force() -> None:
    rng = np.random.default_rng(11)
    for _ in range(150):
        n_rows, n_cols = int(rng.integers(1, 6)), int(rng.integers(1, 5))
        capacity = rng.integers(0, 3, n_cols)
        edges = {
            (r, c): int(rng.integers(0, 6))  # small values: many ties and zeros
            for r in range(n_rows)
            for c in range(n_cols)
            if rng.random() < 0.6
        }
        keys = list(edges)
        assigned = solve_b_matching(
            n_rows,
            np.array([k[0] for k in keys], dtype=np.int64),
            np.array([k[1] for k in keys], dtype=np.int64),
            np.array([edges[k] for k in keys], dtype=np.int64),
            capacity,
        )
        got = 0
        for r, c in enumerate(assigned.tolist()):
            if c >= 0:
                assert (r, c) in edges
                got += edges[(r, c)]
        counts = np.bincount(assigned[assigned >= 0], minlength=n_cols)
        assert (counts <= capacity).all()
        assert got == brute_force(n_rows, edges, capacity.tolist())


def random_program(
    seed: int,
) -> tuple[People, HardRules, list[OpenPairing], dict[str, dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    n = 14
    skills = ["a", "b", "c", "d", "e", "f"]
    rows = []
    for i in range(n):
        manager = f"p{int(rng.integers(0, i))}" if i > 0 and rng.random() < 0.6 else None
        rows.append(
            person(
                f"p{i}",
                int(rng.integers(1, 9)),
                manager_id=manager,
                division=str(rng.choice(["A", "B", "C"])),
                geography=str(rng.choice(["X", "Y"])),
                strengths=";".join(rng.choice(skills, 2, replace=False)),
                development_goals=";".join(rng.choice(skills, 2, replace=False)),
                monthly_hours=float(rng.integers(0, 10)),
                max_mentees=int(rng.integers(0, 4)),
            )
        )
    people = People.from_rows(rows)
    pairs: list[OpenPairing] = []
    load = np.zeros(n, dtype=np.int32)
    opened: set[tuple[int, int]] = set()
    for j in range(int(rng.integers(3, 7))):
        mentor, mentee = (int(x) for x in rng.choice(n, 2, replace=False))
        if (mentor, mentee) in opened:
            continue
        opened.add((mentor, mentee))
        load[mentor] += 1
        pairs.append(
            OpenPairing(
                f"x{j}",
                f"p{mentee}",
                f"p{mentor}",
                str(rng.choice(["traditional", "peer"])),
                "active",
                1,
                None,
                bool(rng.random() < 0.5),
                "",
            )
        )
    closed = set()
    for _ in range(3):
        mentor, mentee = (int(x) for x in rng.choice(n, 2, replace=False))
        closed.add((mentor, mentee))
    rules = HardRules(people=people, load=load, closed_pairs=closed, open_pairs=opened)
    return people, rules, pairs, {r["person_id"]: r for r in rows}


@pytest.mark.parametrize("seed", range(25))
def test_plan_is_optimal_over_all_options_not_just_the_pruned_ones(seed: int) -> None:
    people, rules, pairs, rows = random_program(seed)
    config = MatchConfig(move_margin=0.03, poor_fit_threshold=0.5)
    plan = plan_rebalance(people, rules, pairs, config, explain=True)

    # Independently: which pairings may move, which mentors have which slots,
    # and every option that no hard rule forbids (no pruning).
    idx = people.index
    movable = []
    for p in pairs:
        mentor, mentee = idx[p.mentor_id], idx[p.mentee_id]
        in_line = p.mentor_id in chain(rows, p.mentee_id) or p.mentee_id in chain(rows, p.mentor_id)
        value = float(score(people, mentor, mentee, kind_code(p.kind), config))
        overloaded = rules.load[mentor] > rows[p.mentor_id]["max_mentees"]
        if in_line or overloaded or p.stalled or value < config.poor_fit_threshold:
            movable.append((p, in_line, value))
    assert plan.movable == len(movable)
    slots = {pid: r["max_mentees"] - int(rules.load[idx[pid]]) for pid, r in rows.items()}
    for p, _, _ in movable:
        slots[p.mentor_id] += 1
    edges: dict[tuple[int, int], int] = {}
    mentor_ids = sorted(pid for pid, s in slots.items() if s > 0)
    for r, (p, in_line, value) in enumerate(movable):
        for c, m in enumerate(mentor_ids):
            if m == p.mentor_id:
                if not in_line:
                    edges[(r, c)] = round(value * 1e6) + round(config.move_margin * 1e6)
                continue
            if m == p.mentee_id or m in chain(rows, p.mentee_id) or p.mentee_id in chain(rows, m):
                continue
            if (idx[m], idx[p.mentee_id]) in rules.closed_pairs | rules.open_pairs:
                continue
            edges[(r, c)] = round(
                float(score(people, idx[m], idx[p.mentee_id], kind_code(p.kind), config)) * 1e6
            )
    everything = [
        {"pairing_id": movable[r][0].pairing_id, "mentor_id": mentor_ids[c], "score": v / 1e6}
        for (r, c), v in edges.items()
    ]
    optimum = milp_total(everything, {m: slots[m] for m in mentor_ids})
    assert plan.total_score == pytest.approx(optimum, abs=1e-6)
    # ... and the pruned candidates the plan reports re-solve to the same total.
    explained = plan.to_json(explain=True)
    assert milp_total(explained["candidates"], explained["capacity"]) == pytest.approx(
        plan.total_score, abs=1e-6
    )
    # every reported candidate is one of the feasible options, with the same value
    lookup = {(e["pairing_id"], e["mentor_id"]): e["score"] for e in everything}
    for c in explained["candidates"]:
        assert lookup[(c["pairing_id"], c["mentor_id"])] == pytest.approx(c["score"], abs=1e-9)


# --- the program in the database ------------------------------------------------------------


def test_reporting_line_and_overload_are_resolved_within_the_hard_rules(program: Engine) -> None:
    plan = compute_rebalance(program)
    by_pairing = {s.pairing_id: s for s in plan.suggestions}
    assert_hard_rules_hold(program, plan.suggestions)

    line = by_pairing["line"]
    assert line.suggested_mentor_id not in ("ceo", "vp")
    assert "mentor is above the mentee in the reporting line (2 levels up)" in line.reasons
    assert line.current_mentor_load_before == 1 and line.current_mentor_load_after == 0
    assert any(r.startswith("covers 3 of 4 development goals vs 0") for r in line.reasons)
    assert line.suggested_mentor_id == "good"  # the one who covers three goals
    assert line.runner_up_mentor_id is not None and line.runner_up_score is not None
    assert line.runner_up_score <= line.suggested_score

    moved = [s for s in plan.suggestions if s.current_mentor_id == "busy"]
    stayed = 4 - len(moved) - sum(1 for u in plan.unresolved if u.current_mentor_id == "busy")
    assert stayed <= 2 and len(moved) >= 2
    for s in moved:
        assert "current mentor has 4 mentees, capacity 2" in s.reasons
        assert s.current_mentor_load_before == 4 and s.current_mentor_load_after <= 2
    # the ended pair is never proposed again
    assert all(not (s.mentee_id == "e1" and s.suggested_mentor_id == "good") for s in moved)
    assert plan.unresolved == []


def test_a_pairing_that_must_move_but_cannot_is_unresolved_with_the_reason(
    engine: Engine,
) -> None:
    load(
        engine,
        [person("boss", 6, max_mentees=1), person("me", 3, manager_id="boss")],
        [pairing("p", "boss", "me")],
    )
    plan = compute_rebalance(engine)
    assert plan.suggestions == []
    [item] = plan.unresolved
    assert item.pairing_id == "p"
    assert "mentor is the mentee's manager" in item.reasons
    assert "no mentor with a free slot passes the hard rules" in item.reasons


def test_a_move_must_beat_staying_by_the_margin(engine: Engine) -> None:
    people = [
        person("now", 5, strengths="strategy"),
        person("alt", 5, strengths="strategy", monthly_hours=12.0),
        person("me", 3, development_goals="strategy"),
    ]
    load(engine, people, [pairing("p", "now", "me")], stalled=["p"])
    encoded = People.from_rows(people)
    config = MatchConfig()
    i = encoded.index
    gain = float(
        score(encoded, i["alt"], i["me"], 0, config) - score(encoded, i["now"], i["me"], 0, config)
    )
    assert gain > 0.01

    small_margin = compute_rebalance(engine, config=MatchConfig(move_margin=gain / 2))
    [s] = small_margin.suggestions
    assert s.suggested_mentor_id == "alt" and s.gain == pytest.approx(gain, abs=1e-5)
    assert s.gain > gain / 2

    big_margin = compute_rebalance(engine, config=MatchConfig(move_margin=gain * 1.5))
    assert big_margin.suggestions == [] and big_margin.stays == 1
    assert big_margin.total_score == pytest.approx(
        float(score(encoded, i["now"], i["me"], 0, config)) + gain * 1.5, abs=1e-5
    )


def test_pins_and_excludes_are_respected(program: Engine) -> None:
    set_pinned(program, EVERYTHING, "line", actor="lead")
    set_excluded(program, EVERYTHING, "b1", actor="lead")
    stored = load_rebalance_settings(program)
    assert stored["pins"] == ["line"] and stored["excludes"] == ["b1"]

    plan = compute_rebalance(program, explain=True)
    touched = {s.pairing_id for s in plan.suggestions} | {c.pairing_id for c in plan.candidates}
    assert "line" not in touched and "b1" not in touched
    assert any("line" in w and "pinned" in w for w in plan.warnings)
    # excluded b1 still holds one of busy's two slots: one more has to go
    assert sum(1 for s in plan.suggestions if s.current_mentor_id == "busy") >= 2
    assert_hard_rules_hold(program, plan.suggestions)

    set_pinned(program, EVERYTHING, "line", actor="lead", pinned=False)
    assert "line" in {s.pairing_id for s in compute_rebalance(program).suggestions}


def count_rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        pairings = connection.execute(select(func.count()).select_from(Pairing)).scalar_one()
        audits = connection.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    return pairings, audits


def test_accept_ends_one_pairing_and_proposes_one_then_refuses_a_stale_repeat(
    program: Engine,
) -> None:
    plan = compute_rebalance(program)
    suggestion = next(s for s in plan.suggestions if s.pairing_id == "line")
    pairings_before, audits_before = count_rows(program)

    new_id = accept_suggestion(
        program, EVERYTHING, suggestion, actor="lead@example.com", today=TODAY
    )

    with program.connect() as connection:
        old = connection.execute(select(Pairing).where(Pairing.pairing_id == "line")).one()
        new = connection.execute(select(Pairing).where(Pairing.pairing_id == new_id)).one()
        audits = connection.execute(
            select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.actor)
            .where(AuditEntry.id > audits_before)
            .order_by(AuditEntry.id)
        ).all()
    assert (old.status, old.ended_date, old.version) == ("ended", TODAY, 2)
    assert (new.status, new.mentor_id, new.mentee_id) == (
        "proposed",
        suggestion.suggested_mentor_id,
        "dir",
    )
    assert (new.kind, new.cadence_days, new.cohort_id, new.start_date) == (
        "traditional",
        21,
        None,
        TODAY,
    )
    assert count_rows(program) == (pairings_before + 1, audits_before + 2)
    assert [a.action for a in audits] == ["rebalance.accept.end", "rebalance.accept.propose"]
    assert {a.entity_id for a in audits} == {"line", new_id}
    assert all(a.actor == "lead@example.com" for a in audits)

    with pytest.raises(SuggestionConflict, match="changed since"):
        accept_suggestion(program, EVERYTHING, suggestion, actor="lead@example.com", today=TODAY)
    assert count_rows(program) == (pairings_before + 1, audits_before + 2)


def test_accept_refuses_when_the_target_mentor_filled_up_meanwhile(program: Engine) -> None:
    plan = compute_rebalance(program)
    suggestion = next(s for s in plan.suggestions if s.pairing_id == "line")
    target = suggestion.suggested_mentor_id
    with program.begin() as connection:
        capacity = connection.execute(
            select(Person.max_mentees).where(Person.person_id == target)
        ).scalar_one()
        upsert(
            connection,
            TABLES["pairings"],
            [pairing(f"fill{i}", target, f"e{i + 1}", status="proposed") for i in range(capacity)],
        )
    before = count_rows(program)
    with pytest.raises(SuggestionConflict, match="capacity"):
        accept_suggestion(program, EVERYTHING, suggestion, actor="lead", today=TODAY)
    assert count_rows(program) == before
    with program.connect() as connection:
        status, version = connection.execute(
            text("SELECT status, version FROM pairings WHERE pairing_id = 'line'")
        ).one()
    assert (status, version) == ("active", 1)  # rolled back whole


def test_declined_suggestions_are_not_proposed_again(program: Engine) -> None:
    first = {s.pairing_id: s for s in compute_rebalance(program).suggestions}["line"]
    decline_suggestion(program, EVERYTHING, first, actor="lead", today=TODAY)
    again = {s.pairing_id: s for s in compute_rebalance(program).suggestions}
    assert again["line"].suggested_mentor_id != first.suggested_mentor_id
    with program.connect() as connection:
        actions = connection.execute(select(AuditEntry.action)).scalars().all()
    assert "rebalance.decline" in actions
    assert load_rebalance_settings(program)["declined"][0]["mentor_id"] == first.suggested_mentor_id


def test_rotation_brings_a_new_perspective(engine: Engine) -> None:
    load(
        engine,
        [
            person("grad", 3, development_goals="strategy;finance"),
            person("prev", 6, strengths="strategy;finance"),
            # same division and geography as prev: not a new perspective
            person("same", 6, strengths="strategy;finance", monthly_hours=20.0),
            person("fresh", 6, division="Risk", strengths="strategy"),
            person("busy", 6, division="Ops", geography="US", strengths=GOALS, max_mentees=0),
        ],
        [pairing("done", "prev", "grad", status="completed")],
    )
    [item] = compute_rotation(engine)
    assert item.mentee_id == "grad" and item.previous_mentor_ids == ["prev"]
    assert item.suggested_mentor_id == "fresh"
    assert "new division for the mentee: Risk" in item.reasons


def test_command_json_and_explain_re_solve_to_the_total(
    program: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = program.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "rebalance", "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert set(plain) == {"suggestions", "total_score"}
    assert plain["suggestions"]
    for s in plain["suggestions"]:
        assert set(s) == {
            "pairing_id",
            "mentee_id",
            "current_mentor_id",
            "suggested_mentor_id",
            "current_score",
            "suggested_score",
            "components",
            "reasons",
        }
        assert set(s["components"]) == {"current", "suggested"}
        assert set(s["components"]["suggested"]) == {
            "skills",
            "diversity",
            "breadth",
            "level",
            "availability",
        }

    assert main(["--database-url", url, "rebalance", "--json", "--explain"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert set(explained) == {"suggestions", "total_score", "candidates", "capacity"}
    assert explained["total_score"] == plain["total_score"]
    assert milp_total(explained["candidates"], explained["capacity"]) == pytest.approx(
        explained["total_score"], abs=1e-6
    )
    # staying is among the options of every pairing that may stay
    options = {(c["pairing_id"], c["mentor_id"]) for c in explained["candidates"]}
    assert all((f"b{i}", "busy") in options for i in range(1, 5))
    assert not any(p == "line" and m == "ceo" for p, m in options)

    assert main(["--database-url", url, "rebalance", "--explain", "--rotation"]) == 0
    table = capsys.readouterr().out
    assert "line" in table and "→" in table and "runner-up" in table


def test_rotation_shares_capacity_and_keeps_the_hard_rules(engine: Engine) -> None:
    load(
        engine,
        [
            person("head", 7, division="Risk"),
            person("g1", 3, development_goals="strategy", manager_id="head"),
            person("g2", 3, development_goals="strategy"),
            person("prev", 6),
            person("star", 6, division="Risk", strengths="strategy", max_mentees=1),
            person("ok", 6, division="Ops"),
        ],
        [
            pairing("d1", "prev", "g1", status="completed"),
            pairing("d2", "prev", "g2", status="completed"),
            pairing("old", "ok", "g2", status="ended"),
        ],
    )
    items = {r.mentee_id: r for r in compute_rotation(engine)}
    # head is g1's manager, ok already had g2, star has one slot, prev is a repeat
    chosen = {m: items[m].suggested_mentor_id for m in ("g1", "g2")}
    assert chosen["g1"] in {"star", "ok"} and chosen["g2"] in {"star", "head"}
    assert list(chosen.values()).count("star") <= 1
    assert items["g2"].previous_mentor_ids == ["ok", "prev"]
    # jointly optimal: no better pair of choices exists
    engine_people = load_people(engine)
    config = MatchConfig()

    def value(mentor: str, mentee: str) -> float:
        i = engine_people.index
        return float(score(engine_people, i[mentor], i[mentee], 0, config))

    best = max(
        value(a, "g1") + value(b, "g2")
        for a in ("star", "ok")
        for b in ("star", "head")
        if not (a == b == "star")
    )
    total = (items["g1"].score or 0.0) + (items["g2"].score or 0.0)
    assert total == pytest.approx(best, abs=1e-5)

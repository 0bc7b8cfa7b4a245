"""The health formula, the stall rules and the reasons in words (tandem.health.formula)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine, select

from tandem.health import (
    describe_formula,
    health_frame,
    health_settings,
    refresh_health,
    save_health_settings,
    stalled_health_cap,
)
from tandem.program.derived_tables import PairingHealth
from tests.factories import TODAY as GRID_TODAY
from tests.factories import grid_program
from tests.tandem.health.builder import TODAY, by_id


def test_detected_stalls_equal_the_truth(engine: Engine, program: set[str]) -> None:
    frame = health_frame(engine, TODAY)
    assert set(frame.loc[frame["stalled"], "pairing_id"]) == program


def test_named_reasons(engine: Engine, program: set[str]) -> None:
    rows = by_id(health_frame(engine, TODAY))
    assert rows["gap"]["reasons"] == ["no meeting for 74 days, agreed every 30"]
    assert rows["fine"]["reasons"] == []
    assert "2 milestones overdue" in rows["overdue2"]["reasons"]
    assert rows["overdue1"]["reasons"] == ["1 milestone overdue", "1 milestone missed"]
    assert rows["falling"]["reasons"] == ["ratings fell 1.5 points since the start"]
    assert rows["drop1"]["reasons"] == ["ratings fell 1.0 point since the start"]
    assert rows["dip"]["reasons"] == ["ratings fell 0.5 points since the start"]
    assert rows["onesided"]["reasons"] == ["only the mentor has submitted the last 3 check-ins"]
    assert rows["alternating"]["reasons"] == []
    assert (
        rows["never14"]["reasons"][0] == "no check-in yet, 50 days since the start, agreed every 14"
    )
    assert rows["new"]["reasons"] == []
    assert rows["proposed"]["reasons"] == ["not started yet"]
    assert rows["paused"]["reasons"][0] == "paused"
    assert rows["weekly40"]["reasons"][0] == "no meeting for 40 days, agreed every 7"
    assert any("lean negative (mean sentiment -0.50)" in r for r in rows["negative"]["reasons"])
    assert rows["private"]["reasons"] == []


def test_stall_rules_fire_individually(engine: Engine, program: set[str]) -> None:
    rows = by_id(health_frame(engine, TODAY))
    assert rows["gap"]["stall_no_contact"] and not rows["gap"]["stall_milestones"]
    assert rows["overdue2"]["stall_milestones"] and not rows["overdue2"]["stall_no_contact"]
    assert rows["falling"]["stall_ratings"]
    assert rows["onesided"]["stall_one_sided"]
    assert not rows["paused"]["stalled"] and not rows["paused"]["at_risk"]
    assert not rows["completed"]["stalled"]


def test_health_values_hand_computed(engine: Engine, program: set[str]) -> None:
    rows = by_id(health_frame(engine, TODAY))
    # gap: cadence 4 held / 5 expected = 0.8; recency 1 − (74 − 30)/60; ratings flat = 1;
    # engagement all "both" = 1; no milestones, no sentiment → their weights drop out.
    recency = 1 - 44 / 60
    expected = 100 * (0.2 * 0.8 + 0.25 * recency + 0.15 + 0.1) / 0.7
    assert rows["gap"]["weighted_health"] == pytest.approx(expected, abs=0.051)
    # gap is stalled: its health is capped one point under the at-risk line (50).
    assert rows["gap"]["health"] == 49.0
    assert rows["fine"]["health"] == pytest.approx(100.0)
    assert rows["new"]["health"] == pytest.approx(100.0)  # only recency applies, and it is fine
    assert rows["never14"]["health"] == pytest.approx(0.0)
    # Stalled and at risk are exclusive verdicts; both sit under the line.
    assert rows["never14"]["stalled"] and not rows["never14"]["at_risk"]
    assert not rows["gap"]["at_risk"]
    # never30: cadence 0 of 1 expected, recency 1 − 20/60 → (0.25 × 2/3) ÷ 0.45.
    assert rows["never30"]["health"] == pytest.approx(100 * 0.25 * (2 / 3) / 0.45, abs=0.051)
    assert rows["never30"]["at_risk"] and not rows["never30"]["stalled"]
    assert math.isnan(rows["proposed"]["health"])
    # negative: sentiment (−0.5 → 0.25) is the only imperfect component; no milestones,
    # so the other weights (0.2 + 0.25 + 0.15 + 0.1) and sentiment's 0.1 are renormalised.
    assert rows["negative"]["health"] == pytest.approx(100 * (0.7 + 0.1 * 0.25) / 0.8, abs=0.051)
    # the private note is left out, so its pairing is judged without sentiment
    assert math.isnan(rows["private"]["score_sentiment"])
    # completed in March: as of its end (7 days after the last meeting) it was on track
    assert rows["completed"]["days_since_contact"] == 7
    # overdue2: 1 done on time out of 1 done + 2 overdue
    assert rows["overdue2"]["score_milestones"] == pytest.approx(1 / 3)
    assert rows["alternating"]["score_engagement"] == pytest.approx(4 / 5)


def test_settings_change_the_verdicts(engine: Engine, program: set[str]) -> None:
    assert not by_id(health_frame(engine, TODAY))["weekly40"]["at_risk"]  # 52.5, line at 50
    save_health_settings(engine, {"at_risk_below": 60}, "lead")
    rows = by_id(health_frame(engine, TODAY))
    assert rows["weekly40"]["at_risk"] and rows["weekly40"]["health"] == 52.5
    assert rows["gap"]["health"] == 59.0  # the cap follows the line
    save_health_settings(
        engine,
        {"stall": {"no_contact_min_days": 30, "overdue_milestones": 1}, "at_risk_below": 70},
        "lead",
    )
    rows = by_id(health_frame(engine, TODAY))
    assert rows["weekly40"]["stalled"]  # 40 > max(14, 30)
    assert rows["weekly40"]["health"] == 52.5  # already under the cap of 69
    assert rows["overdue1"]["stalled"] and rows["overdue1"]["health"] == 69.0  # 77.8 capped
    save_health_settings(engine, {"stall_statuses": ["active", "paused"]}, "lead")
    assert by_id(health_frame(engine, TODAY))["paused"]["stalled"]


def test_every_stall_comes_with_a_reason_even_with_tight_thresholds(
    engine: Engine, program: set[str]
) -> None:
    save_health_settings(
        engine,
        {
            "stall": {
                "no_contact_cadence_multiple": 0.5,
                "no_contact_min_days": 5,
                "rating_drop": 0.25,
            }
        },
        "lead",
    )
    frame = health_frame(engine, TODAY)
    stalled = frame[frame["stalled"]]
    assert program < set(stalled["pairing_id"])  # tighter rules catch more pairings
    assert all(stalled["reasons"].map(len) > 0)
    rows = by_id(frame)
    assert rows["weekly40"]["stall_no_contact"] and rows["dip"]["stall_ratings"]
    assert not rows["fine"]["stalled"]  # 10 days silent is under max(0.5 × 30, 5)


@pytest.mark.parametrize("line", [50.0, 70.0, 30.5, 95.0])
def test_no_stalled_pairing_scores_at_or_above_the_at_risk_line(
    engine: Engine, program: set[str], line: float
) -> None:
    """The verdicts agree: every stalled pairing's health is inside the at-risk band."""
    save_health_settings(engine, {"at_risk_below": line}, "lead")
    frame = health_frame(engine, TODAY)
    stalled = frame[frame["stalled"]]
    assert set(stalled["pairing_id"]) == program
    assert (stalled["health"] < line).all()
    assert (stalled["health"] <= stalled["weighted_health"]).all()  # capped, never raised
    # Pairings that are not stalled keep their weighted score.
    others = frame[~frame["stalled"] & frame["health"].notna()]
    assert (others["health"] == others["weighted_health"]).all()


def test_no_stalled_pairing_on_the_demo_scores_at_or_above_the_line(engine: Engine) -> None:
    """The same on the grid program the queue tests use (stored, as every page reads it)."""
    grid_program(engine)
    refresh_health(engine, today=GRID_TODAY)
    with engine.connect() as connection:
        rows = connection.execute(
            select(PairingHealth.health, PairingHealth.stalled, PairingHealth.at_risk)
        ).all()
    stalled = [row.health for row in rows if row.stalled]
    assert stalled and max(stalled) < 50
    assert not any(row.stalled and row.at_risk for row in rows)


def test_the_formula_described_is_the_formula_used(engine: Engine) -> None:
    settings = health_settings(engine)
    text = describe_formula(settings)
    assert "capped at 49" in text and "below 50" in text and "active" in text
    save_health_settings(
        engine, {"at_risk_below": 62.5, "stall_statuses": ["active", "paused"]}, "l"
    )
    text = describe_formula(health_settings(engine))
    assert "capped at 62" in text and "below 62.5" in text and "active, paused" in text
    assert stalled_health_cap(health_settings(engine)) == 62.0


def test_empty_database(engine: Engine) -> None:
    assert health_frame(engine, TODAY).empty

"""The Overview's reads: scoped, filtered, aggregated, presenter-safe."""

from __future__ import annotations

from sqlalchemy import Engine

from tandem.access import EVERYTHING, Scope
from tandem.access.filters import Filters
from tandem.portfolio.milestone_progress import burn_up
from tandem.portfolio.overview import (
    needs_a_lead,
    overview_headlines,
    pairings_by_cohort,
    program_burn_up,
)
from tandem.program.bulk import upsert
from tandem.program.derived_tables import PairingHealth
from tests.factories import TODAY, grid_program, small_program

ALL = Filters(scope=EVERYTHING)


def _verdicts(engine: Engine) -> None:
    rows = [
        ("x1", 38.0, True, True, "no meeting for 80 days, agreed every 30;2 milestones overdue"),
        ("x2", 48.0, False, True, "ratings fell"),
    ]
    with engine.begin() as connection:
        upsert(
            connection,
            PairingHealth.__table__,  # type: ignore[arg-type]
            [
                {
                    "pairing_id": p,
                    "health": h,
                    "stalled": s,
                    "at_risk": r,
                    "reasons": why,
                    "as_of": TODAY,
                }
                for p, h, s, r, why in rows
            ],
        )


def test_the_pairings_that_need_a_lead_worst_first_with_the_first_reason(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    _verdicts(engine)
    rows = needs_a_lead(engine, ALL)
    assert list(rows["pairing_id"]) == ["x1", "x2"]  # stalled first
    assert list(rows["verdict"]) == ["Stalled", "At risk"]
    assert rows["pair"][0] == "Zoë Ångström → José Nuñez"
    assert rows["why"][0] == "no meeting for 80 days, agreed every 30"
    assert rows["cohort"][0] == "Executive Pairings 2026"


def test_a_room_sees_pseudonyms_only(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    _verdicts(engine)
    rows = needs_a_lead(engine, Filters(scope=Scope(presenting=True)))
    text = " ".join(rows.astype(str).to_numpy().ravel())
    for name in ("Zoë", "Ångström", "José", "Nuñez", "Hoa", "Smith", "p1", "p2"):
        assert name not in text
    assert len(rows) == 2 and all(" → " in pair for pair in rows["pair"])


def test_a_lead_sees_only_their_cohorts(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    _verdicts(engine)
    elsewhere = Filters(scope=Scope(cohorts=("c-other",)))
    assert needs_a_lead(engine, elsewhere).empty
    assert pairings_by_cohort(engine, elsewhere, TODAY) == []
    headlines = overview_headlines(engine, elsewhere, TODAY)
    assert headlines.counts.pairings == 0 and headlines.counts.stalled == 0


def test_cohorts_follow_the_filter_bar(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    assert pairings_by_cohort(engine, ALL, TODAY) == [
        ("Executive Pairings 2026", "executive", 2, 2)
    ]
    reverse = Filters(scope=EVERYTHING, kinds=("reverse",))
    assert pairings_by_cohort(engine, reverse, TODAY) == [
        ("Executive Pairings 2026", "executive", 1, 1)
    ]
    peer = Filters(scope=EVERYTHING, kinds=("peer",))
    assert pairings_by_cohort(engine, peer, TODAY) == []


def test_the_program_burn_up_adds_up_the_cohorts(engine) -> None:  # type: ignore[no-untyped-def]
    grid_program(engine)
    per_cohort, hidden = burn_up(engine, ALL, threshold=0)
    program, hidden_too = program_burn_up(engine, ALL, threshold=0)
    assert hidden == hidden_too == 0
    assert set(program["cohort"]) == {"All cohorts"}
    assert program["due"].sum() == per_cohort["due"].sum()
    assert program["completed"].sum() == per_cohort["completed"].sum()
    assert program["planned_total"].is_monotonic_increasing
    assert program["planned_total"].iloc[-1] == per_cohort["due"].sum()


def test_headlines_name_what_stalled_and_at_risk_compare_with(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    _verdicts(engine)
    headlines = overview_headlines(engine, ALL, TODAY)
    by_label = {m.label: m for m in headlines.metrics}
    assert list(by_label) == [
        "Running pairings",
        "Meetings held",
        "Milestones done",
        "Mean rating",
        "Stalled",
        "At risk",
    ]
    assert (by_label["Stalled"].value, by_label["At risk"].value) == (1, 2)
    assert headlines.verdicts_before is None  # no refresh stored any month end
    assert by_label["Stalled"].change is None
    assert "0 of them paused" in by_label["Running pairings"].help

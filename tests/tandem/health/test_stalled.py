"""The lead's queue and health picture against plain-Python recomputations."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from tandem.access import EVERYTHING, Viewer
from tandem.access.filters import Filters
from tandem.health import (
    TREND_MONTHS,
    filtered_nudge_list,
    health_as_of,
    health_distribution,
    health_frame,
    nudge_list,
    pairing_flag_rows,
    queue_counts,
    raise_flag,
    refresh_health,
    save_health_settings,
    stall_trend,
    stalled_queue,
    update_flag,
)
from tandem.program import rollups
from tandem.program.derived_tables import PairingHealth, PairingHealthHistory
from tandem.program.models import RUNNING_STATUSES, Flag, Pairing
from tandem.program.settings import put_setting
from tests.factories import TODAY, grid_program


@pytest.fixture
def program(engine: Engine) -> dict[str, Any]:
    rows = grid_program(engine)
    refresh_health(engine, today=TODAY)
    pairings = [p["pairing_id"] for p in rows["pairings"]]
    # Flags in every state: two open on one pairing (the newest one's owner
    # counts), one unowned, one in progress, one resolved (not counted).
    raise_flag(engine, EVERYTHING, pairings[0], "no_contact", "first", "lead", owner="Old Owner")
    newest = raise_flag(
        engine, EVERYTHING, pairings[0], "capacity", "second", "lead", owner="New Owner"
    )
    raise_flag(engine, EVERYTHING, pairings[1], "other", None, "lead")
    moved = raise_flag(engine, EVERYTHING, pairings[2], "mismatch", "m", "lead", owner="Ana")
    update_flag(
        engine, EVERYTHING, moved.flag_id, expected_version=1, actor="lead", status="in_progress"
    )
    done = raise_flag(engine, EVERYTHING, pairings[3], "conduct", "c", "lead", owner="Bo")
    update_flag(
        engine,
        EVERYTHING,
        done.flag_id,
        expected_version=1,
        actor="lead",
        status="resolved",
        resolution="ok",
    )
    # Make the two flags of pairing 0 ordered by time without relying on the clock.
    with engine.begin() as connection:
        connection.execute(
            Flag.__table__.update()
            .where(Flag.flag_id == newest.flag_id)
            .values(raised_at=dt.datetime(2030, 1, 1))
        )
    return rows


def _expected(engine: Engine, rows: dict[str, Any], keep: set[str] | None = None) -> list[dict]:
    """The queue recomputed in Python from the inserted rows and the stored tables."""
    with engine.connect() as connection:
        health = {r.pairing_id: r for r in connection.execute(select(PairingHealth)).all()}
        flags = connection.execute(select(Flag)).all()
    names = {p["person_id"]: p["name"] for p in rows["people"]}
    cohorts = {c["cohort_id"]: c["name"] for c in rows["cohorts"]}
    unresolved: dict[str, list[Any]] = {}
    for flag in flags:
        if flag.status != "resolved":
            unresolved.setdefault(flag.pairing_id, []).append(flag)
    expected = []
    for pairing in rows["pairings"]:
        pid = pairing["pairing_id"]
        h = health.get(pid)
        if h is None or (keep is not None and pid not in keep):
            continue
        open_here = unresolved.get(pid, [])
        if not (h.stalled or h.at_risk or open_here):
            continue
        newest = max(open_here, key=lambda f: (f.raised_at, f.flag_id)) if open_here else None
        expected.append(
            {
                "pairing_id": pid,
                "mentor": names[pairing["mentor_id"]],
                "mentee": names[pairing["mentee_id"]],
                "cohort": cohorts.get(pairing["cohort_id"]),
                "health": h.health,
                "stalled": bool(h.stalled),
                "at_risk": bool(h.at_risk),
                "open_flags": len(open_here),
                "flag_owner": newest.owner if newest else None,
            }
        )
    expected.sort(
        key=lambda r: (
            0 if r["stalled"] else 1 if r["at_risk"] else 2,
            r["health"] is None,
            r["health"] if r["health"] is not None else 0.0,
            r["pairing_id"],
        )
    )
    return expected


def _actual(frame: Any) -> list[dict]:
    records = frame[
        [
            "pairing_id",
            "mentor",
            "mentee",
            "cohort",
            "health",
            "stalled",
            "at_risk",
            "open_flags",
            "flag_owner",
        ]
    ].to_dict("records")
    for record in records:
        for key in ("cohort", "flag_owner", "health"):
            if record[key] != record[key]:  # NaN from pandas
                record[key] = None
    return records


def test_queue_order_and_content(engine: Engine, program: dict[str, Any]) -> None:
    expected = _expected(engine, program)
    page = stalled_queue(engine, Filters(scope=EVERYTHING), limit=1000)
    assert page.total == len(expected)
    assert _actual(page.rows) == expected
    # The fixture really exercises every tier and the flag columns.
    tiers = {(r["stalled"], r["at_risk"]) for r in expected}
    assert (True, True) in tiers or (True, False) in tiers
    first = next(r for r in expected if r["pairing_id"] == program["pairings"][0]["pairing_id"])
    assert (first["open_flags"], first["flag_owner"]) == (2, "New Owner")


def test_queue_pages_in_sql(engine: Engine, program: dict[str, Any]) -> None:
    expected = _expected(engine, program)
    assert len(expected) > 5
    pages = [
        stalled_queue(engine, Filters(scope=EVERYTHING), limit=4, offset=o) for o in range(0, 40, 4)
    ]
    assert all(p.total == len(expected) for p in pages)
    stitched = [r for p in pages for r in _actual(p.rows)]
    assert stitched == expected


def test_queue_obeys_the_filters(engine: Engine, program: dict[str, Any]) -> None:
    filters = Filters(scope=EVERYTHING, cohorts=("gc1",))
    keep = {p["pairing_id"] for p in program["pairings"] if p["cohort_id"] == "gc1"}
    expected = _expected(engine, program, keep)
    page = stalled_queue(engine, filters, limit=1000)
    assert _actual(page.rows) == expected
    assert page.total < stalled_queue(engine, Filters(scope=EVERYTHING), limit=1000).total


def test_counts(engine: Engine, program: dict[str, Any]) -> None:
    with engine.connect() as connection:
        health = connection.execute(select(PairingHealth)).all()
        flags = connection.execute(select(Flag)).all()
    counts = queue_counts(engine, Filters(scope=EVERYTHING))
    assert counts.stalled == sum(1 for h in health if h.stalled)
    assert counts.at_risk == sum(1 for h in health if h.at_risk)
    unresolved = [f for f in flags if f.status != "resolved"]
    assert counts.open_flags == len(unresolved) == 4
    assert counts.unowned_flags == sum(1 for f in unresolved if not f.owner) == 1


LEAD = Viewer(role="lead")
SPONSOR = Viewer(role="sponsor")


def test_distribution_bins(engine: Engine, program: dict[str, Any]) -> None:
    with engine.connect() as connection:
        everyone = connection.execute(select(PairingHealth)).all()
        health = connection.execute(
            select(PairingHealth)
            .join(Pairing, Pairing.pairing_id == PairingHealth.pairing_id)
            .where(Pairing.status.in_(RUNNING_STATUSES))
        ).all()
    # Only the running pairings: a completed one keeps a score but is not counted.
    assert len(health) < len(everyone)
    distribution = health_distribution(engine, Filters(scope=EVERYTHING), LEAD)
    bins = distribution.bands
    assert distribution.threshold == 0 and distribution.suppressed == 0
    assert next(iter(bins["band"])) == "0–9" and list(bins["band"])[-1] == "90–100"
    for row in bins.itertuples():
        members = [
            h
            for h in health
            if h.health is not None
            and row.low <= h.health
            and (h.health < row.low + 10 or (row.high == 100 and h.health <= 100))
        ]
        assert row.pairings == len(members)
        assert row.stalled == sum(1 for h in members if h.stalled)
        assert row.at_risk == sum(1 for h in members if h.at_risk)
        assert row.others == row.pairings - row.stalled - row.at_risk
    assert bins["pairings"].sum() == sum(1 for h in health if h.health is not None)
    # The at-risk line comes from the settings, not from the chart.
    assert distribution.at_risk_below == 50.0
    assert list(bins["below_at_risk_line"]) == [low < 50 for low in bins["low"]]
    save_health_settings(engine, {"at_risk_below": 60}, "lead")
    higher = health_distribution(engine, Filters(scope=EVERYTHING), LEAD)
    assert list(higher.bands["below_at_risk_line"]) == [low < 60 for low in bins["low"]]


def test_distribution_suppression_is_the_viewers(engine: Engine, program: dict[str, Any]) -> None:
    """A sponsor gets the privacy threshold, a lead does not: the core decides, not the chart."""
    put_setting(engine, "privacy", {"threshold": 100}, "admin", default={"threshold": 5})
    lead = health_distribution(engine, Filters(scope=EVERYTHING), LEAD).bands
    shown = health_distribution(engine, Filters(scope=EVERYTHING), SPONSOR)
    assert shown.threshold == 100
    small = (lead["pairings"] > 0) & (lead["pairings"] < 100)
    assert small.any()
    # Every band is under 100, so the sponsor's are joined — all of them into one, still
    # under 100 pairings, blanked: nothing of the lead's counts reaches the sponsor.
    assert shown.coarsened and shown.suppressed == 1 and shown.empty
    hidden = shown.bands[shown.bands["suppressed"]]
    assert hidden[["pairings", "stalled", "at_risk", "others"]].isna().all().all()
    assert lead["pairings"].sum() < 100


def test_mostly_suppressed_bands_become_wider_ones(engine: Engine, program: dict[str, Any]) -> None:
    """#15: a distribution whose 10-point bands are mostly under the threshold is drawn
    with neighbouring bands joined, each on show, covering 0–100 once, counts kept."""
    fine = health_distribution(engine, Filters(scope=EVERYTHING), LEAD).bands
    held = fine[fine["pairings"] > 0]
    # The largest threshold that still lets each joined band stand, most fine ones not.
    threshold = int(held["pairings"].sum()) // 2
    assert (held["pairings"] < threshold).sum() * 2 > len(held)
    put_setting(engine, "privacy", {"threshold": threshold}, "admin", default={"threshold": 5})
    joined = health_distribution(engine, Filters(scope=EVERYTHING), SPONSOR)
    assert joined.coarsened and joined.suppressed == 0
    bands = joined.bands
    assert bands["low"].iloc[0] == 0 and bands["high"].iloc[-1] == 100
    assert all(b == a + 1 for a, b in zip(bands["high"][:-1], bands["low"][1:], strict=True))
    shown = bands[bands["pairings"] > 0]
    assert (shown["pairings"] >= threshold).all() and len(shown) < len(held)
    for column in ("pairings", "stalled", "at_risk"):
        assert shown[column].sum() == held[column].sum()
    for row in shown.itertuples():  # each joined band counts exactly its fine bands
        inside = held[(held["low"] >= row.low) & (held["high"] <= row.high)]
        assert row.pairings == inside["pairings"].sum()


def test_as_of(engine: Engine, program: dict[str, Any]) -> None:
    info = health_as_of(engine)
    assert info.as_of == TODAY
    assert info.pairings == len(program["pairings"])


def test_as_of_before_any_refresh(engine: Engine) -> None:
    info = health_as_of(engine)
    assert (info.as_of, info.pairings) == (None, 0)
    assert stalled_queue(engine, Filters(scope=EVERYTHING)).total == 0
    assert health_distribution(engine, Filters(scope=EVERYTHING), LEAD).empty


def test_trend_matches_health_at_each_month_end(engine: Engine, program: dict[str, Any]) -> None:
    trend = stall_trend(engine, Filters(scope=EVERYTHING), months=3, today=TODAY)
    ends = list(trend["month_end"])
    assert ends[-1] == TODAY and len(ends) == 3
    for earlier, later in itertools.pairwise(ends):
        assert earlier < later
        assert (earlier + dt.timedelta(days=1)).day == 1  # a month end
    for row in trend.itertuples():
        frame = health_frame(engine, row.month_end)
        assert row.stalled == int(frame["stalled"].sum())
        assert row.at_risk == int(frame["at_risk"].sum())
    keep = {p["pairing_id"] for p in program["pairings"] if p["cohort_id"] == "gc0"}
    filtered = stall_trend(
        engine, Filters(scope=EVERYTHING, cohorts=("gc0",)), months=1, today=TODAY
    )
    frame = health_frame(engine, TODAY)
    assert filtered["stalled"].iloc[0] == int(
        frame[frame["pairing_id"].isin(keep)]["stalled"].sum()
    )


def test_nudge_list_obeys_the_filters(engine: Engine, program: dict[str, Any]) -> None:
    everyone = nudge_list(engine, TODAY)
    keep = {p["pairing_id"] for p in program["pairings"] if p["cohort_id"] == "gc0"}
    filtered = filtered_nudge_list(engine, Filters(scope=EVERYTHING, cohorts=("gc0",)), TODAY)
    assert list(filtered["pairing_id"]) == [p for p in everyone["pairing_id"] if p in keep]
    assert len(filtered) < len(everyone)


def test_pairing_flag_rows(engine: Engine, program: dict[str, Any]) -> None:
    first = program["pairings"][0]["pairing_id"]
    frame = pairing_flag_rows(engine, first, EVERYTHING)
    assert list(frame["note"]) == ["second", "first"]  # newest first
    assert list(frame["version"]) == [1, 1]
    assert pairing_flag_rows(engine, "no-such-pairing", EVERYTHING).empty


def _live(engine: Engine) -> None:
    """Make the stored roll-ups not current (as an import does): queries compute live."""
    with engine.begin() as connection:
        rollups.invalidate(connection)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(scope=EVERYTHING),
        Filters(scope=EVERYTHING, cohorts=("gc0",)),
        Filters(scope=EVERYTHING, divisions=("Risk",), statuses=("active", "paused")),
        Filters(scope=EVERYTHING, cohorts=("no such cohort",)),
    ],
)
def test_stored_trend_equals_the_live_one(
    engine: Engine, program: dict[str, Any], filters: Filters
) -> None:
    stored = stall_trend(engine, filters, today=TODAY)
    _live(engine)
    live = stall_trend(engine, filters, today=TODAY)
    assert len(stored) == TREND_MONTHS
    pd.testing.assert_frame_equal(
        stored.drop(columns="mean_health"), live.drop(columns="mean_health")
    )
    for ours, theirs in zip(stored["mean_health"], live["mean_health"], strict=True):
        assert ours == pytest.approx(theirs, rel=1e-9) if theirs is not None else ours is None
    if filters.is_empty:
        assert live["scored"].iloc[-1] > 0 and live["stalled"].sum() > 0


def test_stored_trend_reads_the_snapshots(engine: Engine, program: dict[str, Any]) -> None:
    before = stall_trend(engine, Filters(scope=EVERYTHING), today=TODAY)
    month_end = before["month_end"].iloc[0]
    with engine.begin() as connection:
        connection.execute(
            PairingHealthHistory.__table__.update()
            .where(PairingHealthHistory.month_end == month_end)
            .values(stalled=True)
        )
    after = stall_trend(engine, Filters(scope=EVERYTHING), today=TODAY)
    stored_rows = before["scored"].iloc[0]
    assert after["stalled"].iloc[0] >= stored_rows > before["stalled"].iloc[0]
    assert list(after["stalled"].iloc[1:]) == list(before["stalled"].iloc[1:])
    # A day the refresh did not store, or more months than it keeps: computed live.
    longer = stall_trend(engine, Filters(scope=EVERYTHING), months=TREND_MONTHS + 1, today=TODAY)
    assert list(longer["stalled"].iloc[1:]) == list(before["stalled"])


def test_stored_nudge_list_equals_the_live_one_under_filters(
    engine: Engine, program: dict[str, Any]
) -> None:
    filters = Filters(scope=EVERYTHING, cohorts=("gc0",))
    people = Filters(scope=EVERYTHING, divisions=("Risk",))
    stored = filtered_nudge_list(engine, filters, TODAY)
    by_people = filtered_nudge_list(engine, people, TODAY)
    everyone = filtered_nudge_list(engine, Filters(scope=EVERYTHING), TODAY)
    _live(engine)
    pd.testing.assert_frame_equal(stored, filtered_nudge_list(engine, filters, TODAY))
    pd.testing.assert_frame_equal(by_people, filtered_nudge_list(engine, people, TODAY))
    pd.testing.assert_frame_equal(
        everyone, filtered_nudge_list(engine, Filters(scope=EVERYTHING), TODAY)
    )
    assert 0 < len(stored) < len(everyone)

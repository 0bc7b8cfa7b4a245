"""Theme shares, prevalence, breakdowns and sentiment (``tandem.themes.queries.shares``)
against the same numbers worked out in Python on a known program."""

from __future__ import annotations

import pytest

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.themes import queries as q
from tandem.themes.sentiment import NEUTRAL_BAND
from tests.tandem.themes.queries.program import ROLES, build, check_shares, expected_shares, joined


def test_prevalence_by_month_matches(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame = q.prevalence_by_month(engine, Filters(scope=EVERYTHING), threshold=5)
    check_shares(frame, expected_shares(notes, "month"), 5, "month")
    assert frame["suppressed"].any() or frame["n"].min() >= 5


@pytest.mark.parametrize("dimension", ["source", "author_role", "kind"])
def test_breakdown_matches(engine, dimension: str) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame = q.breakdown(engine, Filters(scope=EVERYTHING), dimension, threshold=5)
    check_shares(frame, expected_shares(notes, dimension), 5, "group")


def test_breakdown_by_cohort_suppresses_the_small_cohort(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    cohort_name = {"big": "Big cohort", "small": "Small cohort"}
    for note in notes:
        note["cohort"] = cohort_name[note["cohort_id"]]
    frame = q.breakdown(engine, Filters(scope=EVERYTHING), "cohort", threshold=5)
    check_shares(frame, expected_shares(notes, "cohort"), 5, "group")
    small = frame[frame["group"] == "Small cohort"]
    assert not small.empty and small["suppressed"].all()  # 3 pairings < 5


def test_private_notes_count_in_aggregates(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame = q.breakdown(engine, Filters(scope=EVERYTHING), "author_role", threshold=1)
    total_units = {
        role: len({n["unit"] for n in notes if n["author_role"] == role}) for role in ROLES
    }
    without_private = {
        role: len(
            {n["unit"] for n in notes if n["author_role"] == role and n["visibility"] != "private"}
        )
        for role in ROLES
    }
    for row in frame.itertuples():
        assert row.n == total_units[row.group]
    assert total_units != without_private  # the check would fail if private notes were dropped


def test_sentiment_by_theme_matches(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame = q.sentiment_by_theme(engine, Filters(scope=EVERYTHING), threshold=5)
    assert set(frame["theme"]) == {n["theme"] for n in notes if n["theme"]}
    for row in frame.itertuples():
        scored = [n for n in notes if n["theme"] == row.theme and n["sentiment"] is not None]
        units = len({n["unit"] for n in scored})
        assert row.n == units and not row.suppressed
        mean = sum(n["sentiment"] for n in scored) / len(scored)
        negative = sum(n["sentiment"] < -NEUTRAL_BAND for n in scored) / len(scored)
        assert row.mean_sentiment == pytest.approx(mean)
        assert row.share_negative == pytest.approx(negative)
    # Filter down to the small cohort: 3 pairings per theme at most, all suppressed.
    small = q.sentiment_by_theme(engine, Filters(scope=EVERYTHING, cohorts=("small",)), threshold=5)
    assert not small.empty and small["suppressed"].all()
    assert small["mean_sentiment"].isna().all()


def test_theme_shares_gives_every_grouping_in_one_pass(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    cohort_name = {"big": "Big cohort", "small": "Small cohort"}
    for note in notes:
        note["cohort"] = cohort_name[note["cohort_id"]]
    shares = q.theme_shares(engine, Filters(scope=EVERYTHING), threshold=5)
    assert set(shares) == set(q.GROUPINGS)
    for grouping, frame in shares.items():
        check_shares(frame, expected_shares(notes, grouping), 5, "group")
    assert shares["cohort"]["suppressed"].any()  # the small cohort: 3 pairings
    with pytest.raises(ValueError):
        q.theme_shares(engine, Filters(scope=EVERYTHING), threshold=5, groupings=("division",))


def test_theme_shares_applies_pairing_filters_through_the_join(engine) -> None:  # type: ignore[no-untyped-def]
    rows = build(engine)
    notes = joined(rows)
    # Level bands and program types are conditions on the pairing's people and
    # cohort (subqueries written on ``pairings``): they must reach the joined pairing.
    level = {f"p{i}": 2 + i % 6 for i in range(30)}  # as build() makes them
    pairs = {p["pairing_id"]: (p["mentor_id"], p["mentee_id"]) for p in rows["pairings"]}
    kept = [
        n
        for n in notes
        if n["pairing_id"] and any(6 <= level[who] <= 8 for who in pairs[n["pairing_id"]])
    ]
    assert 0 < len({n["pairing_id"] for n in kept}) < len(pairs)
    filters = Filters(scope=EVERYTHING, level_bands=("6-8",))
    frame = q.theme_shares(engine, filters, threshold=1, groupings=("source",))["source"]
    check_shares(frame, expected_shares(kept, "source"), 1, "group")
    assert frame.equals(q.breakdown(engine, filters, "source", threshold=1))
    other = q.theme_shares(
        engine, Filters(scope=EVERYTHING, program_types=("corporate",)), threshold=1
    )
    assert all(frame.empty for frame in other.values())  # every cohort is "executive"


def test_empty_database_gives_empty_frames(engine) -> None:  # type: ignore[no-untyped-def]
    everything = Filters(scope=EVERYTHING)
    assert q.prevalence_by_month(engine, everything, threshold=5).empty
    assert q.breakdown(engine, everything, "kind", threshold=5).empty
    assert q.sentiment_by_theme(engine, everything, threshold=5).empty
    assert all(frame.empty for frame in q.theme_shares(engine, everything, threshold=5).values())
    with pytest.raises(ValueError):
        q.breakdown(engine, everything, "division", threshold=5)

"""The rebalancing plan stored by the refresh: equal to the live plan, never stale."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, insert, select

from tandem.access import EVERYTHING
from tandem.health import refresh_health
from tandem.matching import (
    accept_suggestion,
    compute_rebalance,
    compute_rotation,
    decline_suggestion,
    load_changes,
    set_excluded,
    set_pinned,
    suggestion_frame,
    summarise_loads,
)
from tandem.matching.config import COMPONENTS, MatchConfig, load_match_config, save_match_config
from tandem.matching.rebalance.store import (
    load_stored_outline,
    load_stored_plan,
    plan_from_stored,
    plan_to_stored,
    refresh_rebalance_plan,
    stored_load_summary,
    stored_plan_time,
    stored_suggestions,
)
from tandem.program import rollups
from tandem.program.bundle import import_bundle
from tandem.program.derived_tables import StoredRebalancePlan, StoredRebalanceSuggestion
from tandem.refresh import refresh_all

SAMPLE_BUNDLE = Path(__file__).resolve().parents[4] / "data" / "sample_bundle"


@pytest.fixture
def refreshed(engine: Engine) -> Engine:
    """The sample program, health refreshed, plan stored for the saved weights."""
    import_bundle(engine, SAMPLE_BUNDLE)
    refresh_health(engine)
    refresh_rebalance_plan(engine)
    return engine


def current(engine: Engine) -> bool:
    config = load_match_config(engine)
    found = load_stored_plan(engine, config) is not None
    assert found == (stored_plan_time(engine, config) is not None)
    assert found == (load_stored_outline(engine, config) is not None)
    return found


def test_stored_plan_equals_the_computed_one(refreshed: Engine) -> None:
    stored = load_stored_plan(refreshed, load_match_config(refreshed))
    assert stored is not None
    plan = compute_rebalance(refreshed)
    assert plan.suggestions and stored.plan.suggestions  # something to compare
    assert stored.plan == plan
    assert stored.rotation == compute_rotation(refreshed)
    assert any(r.suggested_mentor_id for r in stored.rotation)
    assert rollups.is_current(refreshed, rollups.REBALANCE_PLAN)


def test_round_trip_through_json_is_lossless(refreshed: Engine) -> None:
    plan = compute_rebalance(refreshed, explain=True)
    assert plan.candidates
    import json

    assert plan_from_stored(json.loads(json.dumps(plan_to_stored(plan)))) == plan


def test_other_weights_have_no_stored_plan(refreshed: Engine) -> None:
    saved = load_match_config(refreshed)
    other = MatchConfig(weights={**saved.weights, COMPONENTS[0]: saved.weights[COMPONENTS[0]] + 1})
    assert load_stored_plan(refreshed, other) is None
    assert load_stored_plan(refreshed, saved) is not None


def _accept(engine: Engine) -> None:
    accept_suggestion(engine, EVERYTHING, compute_rebalance(engine).suggestions[0], "test")


def _decline(engine: Engine) -> None:
    decline_suggestion(engine, EVERYTHING, compute_rebalance(engine).suggestions[0], "test")


def _pin(engine: Engine) -> None:
    set_pinned(engine, EVERYTHING, compute_rebalance(engine).suggestions[0].pairing_id, "test")


def _exclude(engine: Engine) -> None:
    set_excluded(engine, EVERYTHING, compute_rebalance(engine).suggestions[0].pairing_id, "test")


def _save_weights(engine: Engine) -> None:
    saved = load_match_config(engine)
    weights = {**saved.weights, COMPONENTS[0]: saved.weights[COMPONENTS[0]] + 0.5}
    save_match_config(engine, MatchConfig(weights=weights), "test")


def _save_same_weights(engine: Engine) -> None:
    # Same configuration, but a settings write: the fingerprint still moves on.
    save_match_config(engine, load_match_config(engine), "test")


def _import(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)


def _health_refresh(engine: Engine) -> None:
    # Stalled pairings are movable: a new health verdict may change the plan.
    refresh_health(engine)


WRITES: dict[str, Callable[[Engine], None]] = {
    "accept": _accept,
    "decline": _decline,
    "pin": _pin,
    "exclude": _exclude,
    "save weights": _save_weights,
    "save same weights": _save_same_weights,
    "import": _import,
    "health refresh": _health_refresh,
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_write_makes_the_stored_plan_not_current(refreshed: Engine, write: str) -> None:
    assert current(refreshed)
    WRITES[write](refreshed)
    assert not current(refreshed)
    # The next refresh stores a plan for the new data again, equal to the live one.
    refresh_rebalance_plan(refreshed)
    stored = load_stored_plan(refreshed, load_match_config(refreshed))
    assert stored is not None
    assert stored.plan == compute_rebalance(refreshed)


def test_import_clears_the_stored_rows(refreshed: Engine) -> None:
    with refreshed.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(StoredRebalanceSuggestion))
        assert rows.scalar_one() == len(compute_rebalance(refreshed).suggestions) > 0
    import_bundle(refreshed, SAMPLE_BUNDLE)
    with refreshed.connect() as connection:
        for model in (StoredRebalancePlan, StoredRebalanceSuggestion):
            rows = connection.execute(select(func.count()).select_from(model))
            assert rows.scalar_one() == 0


def test_refresh_all_stores_the_plan(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    assert not current(engine)
    messages: list[str] = []
    report = refresh_all(engine, progress=messages.append)
    assert current(engine)
    assert report.rebalance is not None
    assert report.rebalance.suggestions == len(compute_rebalance(engine).suggestions)
    assert any("rebalancing plan" in message for message in messages)
    assert "rebalancing: plan stored" in report.summary()


def test_the_page_reads_an_outline_and_a_page_of_suggestions(refreshed: Engine) -> None:
    config = load_match_config(refreshed)
    plan = compute_rebalance(refreshed)
    outline = load_stored_outline(refreshed, config)
    assert outline is not None and len(plan.suggestions) > 2
    assert outline.plan == replace(plan, suggestions=[])
    assert outline.rotation == compute_rotation(refreshed)
    expected = suggestion_frame(plan.suggestions)
    pd.testing.assert_frame_equal(outline.suggestions, expected)
    wanted = [plan.suggestions[2].pairing_id, plan.suggestions[0].pairing_id, "no-such-pairing"]
    assert stored_suggestions(refreshed, config, wanted) == [
        plan.suggestions[2],
        plan.suggestions[0],
    ]
    # Forgotten by a write: no outline, and no suggestion left to read.
    set_pinned(refreshed, EVERYTHING, plan.suggestions[0].pairing_id, "test")
    assert load_stored_outline(refreshed, config) is None
    assert stored_suggestions(refreshed, config, wanted) == []


@pytest.mark.parametrize("limit", [None, 2, 1])
def test_the_stored_load_summary_follows_the_rule_of_live_plans(
    refreshed: Engine, limit: int | None
) -> None:
    from tandem.matching.rebalance.queries import mentor_loads, open_pairings

    config = load_match_config(refreshed)
    plan = compute_rebalance(refreshed, config=config)
    frame = suggestion_frame(plan.suggestions)
    assert len(frame) >= 3
    cohort = str(frame["cohort_id"].dropna().iloc[0])
    for cohorts in ((), (cohort,)):
        scoped = frame[frame["cohort_id"].isin(cohorts)] if cohorts else frame
        mentors = set(scoped["current_mentor_id"]) | set(scoped["suggested_mentor_id"])
        loads = mentor_loads(refreshed, mentors)
        if cohorts:
            visible = set(open_pairings(refreshed, cohorts)["mentor_id"])
            loads = loads[loads["person_id"].isin(mentors | visible)]
        live = summarise_loads(load_changes(loads, scoped), limit)
        stored = stored_load_summary(refreshed, config, cohorts, limit)
        assert live.concerned > 0
        if limit is not None and not cohorts:
            assert len(live.drawn) == limit < live.concerned  # the chart leaves some out
        assert (stored.concerned, stored.over_before, stored.over_after) == (
            live.concerned,
            live.over_before,
            live.over_after,
        )
        pd.testing.assert_frame_equal(stored.drawn, live.drawn, check_dtype=False)
    assert stored_load_summary(refreshed, config).over_before > 0  # the sample has one
    # Nothing stored for other weights: nothing moves, only the overloaded count.
    other = replace(config, move_margin=config.move_margin + 0.01)
    summary = stored_load_summary(refreshed, other)
    assert summary.concerned == summary.over_before == summary.over_after


def test_a_plan_stored_before_revision_0007_is_moved_to_rows(db_url: str, tmp_path: Path) -> None:
    """Upgrading keeps a stored plan current (its suggestions become rows); a downgrade
    puts them back into the document."""
    from sqlalchemy import text

    from tandem.matching.rebalance.store import config_hash, rotation_to_stored
    from tandem.program import migrate
    from tandem.program.db import dispose_engine, get_engine
    from tandem.program.schema import metadata

    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    source = get_engine(source_url)
    metadata.create_all(source)
    import_bundle(source, SAMPLE_BUNDLE)
    plan = compute_rebalance(source)
    config = load_match_config(source)
    dispose_engine(source_url)
    assert plan.suggestions
    legacy = plan_to_stored(plan)  # the 0004 document: every suggestion inside

    engine = get_engine(db_url)
    migrate.upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.execute(
            insert(StoredRebalancePlan.__table__),
            [
                {
                    "kind": kind,
                    "config_key": config_hash(config),
                    "plan": value,
                    "fingerprint": ["f"],
                    "computed_at": dt.datetime(2026, 11, 1),
                }
                for kind, value in (("rebalance", legacy), ("rotation", rotation_to_stored([])))
            ],
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        items = connection.execute(
            select(StoredRebalanceSuggestion.suggestion).order_by(
                StoredRebalanceSuggestion.position
            )
        ).scalars()
        assert list(items) == legacy["suggestions"]
        document = connection.execute(
            select(StoredRebalancePlan.plan).where(StoredRebalancePlan.kind == "rebalance")
        ).scalar_one()
    assert document["suggestions"] == [] and document["suggestion_rows"] == len(plan.suggestions)
    assert plan_from_stored({**document, "suggestions": legacy["suggestions"]}) == plan

    from alembic import command

    command.downgrade(migrate.alembic_config(engine), "0004")
    with engine.connect() as connection:
        document = connection.execute(
            text("SELECT plan FROM rebalance_plans WHERE kind = 'rebalance'")
        ).scalar_one()
    document = json.loads(document) if isinstance(document, str) else document
    assert document == legacy

"""generate_demo: deterministic, scales with the knob, one transaction with an audit row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tandem.program import db as tandem_db
from tandem.program.demo import DemoError, database_is_empty, generate_demo
from tandem.program.models import AuditEntry
from tandem.program.schema import metadata
from tests.tandem.program.demo.helpers import TODAY, dump


def test_same_seed_and_day_give_identical_tables_in_two_databases(
    engine: Engine, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'second.db'}"
    second = tandem_db.get_engine(url)
    metadata.create_all(second)
    try:
        generate_demo(engine, pairings=80, seed=11, today=TODAY)
        generate_demo(second, pairings=80, seed=11, today=TODAY)
        first_dump, second_dump = dump(engine), dump(second)
    finally:
        tandem_db.dispose_engine(url)
    assert first_dump["pairings"], "the demo wrote no pairings"
    for name in first_dump:
        assert first_dump[name] == second_dump[name], f"{name} differs between runs"


def test_a_different_seed_tells_a_different_story(engine: Engine) -> None:
    generate_demo(engine, pairings=80, seed=11, today=TODAY)
    before = dump(engine)
    generate_demo(engine, pairings=80, seed=12, today=TODAY, replace=True)
    after = dump(engine)
    assert [p["name"] for p in before["people"]] != [p["name"] for p in after["people"]]
    assert [f["text"] for f in before["feedback"]] != [f["text"] for f in after["feedback"]]


def test_counts_grow_with_the_knob_at_the_documented_ratios(engine: Engine) -> None:
    small = generate_demo(engine, pairings=60, seed=7, today=TODAY)
    large = generate_demo(engine, pairings=180, seed=7, today=TODAY, replace=True)
    for name in ("people", "pairings", "milestones", "checkins", "feedback"):
        assert large.counts[name] > small.counts[name], name
    for summary in (small, large):
        pairings = summary.counts["pairings"]
        assert summary.counts["pairings"] in (60, 180)
        # The organisation around the pairings, plus colleagues to compare
        # careers with: 50 to 300 per cohort, never growing with the square.
        comparison = len(summary.cases.comparison_person_ids)
        assert 1.5 <= (summary.counts["people"] - comparison) / pairings <= 1.7
        cohorts = summary.counts["cohorts"]
        assert 50 * cohorts <= comparison <= 300 * cohorts
        assert 1.5 <= summary.counts["career_events"] / summary.counts["people"] <= 3
        assert 15 <= summary.counts["checkins"] / pairings <= 25
        assert 7 <= summary.counts["feedback"] / pairings <= 13
        assert 2 <= summary.counts["milestones"] / pairings <= 4.5
    # The summary tells the truth about what is in the database (after the replace).
    with engine.connect() as connection:
        for name, count in large.counts.items():
            table = metadata.tables[name]
            assert connection.scalar(select(func.count()).select_from(table)) == count, name


def test_writes_one_audit_row_and_refuses_a_database_that_holds_a_program(
    engine: Engine,
) -> None:
    assert database_is_empty(engine)
    generate_demo(engine, pairings=50, seed=7, today=TODAY)
    assert not database_is_empty(engine)
    with pytest.raises(DemoError, match="already holds a program"):
        generate_demo(engine, pairings=50, seed=7, today=TODAY)
    with engine.connect() as connection:
        audits = connection.execute(select(AuditEntry.actor, AuditEntry.action)).all()
        pairings = connection.scalar(select(func.count()).select_from(metadata.tables["pairings"]))
    assert audits == [("demo", "demo")]
    assert pairings == 50


def test_replace_clears_the_old_program_in_the_same_transaction(engine: Engine) -> None:
    generate_demo(engine, pairings=120, seed=7, today=TODAY)
    summary = generate_demo(engine, pairings=50, seed=3, today=TODAY, replace=True)
    after = dump(engine)
    assert len(after["pairings"]) == 50
    assert len(after["people"]) == summary.counts["people"]
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(AuditEntry)) == 2


@pytest.mark.parametrize("pairings", [0, -5, 100_001])
def test_rejects_sizes_out_of_range(engine: Engine, pairings: int) -> None:
    with pytest.raises(DemoError, match="between 1 and 100,000"):
        generate_demo(engine, pairings=pairings, today=TODAY)
    assert database_is_empty(engine)


def test_a_failed_write_leaves_nothing_behind(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tandem.program.demo as demo_module

    calls = {"n": 0}
    real_upsert = demo_module.bulk.upsert

    def failing_upsert(connection, table, rows, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if table.name == "feedback":
            raise RuntimeError("disk full")
        return real_upsert(connection, table, rows, **kwargs)

    monkeypatch.setattr(demo_module.bulk, "upsert", failing_upsert)
    with pytest.raises(RuntimeError, match="disk full"):
        generate_demo(engine, pairings=50, seed=7, today=TODAY)
    assert calls["n"] > 3  # people, cohorts, pairings… were written before the failure
    assert database_is_empty(engine)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_tiny_programs_still_generate(engine: Engine) -> None:
    summary = generate_demo(engine, pairings=1, seed=7, today=TODAY)
    assert summary.counts["pairings"] == 1
    rows = dump(engine)
    assert rows["pairings"][0]["mentor_id"] != rows["pairings"][0]["mentee_id"]


def test_progress_messages_are_reported(engine: Engine) -> None:
    messages: list[str] = []
    generate_demo(engine, pairings=50, seed=7, today=TODAY, progress=messages.append)
    assert any("people" in m for m in messages)
    assert any("check-ins" in m or "checkins" in m for m in messages)
    assert messages[-1].startswith("wrote ")

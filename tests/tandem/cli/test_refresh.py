"""``python -m tandem refresh`` (``tandem.cli.refresh``): it stores themes, sentiment, health
and roll-ups for a small program and prints the report's summary; ``--full`` recomputes every
note; ``--today`` is the day health is judged on; the run is audited as ``cli``.

(What ``tandem.refresh.refresh_all`` computes is tested in ``tests/tandem/test_refresh.py``
and beside each step; two refreshes at once in ``test_concurrency.py``.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from tandem.cli.main import main
from tandem.program import rollups
from tandem.program.derived_tables import PairingHealth, PairingStats
from tandem.program.models import AuditEntry
from tandem.program.theme_tables import FeedbackAnalysis
from tests.factories import TODAY, small_program


def _refresh(db_url: str, capsys: pytest.CaptureFixture[str], *options: str) -> str:
    """Run the command (it must succeed, printing nothing on stdout); its stderr."""
    assert main(["--database-url", db_url, "refresh", *options]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    return captured.err


def _health(engine: Engine) -> dict[str, tuple[bool, dt.date]]:
    """Each pairing's stored stall verdict and the day it was judged on."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(PairingHealth.pairing_id, PairingHealth.stalled, PairingHealth.as_of)
        ).all()
    return {pairing_id: (stalled, as_of) for pairing_id, stalled, as_of in rows}


def _audited(engine: Engine, action: str) -> list[tuple[str, dict | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntry.actor, AuditEntry.after)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id)
        ).all()
    return [(actor, after) for actor, after in rows]


def test_refresh_stores_what_pages_read_and_prints_the_summary(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    small_program(engine)
    err = _refresh(db_url, capsys, "--today", TODAY.isoformat())

    assert "refreshing feedback themes and sentiment" in err  # progress as it goes
    *summary, rebalancing = err.splitlines()[-4:]
    assert summary == [
        "themes: 2 of 2 notes recomputed, 2 assigned, 0 unassigned, 0 candidate themes",
        f"health: 2 pairings scored as of {TODAY}, 1 stalled, 0 at risk",
        "roll-ups: 2 pairings' meetings, ratings and milestones stored",
    ]
    # (How many seconds the plan took is the machine's business, not the test's.)
    assert rebalancing.startswith(
        "rebalancing: plan stored for the saved weights, 0 suggested moves, 0 rotations ("
    )
    assert _health(engine) == {"x1": (False, TODAY), "x2": (True, TODAY)}
    with engine.connect() as connection:
        analysed = connection.execute(
            select(
                FeedbackAnalysis.feedback_id,
                FeedbackAnalysis.theme_id.is_not(None),
                FeedbackAnalysis.sentiment.is_not(None),
            ).order_by(FeedbackAnalysis.feedback_id)
        ).all()
        stats = connection.execute(select(PairingStats.pairing_id)).scalars().all()
    assert [tuple(row) for row in analysed] == [("f1", True, True), ("f2", True, True)]
    assert sorted(stats) == ["x1", "x2"]
    for name in (rollups.HEALTH, rollups.PAIRING_STATS, rollups.REBALANCE_PLAN):
        assert rollups.is_current(engine, name), name
    # The command line is who the audit log names.
    assert [actor for actor, _ in _audited(engine, "health.refresh")] == ["cli"]
    assert [actor for actor, _ in _audited(engine, "refresh_themes")] == ["cli"]


def test_full_recomputes_every_note_a_plain_run_only_new_ones(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    small_program(engine)
    today = ("--today", TODAY.isoformat())
    assert "themes: 2 of 2 notes recomputed" in _refresh(db_url, capsys, *today)
    assert "themes: 0 of 2 notes recomputed" in _refresh(db_url, capsys, *today)
    assert "themes: 2 of 2 notes recomputed" in _refresh(db_url, capsys, "--full", *today)
    runs = _audited(engine, "refresh_themes")
    assert [(after or {}).get("full") for _, after in runs] == [False, False, True]
    assert [(after or {}).get("recomputed") for _, after in runs] == [2, 0, 2]


def test_today_is_the_day_health_is_judged_on(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    small_program(engine)
    later = dt.date(2026, 9, 1)  # x1's last check-in is months behind by then
    err = _refresh(db_url, capsys, "--today", later.isoformat())
    assert f"health: 2 pairings scored as of {later}, 2 stalled, 0 at risk" in err
    assert _health(engine) == {"x1": (True, later), "x2": (True, later)}
    assert rollups.is_current(engine, rollups.HEALTH, as_of=later)

    _refresh(db_url, capsys, "--today", TODAY.isoformat())
    assert _health(engine) == {"x1": (False, TODAY), "x2": (True, TODAY)}
    assert [(after or {}).get("as_of") for _, after in _audited(engine, "health.refresh")] == [
        later.isoformat(),
        TODAY.isoformat(),
    ]


def test_a_day_that_is_not_a_date_is_refused_before_anything_runs(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    small_program(engine)
    with pytest.raises(SystemExit) as exit_info:
        main(["--database-url", db_url, "refresh", "--today", "2026-13-01"])
    assert exit_info.value.code == 2
    assert "argument --today: invalid fromisoformat value: '2026-13-01'" in capsys.readouterr().err
    assert _health(engine) == {}

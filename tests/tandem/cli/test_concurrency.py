"""Issue #19: two writers started at once take turns; neither dies half-way.

Real processes (``python -m tandem …``) started together on the same
database, on both backends: two plain refreshes, two full refreshes, two
imports (each followed by its refresh).  Every run exits 0 with no traceback,
and the database after is consistent: every pairing scored and rolled up
once, every note analysed once, one stored plan, every roll-up current.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tandem.program import migrate, rollups
from tandem.program.bundle import export_bundle
from tandem.program.db import SQLITE_BUSY_MS, get_engine, writer_transaction
from tandem.program.demo import generate_demo
from tandem.program.derived_tables import PairingHealth, PairingStats, StoredRebalancePlan
from tandem.program.models import Feedback, Pairing
from tandem.program.theme_tables import FeedbackAnalysis

PROJECT_ROOT = Path(__file__).resolve().parents[3]
TODAY = "2026-06-01"


@pytest.fixture
def program(db_url: str) -> Engine:
    """A migrated database holding a small demo program, not yet refreshed."""
    engine = get_engine(db_url)
    migrate.upgrade(engine)
    generate_demo(engine, pairings=150, seed=3, today=dt.date.fromisoformat(TODAY))
    return engine


def _start(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tandem", "--database-url", url, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _at_once(url: str, *commands: tuple[str, ...]) -> list[str]:
    """Start every command together; each must exit 0 without a traceback."""
    running = [_start(url, *command) for command in commands]
    outputs = []
    for process in running:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output
        assert "Traceback" not in output, output
        outputs.append(output)
    return outputs


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def _assert_consistent(engine: Engine) -> None:
    pairings = _count(engine, Pairing)
    assert pairings == 150
    assert _count(engine, PairingHealth) == pairings
    assert _count(engine, PairingStats) == pairings
    assert _count(engine, FeedbackAnalysis) == _count(engine, Feedback)
    assert _count(engine, StoredRebalancePlan) == 2  # the plan and the rotation
    for name in (rollups.PAIRING_STATS, rollups.HEALTH, rollups.REBALANCE_PLAN):
        assert rollups.is_current(engine, name), name


def test_two_refreshes_at_once_take_turns(program: Engine) -> None:
    url = program.url.render_as_string(hide_password=False)
    # (Whether one had to wait depends on timing: the waiting itself is tested below.)
    _at_once(url, ("refresh", "--today", TODAY), ("refresh", "--today", TODAY))
    _assert_consistent(program)
    _at_once(url, ("refresh", "--full", "--today", TODAY), ("refresh", "--full", "--today", TODAY))
    _assert_consistent(program)


def test_two_imports_at_once_take_turns(program: Engine, tmp_path: Path) -> None:
    url = program.url.render_as_string(hide_password=False)
    bundle = tmp_path / "program.zip"
    export_bundle(program, bundle)
    outputs = _at_once(url, ("import", str(bundle)), ("import", str(bundle)))
    assert all("imported program.zip" in out for out in outputs)
    _assert_consistent(program)


def _wait_for_line(process: subprocess.Popen[str], text: str, seconds: float) -> queue.Queue[str]:
    """Wait for an output line containing ``text`` (fails after ``seconds``).

    Returns the queue the rest of the output arrives in ("" marks its end).
    """
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")  # end of output

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if text in line or line == "":
            break
    assert any(text in line for line in seen), "".join(seen)
    return lines


@pytest.mark.parametrize("command", [("refresh", "--today", TODAY), ("import", "BUNDLE")])
def test_a_writer_waits_for_the_turn_says_so_and_then_succeeds(
    program: Engine, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Held longer than a SQLite busy timeout (10 s), the turn is still waited for."""
    url = program.url.render_as_string(hide_password=False)
    bundle = tmp_path / "program.zip"
    export_bundle(program, bundle)
    command = tuple(str(bundle) if part == "BUNDLE" else part for part in command)
    with writer_transaction(program) as session:
        session.execute(select(func.count()).select_from(Pairing))
        process = _start(url, *command)
        rest = _wait_for_line(process, "waiting for another import or refresh to finish", 120)
        time.sleep(SQLITE_BUSY_MS / 1000 + 2)
        assert process.poll() is None  # still waiting, not failed
    assert process.wait(timeout=600) == 0
    output = "".join(iter(lambda: rest.get(timeout=60), ""))
    assert "Traceback" not in output, output
    _assert_consistent(program)

"""``python -m tandem refresh``: recompute themes, sentiment and pairing health."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import Engine

from tandem.cli.command import Command, add_today_option
from tandem.program.db import get_engine
from tandem.program.progress import ProgressFn, stderr_progress
from tandem.refresh import refresh_all


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--full", action="store_true", help="recompute every note, not only new ones"
    )
    add_today_option(parser, "the day health is judged on (default: today)")


def refresh_and_report(engine: Engine, actor: str, progress: ProgressFn, **options: Any) -> None:
    """Recompute what pages read and say what changed on stderr: the ``refresh``
    command, and the step ``import`` and ``demo`` end with (``options``: ``today``,
    ``full``, as ``refresh_all`` takes them)."""
    report = refresh_all(engine, actor=actor, progress=progress, **options)
    print(report.summary(), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    engine = get_engine(args.database_url)
    refresh_and_report(engine, "cli", stderr_progress(), today=args.today, full=args.full)
    return 0


COMMAND = Command(
    "refresh",
    help="recompute feedback themes, sentiment and pairing health",
    description=(
        "Recompute what the dashboard reads but never computes on a page view: theme "
        "assignments and sentiment of new or changed notes (all notes with --full), "
        "then every pairing's health score and stall verdict. Unchanged data gives "
        "the same result on every run."
    ),
    arguments=_arguments,
    run=run,
)

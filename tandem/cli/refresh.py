"""``python -m tandem refresh``: recompute themes, sentiment and pairing health."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from tandem.program.db import get_engine
from tandem.program.progress import stderr_progress
from tandem.refresh import refresh_all


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "refresh",
        help="recompute feedback themes, sentiment and pairing health",
        description=(
            "Recompute what the dashboard reads but never computes on a page view: theme "
            "assignments and sentiment of new or changed notes (all notes with --full), "
            "then every pairing's health score and stall verdict. Unchanged data gives "
            "the same result on every run."
        ),
    )
    parser.add_argument(
        "--full", action="store_true", help="recompute every note, not only new ones"
    )
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day health is judged on (default: today)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    engine = get_engine(args.database_url)
    report = refresh_all(
        engine, today=args.today, progress=stderr_progress(), full=args.full, actor="cli"
    )
    print(report.summary(), file=sys.stderr)
    return 0

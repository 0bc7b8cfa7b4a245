"""``python -m tandem demo``: fill the database with a realistic demo program.

Refuses to write into a database that already holds a program unless
``--force`` (which clears the program tables first, in the same transaction
as the new demo); ``--if-empty`` makes "already has a program" a silent
success, which is what ``make run`` wants on every start.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from tandem.cli.command import Command
from tandem.cli.refresh import refresh_and_report
from tandem.program.db import database_url, describe_url, get_engine
from tandem.program.demo import MAX_PAIRINGS, DemoError, database_is_empty, generate_demo
from tandem.program.progress import stderr_progress


def _pairings(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= number <= MAX_PAIRINGS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_PAIRINGS:,} (got {number:,})")
    return number


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pairings",
        type=_pairings,
        default=200,
        metavar="N",
        help=f"number of pairings, 1..{MAX_PAIRINGS:,} (default 200; people ≈ 1.6 × N)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--today",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the story is told from (default: today)",
    )
    switches = {
        "--if-empty": "do nothing (and succeed) when the database already holds a program",
        "--force": "replace the program already in the database (cleared in the same transaction)",
        "--no-refresh": "skip computing themes, sentiment and health for the new program",
    }
    for switch, meaning in switches.items():
        parser.add_argument(switch, action="store_true", help=meaning)


def run(args: argparse.Namespace) -> int:
    engine = get_engine(args.database_url)
    where = describe_url(database_url(args.database_url))
    empty = database_is_empty(engine)
    if not empty and not args.force:
        if args.if_empty:
            print(f"{where} already holds a program; demo not generated", file=sys.stderr)
            return 0
        print(
            f"error: {where} already holds a program; use --force to replace it "
            "or --if-empty to leave it alone",
            file=sys.stderr,
        )
        return 1
    try:
        summary = generate_demo(
            engine,
            pairings=args.pairings,
            seed=args.seed,
            today=args.today,
            progress=stderr_progress("demo: "),
            replace=not empty,
        )
    except DemoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{count:,} {name}" for name, count in summary.counts.items())
    print(f"Demo program written to {where}: {counts} ({summary.seconds:.1f}s).")
    if not getattr(args, "no_refresh", False):
        # The dashboard reads health and themes; a fresh demo should show them.
        refresh_and_report(
            engine, actor="demo", progress=stderr_progress("refresh: "), today=args.today
        )
    return 0


COMMAND = Command(
    "demo",
    help="fill the database with a realistic demo program",
    description=(
        "Generate a seeded demo mentorship program (people, cohorts, pairings, "
        "milestones, check-ins, feedback, flags, career events) with healthy and "
        "stalled pairings, colleagues to compare careers with, "
        "an overloaded mentor and one pairing inside a reporting line. The same "
        "--seed and --today always give the same data."
    ),
    arguments=_arguments,
    run=run,
)

"""``python -m tandem themes to-code``: the notes whose coding would teach the theme engine most.

The same queue as the Feedback themes page's "Coding queue" (``tandem.themes.coding``):
uncertain notes, notes like many others, notes of themes with few coded
examples, spread over clusters; never private notes, never notes already
coded.  The command line's scope is the whole program; ``--cohort`` narrows it.
``--json`` prints a list of objects, one per note, best first.
"""

from __future__ import annotations

import argparse
import sys

from tandem.access.filters import Filters
from tandem.access.scope import EVERYTHING
from tandem.cli.command import Command, add_json_switch
from tandem.cli.text import print_json
from tandem.program.db import get_engine
from tandem.themes.coding import coding_queue


def _to_code_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=10, metavar="N", help="how many (default 10)")
    parser.add_argument(
        "--cohort", action="append", default=[], metavar="ID", help="only this cohort (repeatable)"
    )
    add_json_switch(parser)


def _arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(title="themes commands", dest="themes_command")
    commands.required = True
    TO_CODE.add_to(commands)


def run_to_code(args: argparse.Namespace) -> int:
    if args.limit < 0:
        print("error: --limit must be 0 or more", file=sys.stderr)
        return 2
    engine = get_engine(args.database_url)
    filters = Filters(scope=EVERYTHING, cohorts=tuple(args.cohort))
    queue = coding_queue(engine, filters, limit=args.limit)
    if args.json:
        print_json(
            [
                {
                    "feedback_id": note.feedback_id,
                    "date": note.date.isoformat() if note.date else None,
                    "source": note.source,
                    "text": note.text,
                    "engine_theme": note.guess,
                    "confidence": note.confidence,
                    "reason": note.reason,
                }
                for note in queue
            ]
        )
        return 0
    if not queue:
        print("Nothing to code: every note in scope is coded, private or empty.")
        return 0
    for rank, note in enumerate(queue, start=1):
        guess = note.guess or "no theme"
        confidence = "" if note.confidence is None else f" {note.confidence:.0%}"
        print(f"{rank:>3}. {note.feedback_id}  [{guess}{confidence}; {note.reason}]")
        print(f"     {' '.join(note.text.split())}")
    return 0


TO_CODE = Command(
    "to-code",
    help="the notes to code next, best first",
    description=(
        "The notes whose hand-coding would teach the theme engine most: uncertain ones, "
        "ones like many other notes, ones of themes with few coded examples, spread over "
        "clusters. Never private notes, never notes already coded. Code them in the "
        "bundle's coded_theme column (or on the Feedback themes page) and refresh."
    ),
    arguments=_to_code_arguments,
    run=run_to_code,
)
COMMAND = Command(
    "themes",
    help="feedback themes: the coding queue",
    description="Feedback themes on the command line.",
    arguments=_arguments,
)

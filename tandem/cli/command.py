"""One subcommand of ``python -m tandem``, as data: its words, its options, what runs it.

Every command module describes itself with a :class:`Command` and
``tandem/cli/main.py`` lists them in one table, so adding a parser, its help
and its ``func`` is done once, here, instead of once per module.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Arguments = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    name: str
    help: str  # the one line ``python -m tandem --help`` lists
    description: str  # the paragraph ``python -m tandem NAME --help`` opens with
    arguments: Arguments | None = None  # adds the command's options (and nested commands)
    run: Run | None = None  # None when nested commands set their own ``func``

    def add_to(self, subparsers: Any) -> argparse.ArgumentParser:
        """Add this command to ``subparsers`` (an ``add_subparsers()`` result)."""
        parser: argparse.ArgumentParser = subparsers.add_parser(
            self.name, help=self.help, description=self.description
        )
        if self.arguments is not None:
            self.arguments(parser)
        if self.run is not None:
            parser.set_defaults(func=self.run)
        return parser


# Options several commands take, worded once so that they read the same everywhere.


def add_json_switch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def add_today_option(parser: argparse.ArgumentParser, meaning: str) -> None:
    """``--today YYYY-MM-DD`` (default None: today); ``meaning`` is its help."""
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD", help=meaning
    )

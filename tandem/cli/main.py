"""``python -m tandem``: the command line.

Every subcommand module describes itself as a ``Command`` (its words, its
options, what runs it) and ``COMMANDS`` below lists them.  This module only
builds the shared options, dispatches, and turns database failures into one
clear line instead of a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from tandem import __version__
from tandem.cli import (
    bundle_io,
    demo,
    impact,
    match,
    migrate,
    rebalance,
    refresh,
    themes,
    users,
    weights,
)
from tandem.cli.command import Command
from tandem.program.db import (
    UnusableURL,
    check_url,
    database_url,
    describe_url,
    missing_sqlite_file,
)

# Every subcommand, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    bundle_io.IMPORT,
    bundle_io.EXPORT,
    demo.COMMAND,
    impact.COMMAND,
    match.COMMAND,
    migrate.COMMAND,
    rebalance.COMMAND,
    refresh.COMMAND,
    themes.COMMAND,
    users.COMMAND,
    weights.COMMAND,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tandem",
        description=(
            "Tandem: mentorship-program data on the command line. The database is "
            "DATABASE_URL, or the embedded SQLite file data/tandem.db without it."
        ),
    )
    parser.add_argument("--version", action="version", version=f"tandem {__version__}")
    parser.add_argument(
        "--database-url",
        default=None,
        help="database to use (overrides DATABASE_URL), e.g. postgresql+psycopg://user@host/db",
    )
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_to(subparsers)
    return parser


# Commands that may create the SQLite file they are given (the others refuse a
# path that does not exist: a typo must not become a new, empty database).
CREATES_DATABASE = frozenset({"migrate"})
DEBUG_ENV = "TANDEM_DEBUG"


def _database_problem(args: argparse.Namespace) -> str | None:
    """Why the database the command would use is unusable before connecting, or None."""
    url = database_url(args.database_url)
    try:
        check_url(url)
    except UnusableURL as error:
        return f"error: database URL {error}"
    explicit = bool(args.database_url or os.environ.get("DATABASE_URL", "").strip())
    missing = missing_sqlite_file(url)
    if missing is not None and explicit:
        if not missing.parent.is_dir():
            return f"error: no folder {missing.parent} for the SQLite file {missing.name}"
        if args.command not in CREATES_DATABASE:
            return (
                f"error: no SQLite file {missing}; check the path, or create it with "
                "python -m tandem migrate"
            )
    return None


def _reason(error: DBAPIError) -> str:
    reason = str(error.orig).strip() if error.orig is not None else str(error)
    first = reason.splitlines()[0] if reason else type(error).__name__
    if "no such table" in first or ("relation" in first and "does not exist" in first):
        first += "; is the schema there? run python -m tandem migrate"
    return first


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    problem = _database_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except DBAPIError as error:
        # Unreachable, refused, not a database at all (a corrupt or truncated
        # SQLite file), or a schema that is not there: one line, not a traceback.
        where = describe_url(database_url(args.database_url))
        print(f"error: cannot use the database ({where}): {_reason(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: a person never sees a traceback
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            f"error: {args.command} failed: {type(error).__name__}: {error} "
            f"(set {DEBUG_ENV}=1 to see the details)",
            file=sys.stderr,
        )
        return 1

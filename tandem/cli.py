"""``python -m tandem``: the command line.

Subcommands are plug-ins: every module in ``tandem/commands/`` exposes
``register(subparsers)``, which adds its parser and sets ``func=run``.  This
module only builds the shared options, dispatches, and turns database
failures into one clear line instead of a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from tandem import __version__, commands
from tandem.db import database_url, describe_url


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
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except OperationalError as error:
        where = describe_url(database_url(args.database_url))
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        print(f"error: cannot use the database ({where}): {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

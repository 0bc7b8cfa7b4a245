"""``python -m tandem migrate``: create or upgrade the database schema."""

from __future__ import annotations

import argparse
import sys

from tandem.cli.command import Command
from tandem.program import migrate
from tandem.program.db import database_url, describe_url, get_engine


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--revision", default="head", help="target revision (default: head)")


def run(args: argparse.Namespace) -> int:
    engine = get_engine(args.database_url)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, args.revision)
    after = migrate.current_revision(engine)
    where = describe_url(database_url(args.database_url))
    if before == after:
        print(f"{where}: schema already at {after}", file=sys.stderr)
    else:
        print(f"{where}: schema migrated {before or '(empty)'} → {after}", file=sys.stderr)
    return 0


COMMAND = Command(
    "migrate",
    help="create or upgrade the database schema",
    description="Apply every pending schema migration (safe to run repeatedly).",
    arguments=_arguments,
    run=run,
)

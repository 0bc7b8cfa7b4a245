"""``python -m tandem import PATH`` and ``python -m tandem export PATH``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tandem.cli.command import Command
from tandem.program.bundle import BundleError, export_bundle, import_bundle
from tandem.program.db import get_engine


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="bundle folder or .zip file")
    parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    parser.add_argument("--actor", default="cli", help="who to name in the audit log")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="skip recomputing themes, sentiment and health after the import",
    )


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="folder to write, or a path ending in .zip")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        print(f"error: {path}: no such folder or file", file=sys.stderr)
        return 2
    engine = get_engine(getattr(args, "database_url", None))
    try:
        report = import_bundle(
            engine,
            path,
            actor=getattr(args, "actor", "cli"),
            progress=_progress,
            dry_run=getattr(args, "dry_run", False),
        )
    except BundleError as error:
        for warning in error.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for line in error.lines():
            print(line, file=sys.stderr)
        problems = f"{error.total} problem" + ("" if error.total == 1 else "s")
        print(f"import failed: {problems}; nothing was written", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    if not report.dry_run and not getattr(args, "no_refresh", False):
        # What pages read (themes, sentiment, health) must follow the new data.
        from tandem.cli.refresh import refresh_and_report

        refresh_and_report(engine, actor=getattr(args, "actor", "cli"), progress=_progress)
    return 0


def run_export(args: argparse.Namespace) -> int:
    engine = get_engine(getattr(args, "database_url", None))
    target = Path(args.path)
    if target.exists() and not (target.is_dir() or target.suffix.lower() == ".zip"):
        print(f"error: {target} exists and is neither a folder nor a .zip", file=sys.stderr)
        return 2
    if target.is_dir() and target.suffix.lower() == ".zip":
        print(
            f"error: {target} is a folder: a path ending in .zip is written as a zip file; "
            "give another name",
            file=sys.stderr,
        )
        return 2
    try:
        report = export_bundle(engine, target, progress=_progress)
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"error: cannot export to {target}: {reason}; nothing was written", file=sys.stderr)
        return 1
    for name, rows in report.files.items():
        print(f"{name}: {rows} rows")
    print(f"exported to {report.path}")
    return 0


IMPORT = Command(
    "import",
    help="import a program bundle (folder or .zip of CSV files)",
    description=(
        "Validate every file of the bundle, then write it in one transaction: "
        "all or nothing. Rows whose IDs exist are updated in place. Problems "
        "are printed as FILE:LINE: column COLUMN: message."
    ),
    arguments=_import_arguments,
    run=run_import,
)
EXPORT = Command(
    "export",
    help="export the program as a bundle (folder, or .zip if PATH ends in .zip)",
    description=(
        "Write every bundle file, plus what the dashboard derived (health, "
        "stall reasons, themes, sentiment). Export then import reproduces the program."
    ),
    arguments=_export_arguments,
    run=run_export,
)

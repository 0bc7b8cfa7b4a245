"""``python -m tandem import PATH`` and ``python -m tandem export PATH``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tandem.program.bundle import BundleError, export_bundle, import_bundle
from tandem.program.db import get_engine


def register(subparsers: Any) -> None:
    """Add the ``import`` and ``export`` subcommands."""
    importer = subparsers.add_parser(
        "import",
        help="import a program bundle (folder or .zip of CSV files)",
        description=(
            "Validate every file of the bundle, then write it in one transaction: "
            "all or nothing. Rows whose IDs exist are updated in place. Problems "
            "are printed as FILE:LINE: column COLUMN: message."
        ),
    )
    importer.add_argument("path", help="bundle folder or .zip file")
    importer.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    importer.add_argument("--actor", default="cli", help="who to name in the audit log")
    importer.add_argument(
        "--no-refresh",
        action="store_true",
        help="skip recomputing themes, sentiment and health after the import",
    )
    importer.set_defaults(func=run, bundle_action="import")

    exporter = subparsers.add_parser(
        "export",
        help="export the program as a bundle (folder, or .zip if PATH ends in .zip)",
        description=(
            "Write every bundle file, plus what the dashboard derived (health, "
            "stall reasons, themes, sentiment). Export then import reproduces the program."
        ),
    )
    exporter.add_argument("path", help="folder to write, or a path ending in .zip")
    exporter.set_defaults(func=run, bundle_action="export")


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
        from tandem.refresh import refresh_all

        summary = refresh_all(
            engine, progress=_progress, actor=getattr(args, "actor", "cli")
        ).summary()
        print(summary, file=sys.stderr)
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


def run(args: argparse.Namespace) -> int:
    """Entry point the main parser calls (``args.func``) for both subcommands."""
    if getattr(args, "bundle_action", "import") == "export":
        return run_export(args)
    return run_import(args)

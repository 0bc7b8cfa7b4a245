"""``python -m tandem impact``: promotion and retention of participants against colleagues.

Prints the same estimate as the Impact page (every cohort: the command line's
scope is the whole program).  ``--json`` prints ``{"as_of": …, "months": …,
"results": […]}`` with each result's counts, rates, naive and adjusted
differences (as shares), ``ci_low``/``ci_high``, ``unmatched``, ``method``,
``suppressed`` and the verdict in words.
"""

from __future__ import annotations

import argparse
import sys

from tandem.access import EVERYTHING, OutOfScope
from tandem.cli.command import Command, add_json_switch, add_today_option
from tandem.cli.text import print_json
from tandem.impact import (
    DEFAULT_MONTHS,
    GROUPS,
    INTERVAL_METHOD,
    MAX_MONTHS,
    MIN_MONTHS,
    NO_EVENTS,
    OUTCOMES,
    Estimate,
    ImpactReport,
    impact_report,
    interval_text,
    points,
    verdict,
)
from tandem.program.db import get_engine


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", default=None, metavar="ID", help="one cohort (default: all)")
    parser.add_argument(
        "--months",
        type=int,
        default=DEFAULT_MONTHS,
        metavar="N",
        help=f"horizon in months after the start ({MIN_MONTHS}–{MAX_MONTHS}, default 12)",
    )
    add_today_option(
        parser, "judge as of this date (default: today); never later than the last career event"
    )
    add_json_switch(parser)


def run(args: argparse.Namespace) -> int:
    if not MIN_MONTHS <= args.months <= MAX_MONTHS:
        print(f"error: --months must be between {MIN_MONTHS} and {MAX_MONTHS}", file=sys.stderr)
        return 2
    engine = get_engine(getattr(args, "database_url", None))
    try:
        report = impact_report(
            engine, EVERYTHING, cohort_id=args.cohort, months=args.months, as_of=args.today
        )
    except OutOfScope:
        print(f"error: no cohort with id {args.cohort!r}", file=sys.stderr)
        return 1
    if args.json:
        print_json(report.to_json())
        return 0
    print(format_report(report))
    return 0


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _row(item: Estimate) -> list[str]:
    return [
        GROUPS[item.group],
        OUTCOMES[item.outcome],
        f"{item.participants:,}",
        f"{item.comparison:,}",
        _rate(item.participant_rate),
        _rate(item.comparison_rate),
        "—" if item.naive_difference is None else points(item.naive_difference),
        "—" if item.adjusted_difference is None else points(item.adjusted_difference),
        "—" if item.interval is None else interval_text(*item.interval),
        f"{item.unmatched:,}",
    ]


def format_report(report: ImpactReport) -> str:
    """The report as text for a terminal."""
    head = (
        f"Impact for {report.scope_label}: {report.months} months after the start, "
        f"data to {report.as_of.isoformat()}"
    )
    if not report.has_events:
        return f"{head}\n{NO_EVENTS}"
    headers = [
        "group",
        "outcome",
        "participants",
        "comparison",
        "participant rate",
        "comparison rate",
        "naive",
        "adjusted",
        "95% interval",
        "unmatched",
    ]
    rows = [_row(item) for item in report.estimates]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [head, ""]
    lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    lines.append("")
    lines.extend(f"- {verdict(item)}" for item in report.estimates)
    lines.append("")
    lines.append(INTERVAL_METHOD)
    return "\n".join(line.rstrip() for line in lines)


COMMAND = Command(
    "impact",
    help="promotion and retention of mentees and mentors against comparable colleagues",
    description=(
        "Compare what happened to participants' careers (promotion, retention within "
        "--months of their cohort's start) with colleagues who took part in no pairing "
        "and had the same level, division, geography and tenure band at that date. "
        "Needs career events (events.csv in the bundle)."
    ),
    arguments=_arguments,
    run=run,
)

"""``python -m tandem rebalance``: suggest optimal mentor moves (writes nothing).

The default output is a readable table.  ``--json`` prints exactly
``{"suggestions": [...], "total_score": …}``; ``--explain`` adds every option
the solver weighed (``candidates``, with the exact objective value it used,
stay bonus included) and the slots each mentor had open (``capacity``), so
anyone can re-solve the max-weight b-matching and confirm ``total_score``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tandem.cli.command import Command, add_json_switch
from tandem.cli.text import fail, print_json, text_table
from tandem.matching import RebalancePlan, compute_rebalance, compute_rotation
from tandem.program.db import get_engine
from tandem.program.settings import SettingsError


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_json_switch(parser)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also print every candidate the solver weighed and each mentor's open slots",
    )
    parser.add_argument(
        "--rotation",
        action="store_true",
        help="table mode: also suggest next mentors for mentees whose pairing completed",
    )


def run(args: argparse.Namespace) -> int:
    engine = get_engine(getattr(args, "database_url", None))
    explain = bool(getattr(args, "explain", False))
    print("planning the rebalancing…", file=sys.stderr, flush=True)
    try:
        plan = compute_rebalance(engine, explain=explain)
    except SettingsError as error:
        return fail(f"the stored matching settings are invalid: {error}")
    if getattr(args, "json", False):
        print_json(plan.to_json(explain=explain))
        return 0
    print(format_plan(plan, explain=explain))
    if getattr(args, "rotation", False):
        print()
        print(format_rotation(engine))
    return 0


def _clip(text: str, width: int = 72) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_plan(plan: RebalancePlan, *, explain: bool = False) -> str:
    """The plan as text for a terminal."""
    out = [
        f"{plan.movable} movable pairing(s): {len(plan.suggestions)} move(s) suggested, "
        f"{plan.stays} stay, {len(plan.unresolved)} unresolved; "
        f"total objective {plan.total_score:.6f}"
    ]
    if plan.suggestions:
        rows = [
            [
                s.pairing_id,
                s.mentee_id,
                f"{s.current_mentor_id} → {s.suggested_mentor_id}",
                f"{s.current_score:.3f}",
                f"{s.suggested_score:.3f}",
                f"{s.gain:+.3f}",
                _clip(s.reasons[0]) if s.reasons else "",
            ]
            for s in plan.suggestions
        ]
        out.append("")
        out.append(
            text_table(["pairing", "mentee", "move", "now", "then", "gain", "first reason"], rows)
        )
    if explain:
        for s in plan.suggestions:
            out.append("")
            out.append(f"{s.pairing_id}: {s.current_mentor_id} → {s.suggested_mentor_id}")
            out.extend(f"  - {reason}" for reason in s.reasons)
            if s.runner_up_mentor_id:
                out.append(f"  runner-up: {s.runner_up_mentor_id} ({s.runner_up_score:.3f})")
            out.append(
                f"  load: {s.current_mentor_id} {s.current_mentor_load_before}"
                f"→{s.current_mentor_load_after}, {s.suggested_mentor_id} "
                f"{s.suggested_mentor_load_before}→{s.suggested_mentor_load_after}"
            )
    for item in plan.unresolved:
        out.append("")
        out.append(
            f"unresolved {item.pairing_id} ({item.mentee_id} with {item.current_mentor_id}):"
        )
        out.extend(f"  - {reason}" for reason in item.reasons)
    for warning in plan.warnings:
        out.append(f"warning: {warning}")
    return "\n".join(out)


def format_rotation(engine: Any) -> str:
    """Rotation suggestions as text."""
    items = compute_rotation(engine)
    if not items:
        return "rotation: no mentee with a completed pairing is waiting for a new mentor"
    rows = [
        [
            r.mentee_id,
            ",".join(r.previous_mentor_ids),
            r.suggested_mentor_id or "(none)",
            f"{r.score:.3f}" if r.score is not None else "",
            _clip(r.reasons[0]) if r.reasons else "",
        ]
        for r in items
    ]
    return "rotation:\n" + text_table(["mentee", "previous", "next mentor", "score", "why"], rows)


COMMAND = Command(
    "rebalance",
    help="suggest optimal mentor moves for stalled, poorly fitting or rule-breaking pairings",
    description=(
        "Find the pairings that may move (stalled, poorly fitting, overloaded mentor, "
        "inside a reporting line; pins and excludes respected) and the assignment to "
        "mentors with free slots that maximises the total match score, where a move "
        "must beat staying by the configured margin. Nothing is written."
    ),
    arguments=_arguments,
    run=run,
)

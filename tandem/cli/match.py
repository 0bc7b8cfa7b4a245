"""``python -m tandem match --cohort ID``: propose the best pairings for a cohort's sign-ups.

Nothing is written unless ``--approve`` is given.  ``--json`` prints one
object with ``proposals`` (each ``mentee_id``, ``mentor_id``, ``score``),
``total_score``, ``minimum_score`` and ``unmatched`` (each ``person_id``,
``reason``); ``--explain`` adds ``candidates`` (every feasible pair weighed,
with its score) and ``capacity`` (mentor id → free slots for this cohort), so
anyone can re-solve the b-matching and confirm ``total_score``.
``--approve`` writes the proposals as ``proposed`` pairings (audited, all or
none, every rule checked again first).
"""

from __future__ import annotations

import argparse
import sys

from tandem.access.scope import EVERYTHING
from tandem.cli.command import Command, add_json_switch
from tandem.cli.text import fail, print_json, text_table
from tandem.matching.cohort import match_cohort
from tandem.matching.cohort_approve import approve_proposals
from tandem.matching.cohort_model import CohortMatch, MatchConflict, MatchRequestError
from tandem.program.db import get_engine
from tandem.program.settings import SettingsError


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", required=True, metavar="ID", help="the cohort to match")
    add_json_switch(parser)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also print every feasible pair weighed and each mentor's free slots",
    )
    parser.add_argument(
        "--approve",
        action="store_true",
        help="write the proposals as proposed pairings (audited)",
    )
    parser.add_argument(
        "--actor", default="cli", help="who the audit log names for --approve (default: cli)"
    )


def run(args: argparse.Namespace) -> int:
    engine = get_engine(getattr(args, "database_url", None))
    explain = bool(getattr(args, "explain", False))
    print(f"matching cohort {args.cohort}…", file=sys.stderr, flush=True)
    try:
        match = match_cohort(engine, EVERYTHING, args.cohort, explain=explain)
    except MatchRequestError as error:
        return fail(str(error))
    except SettingsError as error:
        return fail(f"the stored matching settings are invalid: {error}")
    if getattr(args, "json", False):
        print_json(match.to_json(explain=explain))
    else:
        print(format_match(match, explain=explain))
    for warning in match.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not getattr(args, "approve", False):
        return 0
    if not match.proposals:
        print("nothing to approve", file=sys.stderr)
        return 0
    try:
        ids = approve_proposals(
            engine, EVERYTHING, match.cohort_id, match.proposals, getattr(args, "actor", "cli")
        )
    except MatchConflict as error:
        print(f"error: nothing was approved: {error}", file=sys.stderr)
        return 1
    noun = "pairing" if len(ids) == 1 else "pairings"
    print(f"approved {len(ids)} proposed {noun}", file=sys.stderr)
    return 0


def format_match(match: CohortMatch, *, explain: bool = False) -> str:
    """The proposals as text for a terminal."""
    waiting = sum(1 for s in match.sign_ups if s.status == "waiting")
    out = [
        f"cohort {match.cohort_id} ({match.kind} pairings): {len(match.sign_ups)} sign-up(s), "
        f"{waiting} waiting; {len(match.proposals)} proposal(s), {len(match.unmatched)} "
        f"unmatched; total score {match.total_score:.6f}"
    ]
    if match.proposals:
        rows = [
            [
                p.mentee_id,
                p.mentor_id,
                f"{p.score:.3f}",
                p.runner_up_mentor_id or "",
                f"{p.runner_up_score:.3f}" if p.runner_up_score is not None else "",
            ]
            for p in match.proposals
        ]
        out.append("")
        out.append(text_table(["mentee", "mentor", "score", "runner-up", "its score"], rows))
    for item in match.unmatched:
        out.append(f"unmatched {item.person_id}: {item.reason}")
    if explain:
        out.append("")
        out.append(f"{len(match.candidates)} feasible pair(s) weighed; free slots:")
        out.extend(f"  {mentor}: {slots}" for mentor, slots in match.capacity.items())
    return "\n".join(out)


COMMAND = Command(
    "match",
    help="propose the best pairings for a cohort's sign-ups (participants.csv)",
    description=(
        "Pair the cohort's participants who have no open pairing in it: the set of "
        "pairings with the highest total match score, found exactly, that breaks no "
        "hard rule (capacity over every open pairing, reporting lines, no repeat of an "
        "ended pair, no duplicate). Every mentee left unmatched is given a reason. "
        "Nothing is written unless --approve is given."
    ),
    arguments=_arguments,
    run=run,
)

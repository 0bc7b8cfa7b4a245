"""``python -m tandem weights --learn``: what has predicted progress, and the weights it suggests.

``--json`` prints exactly ``{"n", "outcome", "factors": [{"component",
"effect", "ci_low", "ci_high"}, …], "suggested_weights"}``.  ``--adopt``
makes the suggested weights the matching weights (audited, with ``--actor``);
without it nothing is written.
"""

from __future__ import annotations

import argparse
import sys

from tandem.access.scope import EVERYTHING
from tandem.cli.command import Command, add_json_switch
from tandem.cli.text import fail, print_json
from tandem.matching.config import COMPONENT_LABELS
from tandem.matching.learn import (
    OUTCOMES,
    LearnedWeights,
    TooFewPairings,
    adopt_weights,
    learn_weights,
)
from tandem.program.db import get_engine
from tandem.program.settings import SettingsError


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--learn", action="store_true", required=True, help="estimate from finished pairings"
    )
    parser.add_argument(
        "--outcome", choices=sorted(OUTCOMES), default="milestones", help="what counts as progress"
    )
    add_json_switch(parser)
    parser.add_argument(
        "--adopt", action="store_true", help="make the suggested weights the matching weights"
    )
    parser.add_argument(
        "--actor", default="cli", help="who the audit log names for --adopt (default: cli)"
    )


def run(args: argparse.Namespace) -> int:
    engine = get_engine(getattr(args, "database_url", None))
    try:
        learned = learn_weights(engine, EVERYTHING, outcome=args.outcome)
    except TooFewPairings as error:
        return fail(str(error))
    except SettingsError as error:
        return fail(f"the stored matching settings are invalid: {error}")
    if args.json:
        print_json(learned.to_json())
    else:
        print(format_learned(learned))
    if args.adopt:
        if not learned.suggests_change:
            print("nothing to adopt: no component's interval lies above zero", file=sys.stderr)
            return 0
        adopt_weights(engine, learned.suggested_weights, args.actor)
        print("adopted the suggested weights", file=sys.stderr)
    return 0


def format_learned(learned: LearnedWeights) -> str:
    """The estimate as text for a terminal."""
    out = [f"{learned.n} finished pairing(s); outcome: {OUTCOMES[learned.outcome]}", ""]
    header = f"{'component':<24}{'effect':>9}{'95% interval':>22}{'now':>7}{'suggested':>11}"
    out += [header, "-" * len(header)]
    for factor in learned.factors:
        name = factor.component
        if factor.effect is None:
            effect, interval = "—", "does not vary"
        else:
            effect = f"{factor.effect:+.3f}"
            interval = f"{factor.ci_low:+.3f} to {factor.ci_high:+.3f}"
        out.append(
            f"{COMPONENT_LABELS[name]:<24}{effect:>9}{interval:>22}"
            f"{learned.current_weights[name]:>7.2f}{learned.suggested_weights[name]:>11.2f}"
        )
    if not learned.suggests_change:
        out += ["", "no component's interval lies above zero: the current weights stand"]
    return "\n".join(out)


COMMAND = Command(
    "weights",
    help="learn from finished pairings which match-score components predicted progress",
    description=(
        "Across pairings that completed or ended, regress an outcome (share of milestones "
        "done, or rating gain) on the five match-score components together, and suggest "
        "weights from the components whose 95 percent interval lies above zero. Refused below "
        "the privacy threshold. Nothing is written unless --adopt is given."
    ),
    arguments=_arguments,
    run=run,
)

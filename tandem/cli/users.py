"""``python -m tandem users``: who may sign in, with which role.

The first admin has to exist before anyone can sign in to the Admin page, so
the same records can be kept from the command line:

    python -m tandem users add ada@example.com --role admin --name "Ada Lovelace"
    python -m tandem users add lee@example.com --role lead --cohort c2026a --cohort c2026b
    python -m tandem users list
    python -m tandem users remove lee@example.com

Every change is one transaction with an audit row naming ``cli`` (or --actor).
"""

from __future__ import annotations

import argparse
import sys

from tandem.access import ROLES, AccessError, find_user, list_users, remove_user, save_user
from tandem.cli.command import Command
from tandem.program.admin import cohort_choices
from tandem.program.db import get_engine


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--actor", default="cli", help="who the audit log names for the change (default: cli)"
    )
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a user, or change an existing one",
        description=(
            "Add a user, or change the role and cohorts (and the name, if given) of an "
            "existing one."
        ),
    )
    add.add_argument("email", help="the e-mail address the person signs in with")
    add.add_argument("--role", required=True, choices=ROLES, help="what they may see and do")
    add.add_argument(
        "--cohort",
        action="append",
        default=[],
        metavar="ID",
        help="a cohort a lead works on (repeat for several; none = every cohort)",
    )
    add.add_argument("--name", default=None, help="display name (default: keep the current one)")
    remove = actions.add_parser("remove", help="remove a user's access")
    remove.add_argument("email")
    actions.add_parser("list", help="list users (tab-separated: e-mail, role, cohorts, name)")


def run(args: argparse.Namespace) -> int:
    engine = get_engine(args.database_url)
    if args.users_action == "list":
        for user in list_users(engine):
            print("\t".join([user.email, user.role, user.cohorts or "", user.display_name or ""]))
        return 0
    if args.users_action == "remove":
        if not remove_user(engine, args.email, actor=args.actor):
            print(f"error: no user {args.email!r}", file=sys.stderr)
            return 1
        print(f"removed {args.email}", file=sys.stderr)
        return 0
    if args.cohort and args.role != "lead":
        print("error: --cohort only applies to the lead role", file=sys.stderr)
        return 2
    known = {cohort_id for cohort_id, _ in cohort_choices(engine)}
    for cohort_id in args.cohort:
        if cohort_id not in known:
            # Not refused: the bundle with that cohort may be imported later.
            print(f"warning: no cohort {cohort_id!r} in the database yet", file=sys.stderr)
    name = args.name
    if name is None:
        # Changing a role keeps the name already on record.
        current = find_user(engine, args.email)
        name = current.name if current is not None else None
    try:
        save_user(
            engine,
            args.email,
            args.role,
            actor=args.actor,
            cohorts=args.cohort,
            display_name=name,
        )
    except AccessError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"saved {args.email.strip().lower()} as {args.role}", file=sys.stderr)
    return 0


COMMAND = Command(
    "users",
    help="add, change, remove or list the people who may sign in",
    description=(
        "Manage app users: the e-mail a person signs in with, their role (sponsor, "
        "lead or admin) and, for a lead, the cohorts they work on. Roles only apply "
        "when sign-in is configured (docs/sign-in.md)."
    ),
    arguments=_arguments,
    run=run,
)

"""Who may see and do what: roles, their capabilities, and the lead's cohort scope.

Three roles (issue "safe to show a room"):

- ``sponsor``: aggregates, health, themes and shareable quotes; no flag
  editing, no rebalancing;
- ``lead``: everything about the pairings of their cohorts (``Viewer.scope``),
  flags, rebalancing;
- ``admin``: everything, including import and settings.

No role reads ``private`` notes: their text never leaves the pair (who do not
use this dashboard); they count in aggregates and the pairing page says how
many there are.

The rules live here, as data, so navigation, every page's re-check and the
tests read the same table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tandem.access.scope import Scope
from tandem.program import audit
from tandem.program.db import transaction
from tandem.program.models import AppUser, utcnow

if TYPE_CHECKING:  # filters carry a Scope: importing them here would be circular
    from tandem.access.filters import Filters

ROLES = ("sponsor", "lead", "admin")

_LEAD = frozenset(
    {
        "view",
        # aggregates of fewer pairings than the privacy threshold (their own queue)
        "see_small_groups",
        "open_lead_pages",
        "edit_flags",
        "rebalance",
        # approve a cohort's proposed pairings, pin and forbid pairs (tandem.matching.cohort)
        "match",
        "edit_codebook",
        "tune_rules",
    }
)
CAPABILITIES: dict[str, frozenset[str]] = {
    "sponsor": frozenset({"view"}),
    "lead": _LEAD,
    # see_deployment: where the data lives (the database's address), for admins only.
    "admin": _LEAD | {"open_admin_pages", "import", "settings", "see_deployment"},
}
# Presenter mode is read-only, whatever the role: a screen shared with a room
# must not be a place to edit (what it may show is decided by ``Scope.presenting``).
PRESENTER_WITHHOLDS = frozenset(
    {
        "see_small_groups",
        "edit_flags",
        "rebalance",
        "match",
        "edit_codebook",
        "tune_rules",
        "import",
        "settings",
        "see_deployment",
    }
)

# The capability a page needs to be opened at all (page key = its url path).
PAGE_CAPABILITY: dict[str, str] = {
    "overview": "view",
    "portfolio": "view",
    "what_works": "view",
    "learning_flows": "view",
    "equity": "view",
    "milestones": "view",
    "pairing": "view",
    "themes": "view",
    "impact": "view",
    "stalled": "open_lead_pages",
    "rebalancing": "open_lead_pages",
    "matching": "open_lead_pages",
    "admin": "open_admin_pages",
}


class AccessError(ValueError):
    """A role or user record was refused; the message says why, for a person."""


@dataclass(frozen=True)
class Viewer:
    """The person looking at the dashboard, as far as access is concerned."""

    role: str
    email: str | None = None
    name: str | None = None
    # Cohorts a lead is limited to; empty means all.
    cohorts: tuple[str, ...] = ()
    demo: bool = False
    presenting: bool = False

    def can(self, capability: str) -> bool:
        if self.presenting and capability in PRESENTER_WITHHOLDS:
            return False
        return capability in CAPABILITIES.get(self.role, frozenset())

    def may_open(self, page_key: str) -> bool:
        # Unknown pages need the highest capability: a new page is closed until listed.
        return self.can(PAGE_CAPABILITY.get(page_key, "open_admin_pages"))

    @property
    def actor(self) -> str:
        """Who the audit log names for a write by this viewer: the signed-in e-mail,
        else the name, else the role (``demo admin`` in demo mode)."""
        if self.email or self.name:
            return str(self.email or self.name)
        return f"demo {self.role}" if self.demo else self.role

    @property
    def label(self) -> str:
        who = self.name or self.email or "demo viewer"
        return f"{who} ({self.role})"

    @property
    def scope(self) -> Scope:
        """What this viewer may see: a lead's cohorts (others: all), and whether presenting."""
        cohorts = self.cohorts if self.role == "lead" else ()
        return Scope(cohorts=cohorts, presenting=self.presenting)

    def restrict(self, filters: Filters) -> Filters:
        """``filters`` within this viewer's scope (the cohort choice narrowed, never widened)."""
        scope = self.scope
        return replace(filters, scope=scope, cohorts=scope.narrow(filters.cohorts))


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(engine: Engine, email: str) -> Viewer | None:
    """The viewer for a signed-in e-mail, or None when it has no role here."""
    with engine.connect() as connection:
        row = connection.execute(
            select(AppUser).where(AppUser.email == _normalise_email(email))
        ).first()
    if row is None:
        return None
    user = row[0] if isinstance(row[0], AppUser) else row
    cohorts = tuple(c for c in (user.cohorts or "").split(";") if c)
    return Viewer(role=user.role, email=user.email, name=user.display_name, cohorts=cohorts)


def save_user(
    engine: Engine,
    email: str,
    role: str,
    *,
    actor: str,
    cohorts: Iterable[str] = (),
    display_name: str | None = None,
) -> None:
    """Create or change a user's role (one transaction with an audit row)."""
    address = _normalise_email(email)
    if "@" not in address or len(address) > 320:
        raise AccessError(f"not an e-mail address: {email!r}")
    if role not in ROLES:
        raise AccessError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    cohort_text = ";".join(sorted({c.strip() for c in cohorts if c.strip()}))
    with transaction(engine) as session:
        user = session.get(AppUser, address)
        before = (
            None
            if user is None
            else {"role": user.role, "cohorts": user.cohorts, "display_name": user.display_name}
        )
        if user is None:
            user = AppUser(email=address)
            session.add(user)
        user.role = role
        user.cohorts = cohort_text
        user.display_name = display_name
        user.updated_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="save_user",
            entity="app_user",
            entity_id=address,
            before=before,
            after={"role": role, "cohorts": cohort_text, "display_name": display_name},
        )


def remove_user(engine: Engine, email: str, *, actor: str) -> bool:
    address = _normalise_email(email)
    with transaction(engine) as session:
        user = session.get(AppUser, address)
        if user is None:
            return False
        audit.record(
            session,
            actor=actor,
            action="remove_user",
            entity="app_user",
            entity_id=address,
            before={"role": user.role, "cohorts": user.cohorts},
        )
        session.delete(user)
    return True


def list_users(engine: Engine) -> list[AppUser]:
    """Every user with a role, by e-mail (the Admin page's table and ``users list``)."""
    with Session(engine) as session:
        return list(session.scalars(select(AppUser).order_by(AppUser.email)))

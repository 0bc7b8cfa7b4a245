"""A viewer's scope: which cohorts' pairings they may see, and whether a room is watching.

One object decides, and every read and write of the core asks it:

- a read that takes ``Filters`` gets the scope with them (``Filters.scope``,
  applied by ``Filters.clause``); a read without filters (one pairing's story,
  the overview totals, the rebalancing plan) takes a ``Scope`` argument;
- a write that touches a pairing calls ``require_pairing`` first, so a lead
  limited to some cohorts can neither read nor change a pairing of another.

``presenting`` travels with the scope because what a room may see is an access
question too: only ``shareable`` notes, redacted, no free text.

Private notes are not a matter of scope: their text never leaves the pair,
for any viewer (see ``tandem.access.roles``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Engine, select, true
from sqlalchemy.orm import Session

from tandem.program.db import connected
from tandem.program.models import Pairing

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import KeyedColumnElement

# Matches no cohort: a lead whose cohorts and the chosen filter do not overlap.
NO_COHORT_MATCH = "\x00none"


class OutOfScope(PermissionError):
    """The pairing (or cohort) lies outside the viewer's cohorts."""

    def __init__(self, what: str = "This pairing") -> None:
        super().__init__(f"{what} is not in your cohorts.")


@dataclass(frozen=True)
class Scope:
    """The cohorts a viewer may see (empty: every cohort) and whether they present."""

    cohorts: tuple[str, ...] = ()
    presenting: bool = False

    @property
    def limited(self) -> bool:
        return bool(self.cohorts)

    def allows(self, cohort_id: str | None) -> bool:
        """Whether a pairing or note of ``cohort_id`` is visible (no cohort: unscoped only)."""
        return not self.cohorts or (cohort_id is not None and cohort_id in self.cohorts)

    def cohort_condition(self, column: KeyedColumnElement[Any] | Any) -> ColumnElement[bool]:
        """A SQL condition keeping the rows whose ``column`` (a cohort id) is in scope."""
        if not self.cohorts:
            return true()
        return column.in_(self.cohorts)

    def pairing_condition(self) -> ColumnElement[bool]:
        """A SQL condition on ``pairings`` keeping the pairings in scope."""
        return self.cohort_condition(Pairing.cohort_id)

    def narrow(self, cohorts: tuple[str, ...]) -> tuple[str, ...]:
        """``cohorts`` chosen in a filter, narrowed to this scope (never widened)."""
        if not self.cohorts:
            return cohorts
        if not cohorts:
            return self.cohorts
        allowed = tuple(c for c in cohorts if c in self.cohorts)
        return allowed or (NO_COHORT_MATCH,)

    def includes_pairing(self, bind: Engine | Connection | Session, pairing_id: str) -> bool:
        """Whether ``pairing_id`` exists and lies in scope."""
        statement = select(Pairing.cohort_id).where(Pairing.pairing_id == pairing_id)
        with connected(bind) as connection:
            row = connection.execute(statement).first()
        return row is not None and self.allows(row[0])

    def require_pairing(self, bind: Engine | Connection | Session, pairing_id: str) -> None:
        """Raise ``OutOfScope`` unless ``pairing_id`` lies in scope (writes call this)."""
        if self.limited and not self.includes_pairing(bind, pairing_id):
            raise OutOfScope()


#: The scope of the command line, imports, refreshes and admins: every cohort.
EVERYTHING = Scope()

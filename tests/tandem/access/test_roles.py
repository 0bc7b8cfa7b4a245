"""Roles: what each may do, presenter mode, and the users who hold them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from tandem.access.filters import Filters
from tandem.access.roles import AccessError, Viewer, find_user, list_users, remove_user, save_user
from tandem.access.scope import Scope
from tandem.program.models import AuditEntry


def test_capabilities_grow_from_sponsor_to_admin_and_presenting_is_read_only() -> None:
    sponsor, lead, admin = (Viewer(role) for role in ("sponsor", "lead", "admin"))
    assert sponsor.can("view") and not sponsor.can("edit_flags")
    assert lead.can("edit_flags") and not lead.can("import")
    assert admin.can("import") and admin.can("edit_flags")
    presenting = Viewer("admin", presenting=True)
    assert presenting.can("view")
    assert not presenting.can("import") and not presenting.can("see_small_groups")
    assert not Viewer("nobody").can("view")


def test_pages_open_by_capability_and_unknown_pages_stay_closed() -> None:
    assert Viewer("sponsor").may_open("overview")
    assert not Viewer("sponsor").may_open("stalled")
    assert Viewer("lead").may_open("stalled") and not Viewer("lead").may_open("admin")
    assert not Viewer("lead").may_open("a_page_not_listed_yet")
    assert Viewer("admin").may_open("a_page_not_listed_yet")


def test_who_the_audit_names_and_a_leads_scope() -> None:
    assert Viewer("admin", email="a@x.com", name="Ann").actor == "a@x.com"
    assert Viewer("admin", name="Ann").actor == "Ann"
    assert Viewer("admin", demo=True).actor == "demo admin"
    assert Viewer("lead", name="Ann").label == "Ann (lead)"
    lead = Viewer("lead", cohorts=("c1", "c2"))
    assert lead.scope == Scope(cohorts=("c1", "c2"), presenting=False)
    assert Viewer("sponsor", cohorts=("c1",)).scope.cohorts == ()  # only leads are limited
    narrowed = lead.restrict(Filters(scope=Scope(), cohorts=("c2", "c3")))
    assert narrowed.scope == lead.scope and set(narrowed.cohorts) == {"c2"}


def test_users_are_saved_found_and_removed_with_an_audit_row(engine: Engine) -> None:
    save_user(engine, " Lead@Example.com ", "lead", actor="root", cohorts=["c2", " c1", ""])
    viewer = find_user(engine, "lead@example.COM")
    assert viewer == Viewer(role="lead", email="lead@example.com", cohorts=("c1", "c2"))
    save_user(engine, "lead@example.com", "admin", actor="root", display_name="Lee")
    assert find_user(engine, "lead@example.com") == Viewer(
        role="admin", email="lead@example.com", name="Lee"
    )
    assert [u.email for u in list_users(engine)] == ["lead@example.com"]
    assert remove_user(engine, "LEAD@example.com", actor="root")
    assert not remove_user(engine, "lead@example.com", actor="root")
    assert find_user(engine, "lead@example.com") is None
    with engine.connect() as connection:
        actions = connection.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["save_user", "save_user", "remove_user"]


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [("not-an-address", "lead", "not an e-mail address"), ("a@x.com", "owner", "role must be")],
)
def test_bad_users_are_refused(engine: Engine, email: str, role: str, message: str) -> None:
    with pytest.raises(AccessError, match=message):
        save_user(engine, email, role, actor="root")
    assert list_users(engine) == []

"""Impact reports stored by the refresh: equal to live, and used only while current."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select, update

from tandem.access import EVERYTHING, Scope
from tandem.access.roles import save_user
from tandem.impact import WINDOWS, impact_report, read_impact_report, refresh_impact
from tandem.impact.store import stored_impact_report
from tandem.program import rollups
from tandem.program.derived_tables import StoredImpactReport
from tandem.program.settings import put_setting
from tests.impact_program import AS_OF, breakdown_program, career_program


def _same(stored: object, live: object) -> None:
    assert stored is not None
    assert stored.estimates == live.estimates  # type: ignore[attr-defined]
    assert stored.breakdown == live.breakdown  # type: ignore[attr-defined]
    assert stored.dimensions == live.dimensions  # type: ignore[attr-defined]
    assert (stored.cohort_name, stored.as_of, stored.threshold) == (  # type: ignore[attr-defined]
        live.cohort_name,  # type: ignore[attr-defined]
        live.as_of,  # type: ignore[attr-defined]
        live.threshold,  # type: ignore[attr-defined]
    )
    pd.testing.assert_frame_equal(
        stored.curves.reset_index(drop=True),  # type: ignore[attr-defined]
        live.curves.reset_index(drop=True),  # type: ignore[attr-defined]
        check_dtype=False,
    )


def test_stored_equals_live(engine: Engine) -> None:
    breakdown_program(engine)
    # The program and its one cohort, at every window the page offers.
    assert refresh_impact(engine, today=AS_OF) == 2 * len(WINDOWS)
    for months in (12, 24, 6):
        live = impact_report(engine, EVERYTHING, months=months, as_of=AS_OF, with_breakdown=True)
        stored = stored_impact_report(
            engine, EVERYTHING, cohort_id=None, months=months, today=AS_OF
        )
        _same(stored, live)
    one = impact_report(engine, EVERYTHING, cohort_id="c-k", as_of=AS_OF, with_breakdown=True)
    _same(stored_impact_report(engine, EVERYTHING, cohort_id="c-k", months=12, today=AS_OF), one)


def test_a_stored_report_is_used_only_while_current(engine: Engine) -> None:
    career_program(engine)
    refresh_impact(engine, today=AS_OF, windows=(12,))
    lead = Scope(cohorts=("c-b",))

    def stored(scope: Scope = EVERYTHING, cohort: str | None = None, months: int = 12) -> object:
        return stored_impact_report(engine, scope, cohort_id=cohort, months=months, today=AS_OF)

    assert stored() is not None
    # A lead's "all your cohorts" is not the program (and no lead is registered yet);
    # their own cohort is shared.
    assert stored(lead) is None and stored(lead, "c-a") is None
    assert stored(lead, "c-b") is not None
    assert stored(months=24) is None  # only the windows refreshed are stored
    # Another threshold, or data changed since: computed live instead.
    put_setting(engine, "privacy", {"threshold": 6}, actor="test")
    assert stored() is None
    put_setting(engine, "privacy", {"threshold": 5}, actor="test")
    assert stored() is None  # the settings change moved the fingerprint
    refresh_impact(engine, today=AS_OF, windows=(12,))
    assert stored() is not None
    with engine.begin() as connection:
        rollups.invalidate(connection)
    assert stored() is None
    # The page's reader falls back to live, with the breakdown.
    report = read_impact_report(engine, EVERYTHING, today=AS_OF)
    assert report.breakdown and report.estimates


def test_each_lead_scope_is_stored_and_served_only_to_those_cohorts(engine: Engine) -> None:
    career_program(engine)
    save_user(engine, "lead@example.org", "lead", actor="test", cohorts=("c-b", "c-a"))
    save_user(engine, "other@example.org", "lead", actor="test", cohorts=("c-a", "c-b"))
    save_user(engine, "sponsor@example.org", "sponsor", actor="test")
    # The program, two cohorts, and one set of cohorts shared by both leads.
    assert refresh_impact(engine, today=AS_OF, windows=(12,)) == 4
    both = Scope(cohorts=("c-a", "c-b"))
    stored = stored_impact_report(engine, both, cohort_id=None, months=12, today=AS_OF)
    live = impact_report(engine, both, as_of=AS_OF, with_breakdown=True)
    _same(stored, live)
    assert (
        stored_impact_report(
            engine, Scope(cohorts=("c-b", "c-a")), cohort_id=None, months=12, today=AS_OF
        )
        is not None
    )  # the order of a lead's cohorts does not matter
    only_b = Scope(cohorts=("c-b",))
    assert stored_impact_report(engine, only_b, cohort_id=None, months=12, today=AS_OF) is None


def test_a_report_stored_by_an_earlier_method_is_not_served(engine: Engine) -> None:
    """After an upgrade that changes how the interval is made (the bootstrap before
    session 8), the stored reports wait for the next refresh instead of showing old
    intervals under the new method's words."""
    career_program(engine)
    refresh_impact(engine, today=AS_OF, windows=(12,))
    assert stored_impact_report(engine, EVERYTHING, cohort_id=None, months=12, today=AS_OF)
    table = StoredImpactReport.__table__
    with engine.begin() as connection:
        for view, months, payload in connection.execute(
            select(table.c.view, table.c.months, table.c.payload)
        ).all():
            connection.execute(
                update(table)
                .where(table.c.view == view, table.c.months == months)
                .values(payload={**payload, "method": "95 % bootstrap percentile interval"})
            )
    assert stored_impact_report(engine, EVERYTHING, cohort_id=None, months=12, today=AS_OF) is None

"""One metadata holds every table: the bundle's, the dashboard's and the derived ones."""

from __future__ import annotations

from tandem.program.bundle.spec import FILES
from tandem.program.derived_tables import PairingHealth, StoredRebalancePlan
from tandem.program.schema import metadata
from tandem.program.theme_tables import FeedbackAnalysis, Theme, ThemeCandidate


def test_metadata_registers_the_tables_of_every_module() -> None:
    tables = set(metadata.tables)
    assert {spec.model.__tablename__ for spec in FILES} <= tables
    assert {"audit_log", "settings", "app_users"} <= tables
    for model in (PairingHealth, StoredRebalancePlan, Theme, FeedbackAnalysis, ThemeCandidate):
        assert model.__tablename__ in tables

"""The full refresh: what it leaves behind beyond the derived tables."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from tandem.program.bundle.importer import import_bundle
from tandem.refresh import refresh_all

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"


def test_refresh_updates_planner_statistics_on_postgresql_only(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    if engine.dialect.name == "sqlite":
        # SQLite's plans are chosen without statistics: the refresh must not
        # start collecting them (sqlite_stat1 would change every plan).
        refresh_all(engine)
        with engine.connect() as connection:
            stat_tables = connection.execute(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
            ).all()
        assert stat_tables == []
        return

    def analysed() -> set[str]:
        with engine.connect() as connection:
            return set(
                connection.execute(
                    text(
                        "SELECT relname FROM pg_stat_user_tables "
                        "WHERE last_analyze IS NOT NULL AND relname IN "
                        "('pairings', 'people', 'rebalance_suggestions', 'theme_note_facts')"
                    )
                ).scalars()
            )

    assert analysed() == set()
    refresh_all(engine)
    assert analysed() == {"pairings", "people", "rebalance_suggestions", "theme_note_facts"}

"""Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from tandem.program import migrate
from tandem.program.db import get_engine
from tandem.program.schema import metadata


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    engine = get_engine(db_url)
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_upgrade_is_idempotent(db_url: str) -> None:
    engine = get_engine(db_url)
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == tables
    assert {"people", "pairings", "audit_log", "settings"} <= tables


def test_downgrade_to_base_removes_everything(db_url: str) -> None:
    engine = get_engine(db_url)
    migrate.upgrade(engine)
    migrate.upgrade(engine, "head")
    from alembic import command

    command.downgrade(migrate.alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_0011_keys_the_themes_a_database_already_has(db_url: str) -> None:
    """Themes written before 0011 get their name's key, and stay unique by it."""
    import sqlalchemy as sa

    from tandem.program.theme_tables import theme_name_key

    engine = get_engine(db_url)
    migrate.upgrade(engine, "0010")
    with engine.begin() as connection:
        for name in ("Delegation", "delegation"):  # unique was exact text: both allowed
            connection.execute(
                sa.text(
                    "INSERT INTO themes (name, description, examples, keywords, origin, active,"
                    " updated_at, version) VALUES (:name, '', '', '', 'lead', :active, :now, 1)"
                ),
                {"name": name, "active": True, "now": "2026-01-01 00:00:00"},
            )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        keys = dict(connection.execute(sa.text("SELECT name, name_key FROM themes")).all())
    assert keys == {name: theme_name_key(name) for name in ("Delegation", "delegation")}
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO themes (name, name_key, description, examples, keywords, origin,"
                " active, updated_at, version) VALUES ('Delegation', :key, '', '', '', 'lead',"
                " :active, :now, 1)"
            ),
            {"key": theme_name_key("Delegation"), "active": True, "now": "2026-01-01"},
        )


def test_0012_takes_the_presenter_key_out_of_the_audit_log(db_url: str) -> None:
    """Before 0012 the first presenter session audited the pseudonym key itself."""
    import json

    import sqlalchemy as sa

    engine = get_engine(db_url)
    migrate.upgrade(engine, "0011")
    secret = {"key": "ab" * 32}
    with engine.begin() as connection:
        for entity_id, after in (("presenter", secret), ("privacy", {"threshold": 7})):
            connection.execute(
                sa.text(
                    "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after)"
                    " VALUES (:at, 'system', 'setting.put', 'setting', :entity_id, 'null', :after)"
                ),
                {"at": "2026-01-01 00:00:00", "entity_id": entity_id, "after": json.dumps(after)},
            )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = dict(connection.execute(sa.text("SELECT entity_id, after FROM audit_log")).all())
    after = {
        key: value if isinstance(value, dict) else json.loads(value) for key, value in rows.items()
    }
    assert after == {"presenter": {"key": "(secret, not recorded)"}, "privacy": {"threshold": 7}}

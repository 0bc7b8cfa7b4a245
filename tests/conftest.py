"""Shared fixtures: one ``engine`` fixture runs each test on SQLite and on PostgreSQL.

PostgreSQL is used when ``TANDEM_TEST_POSTGRES_URL`` points at a server (CI sets
it to the local one); otherwise those runs skip and say why.  Each test session
gets a database of its own on that server, so parallel runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from tandem.program import db as tandem_db
from tandem.program.schema import metadata

POSTGRES_ENV = "TANDEM_TEST_POSTGRES_URL"
# Every chart a test draws is checked against the Vega-Lite schema, in AppTest and
# in the browser tests' servers (components/ui/charts/altair_speed.py).
os.environ["TANDEM_CHECK_CHARTS"] = "1"


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    return tandem_db.database_url(url) if url else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a throw-away PostgreSQL database for this test session."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV} to run these tests")
    name = f"tandem_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # pragma: no cover - depends on the machine
        pytest.fail(f"{POSTGRES_ENV} is set but the server refused: {error}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    yield url
    tandem_db.dispose_engine(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> Engine:
    engine = tandem_db.get_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no tables) on each backend, as a URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tandem.db'}"
        yield url
        tandem_db.dispose_engine(url)
    else:
        url = request.getfixturevalue("postgres_url")
        _empty_postgres(url)
        yield url


@pytest.fixture
def engine(db_url: str) -> Engine:
    """A database with the current schema on each backend."""
    engine = tandem_db.get_engine(db_url)
    metadata.create_all(engine)
    return engine

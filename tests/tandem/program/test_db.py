"""Which database URLs Tandem accepts, how it names them, and its unit of work."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tandem.program.db import (
    DEFAULT_SQLITE_PATH,
    UnusableURL,
    check_url,
    database_url,
    describe_url,
    missing_sqlite_file,
    transaction,
)
from tandem.program.models import Cohort
from tests.factories import small_program


def test_database_url_prefers_explicit_then_environment_then_embedded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/prod")
    # Cloud consoles hand out postgres:// URLs; they mean psycopg 3 here.
    assert database_url() == "postgresql+psycopg://u:p@db/prod"
    assert database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_only_sqlite_and_psycopg_postgres_are_usable_and_passwords_stay_hidden() -> None:
    check_url("sqlite:////tmp/x.db")
    check_url("postgresql+psycopg://u:secret@db:5432/x")
    with pytest.raises(UnusableURL) as raised:
        check_url("mysql+pymysql://u:secret@db/x")
    assert "secret" not in str(raised.value) and "not mysql+pymysql" in str(raised.value)
    with pytest.raises(UnusableURL, match="is not a database URL"):
        check_url("nonsense")


def test_describe_url_names_the_place_without_the_password(tmp_path: Path) -> None:
    assert (
        describe_url("postgresql+psycopg://u:secret@db:6543/prod") == "PostgreSQL prod on db:6543"
    )
    assert describe_url(f"sqlite:///{tmp_path}/t.db") == f"SQLite file {tmp_path}/t.db"
    assert missing_sqlite_file(f"sqlite:///{tmp_path}/t.db") == tmp_path / "t.db"
    (tmp_path / "t.db").touch()
    assert missing_sqlite_file(f"sqlite:///{tmp_path}/t.db") is None
    assert missing_sqlite_file("sqlite://") is None


def test_a_transaction_is_rolled_back_whole_on_error(engine: Engine) -> None:
    small_program(engine)
    with pytest.raises(RuntimeError), transaction(engine) as session:
        session.get(Cohort, "c1").name = "Renamed"  # type: ignore[union-attr]
        session.flush()
        raise RuntimeError("half way")
    with transaction(engine) as session:
        assert session.get(Cohort, "c1").name == "Executive Pairings 2026"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(Cohort)) == 1

"""components.ui.cache outside a page run: keyed by database, data version and arguments."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import Engine, create_engine, text

from components.ui.cache import cached_query
from tandem.access.filters import Filters
from tandem.access.scope import Scope
from tandem.program.db import is_sqlite
from tandem.program.models import Person
from tests.data_versions import record_versions

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    CALLS.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@cached_query
def people(engine: Engine, division: str, _note: str = "") -> pd.DataFrame:
    CALLS.append(division)
    with engine.connect() as connection:
        return pd.read_sql(
            text("SELECT person_id FROM people WHERE division = :d ORDER BY person_id"),
            connection,
            params={"d": division},
        )


@cached_query(shared=True)
def shared_people(engine: Engine, division: str) -> pd.DataFrame:
    return people(engine, division)


def add(engine: Engine, person_id: str, division: str = "Risk") -> None:
    with engine.begin() as connection:
        connection.execute(
            Person.__table__.insert().values(
                person_id=person_id,
                name=person_id,
                level=3,
                division=division,
                geography="London",
                max_mentees=2,
            )
        )


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["person_id"])


def test_unchanged_data_is_served_from_cache(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    add(engine, "a")
    versions = record_versions(monkeypatch)
    for _ in range(3):
        assert ids(people(engine, "Risk")) == ["a"]
    # Once per data version (tests/data_versions.py); on SQLite that is once.
    assert ["Risk"] * len(set(versions)) == CALLS
    if is_sqlite(engine):
        assert CALLS == ["Risk"]


def test_arguments_key_the_result_except_underscored_ones(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    add(engine, "a")
    add(engine, "b", "Wealth")
    versions = record_versions(monkeypatch)
    asked = ["Risk", "Risk", "Wealth"]
    assert ids(people(engine, "Risk", _note="first")) == ["a"]
    assert ids(people(engine, "Risk", _note="second")) == ["a"]
    assert ids(people(engine, division="Wealth")) == ["b"]
    keys = set(zip(asked, versions, strict=True))
    assert sorted(CALLS) == sorted(division for division, _ in keys)
    if is_sqlite(engine):
        assert CALLS == ["Risk", "Wealth"]


def test_a_write_elsewhere_is_seen_by_the_next_call(engine: Engine, db_url: str) -> None:
    add(engine, "a")
    assert ids(people(engine, "Risk")) == ["a"]
    other = create_engine(db_url)
    try:
        add(other, "b")
    finally:
        other.dispose()
    assert ids(people(engine, "Risk")) == ["a", "b"]
    assert CALLS == ["Risk", "Risk"]


def test_results_are_copies_unless_shared(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    add(engine, "a")
    first = people(engine, "Risk")
    first.loc[0, "person_id"] = "changed by a caller"
    assert ids(people(engine, "Risk")) == ["a"]
    versions = record_versions(monkeypatch)
    one, two = shared_people(engine, "Risk"), shared_people(engine, "Risk")
    assert (one is two) == (versions[0] == versions[1])
    if is_sqlite(engine):
        assert one is two


@cached_query
def by_filters(engine: Engine, filters: Filters) -> int:
    CALLS.append(",".join(filters.divisions))
    return len(filters.divisions)


def test_filters_key_by_value_and_any_difference_misses(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    versions = record_versions(monkeypatch)
    risk = Filters(scope=Scope(cohorts=("c1",)), divisions=("Risk",))
    same = Filters(scope=Scope(cohorts=("c1",)), divisions=("Risk",))
    other_scope = Filters(scope=Scope(cohorts=("c2",)), divisions=("Risk",))
    for filters in (risk, same, other_scope, same):
        assert by_filters(engine, filters) == 1
    if is_sqlite(engine):  # one data version: only the scope made a second call
        assert len(set(versions)) == 1 and CALLS == ["Risk", "Risk"]

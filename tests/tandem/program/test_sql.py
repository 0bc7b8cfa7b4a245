"""SQL spelled the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from tandem.program.models import CheckIn
from tandem.program.sql import month, read_frame
from tests.factories import small_program


def test_month_of_a_date_and_read_frame_on_each_backend(engine: Engine) -> None:
    small_program(engine)
    statement = select(
        CheckIn.checkin_id, month(CheckIn.__table__.c.date).label("month"), CheckIn.date
    ).order_by(CheckIn.checkin_id)
    frame = read_frame(engine, statement)
    assert list(frame.columns) == ["checkin_id", "month", "date"]
    assert len(frame) > 0
    assert frame["month"].tolist() == [d.strftime("%Y-%m") for d in frame["date"]]
    with engine.connect() as connection:  # the caller's connection works too
        assert read_frame(connection, statement).equals(frame)


def test_read_frame_builds_the_frame_pandas_builds_from_the_rows(engine: Engine) -> None:
    """Column by column (for speed), with the same columns, types and values; a name
    asked for twice stays twice, and no rows still name the columns."""
    small_program(engine)
    table = CheckIn.__table__
    statements = [
        select(table.c.checkin_id, table.c.date, table.c.clarity, table.c.safety),
        select(table.c.checkin_id, table.c.checkin_id),  # one name twice
        select(table.c.checkin_id).where(table.c.checkin_id == "none such"),  # no rows
    ]
    for statement in statements:
        statement = statement.order_by(table.c.checkin_id)
        frame = read_frame(engine, statement)
        with engine.connect() as connection:
            result = connection.execute(statement)
            expected = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        assert frame.equals(expected) and list(frame.dtypes) == list(expected.dtypes)

"""SQL spelled the same on SQLite and PostgreSQL."""

from __future__ import annotations

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

"""The hard rules a write reads again in its own transaction (``tandem.matching.write_checks``)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tandem.matching.write_checks import existing_pair_status, in_one_reporting_line, mentor_load


def test_load_counts_active_paused_and_proposed_pairings(small: Engine) -> None:
    with Session(small) as session:
        assert mentor_load(session, "m1") == 2  # active and paused; the ended one is free
        assert mentor_load(session, "m2") == 1  # proposed; the completed one is free
        assert mentor_load(session, "boss") == 0


def test_reporting_line_either_way_and_any_depth(small: Engine) -> None:
    with Session(small) as session:
        assert in_one_reporting_line(session, "boss", "ic")  # two levels up
        assert in_one_reporting_line(session, "ic", "lead")  # the mentee manages the mentor
        assert not in_one_reporting_line(session, "m1", "ic")


def test_a_pair_that_exists_in_any_state_is_found(small: Engine) -> None:
    with Session(small) as session:
        assert existing_pair_status(session, "m1", "lead") == "active"
        assert existing_pair_status(session, "m2", "ic") == "completed"
        assert existing_pair_status(session, "m1", "ic") == "ended"
        assert existing_pair_status(session, "lead", "m1") is None  # the other direction

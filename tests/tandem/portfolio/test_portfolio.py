"""The portfolio query: derived columns, paging, sorting, export."""

from __future__ import annotations

import pandas as pd

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio.portfolio import portfolio_export, portfolio_page
from tandem.program.bulk import upsert
from tandem.program.derived_tables import PairingHealth
from tandem.program.downloads import csv_bytes
from tests.factories import TODAY, grid_program, small_program


def test_rows_carry_meetings_milestones_and_ratings(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    page = portfolio_page(engine, Filters(scope=EVERYTHING), today=TODAY, sort="mentor")
    first = page.rows.set_index("pairing_id").loc["x1"]
    assert first["mentor"] == "Zoë Ångström"
    assert first["meetings"] == 4
    assert first["meetings_expected"] == (TODAY - first["start_date"]).days // 30
    assert first["milestones"] == 2 and first["milestones_done"] == 1
    assert first["milestone_progress"] == 0.5
    # Latest check-in (i=3): clarity 4, confidence 3, influence 3, safety 4.
    assert first["latest_rating"] == 3.5
    second = page.rows.set_index("pairing_id").loc["x2"]
    assert second["meetings"] == 0 and pd.isna(second["latest_rating"])
    assert pd.isna(second["health"])


def test_paging_and_sorting_cover_every_row_once(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    seen: list[str] = []
    for offset in range(0, 40, 7):
        page = portfolio_page(
            engine, Filters(scope=EVERYTHING), today=TODAY, sort="mentee", limit=7, offset=offset
        )
        assert page.total == len(rows["pairings"])
        seen.extend(page.rows["pairing_id"])
    assert sorted(seen) == sorted(p["pairing_id"] for p in rows["pairings"])
    names = portfolio_page(
        engine, Filters(scope=EVERYTHING), today=TODAY, sort="mentee", limit=100
    ).rows["mentee"]
    assert list(names) == sorted(names)


def test_uncomputed_health_sorts_last_both_ways(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    with engine.begin() as connection:
        upsert(
            connection,
            PairingHealth.__table__,  # type: ignore[arg-type]
            [
                {
                    "pairing_id": "x2",
                    "health": 40.0,
                    "stalled": True,
                    "at_risk": True,
                    "reasons": "no check-in yet",
                    "as_of": TODAY,
                }
            ],
        )
    for descending in (False, True):
        page = portfolio_page(
            engine, Filters(scope=EVERYTHING), today=TODAY, sort="health", descending=descending
        )
        assert list(page.rows["pairing_id"]) == ["x2", "x1"]


def test_export_streams_every_row_formula_safe(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE pairings SET objective = '=HYPERLINK(\"http://x\")' WHERE pairing_id = 'x2'"
        )
    frames = list(portfolio_export(engine, Filters(scope=EVERYTHING), today=TODAY))
    assert sum(len(f) for f in frames) == 2
    text = csv_bytes(frames).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text

"""Outcome combinations against an independent computation in plain Python.

Every test runs twice: grouping the pairings live, and grouping the refresh's stored
``outcome_cells`` (the program's views select whole cohorts, so they read them).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import pytest
from sqlalchemy import event

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio.outcomes import (
    DIMENSIONS,
    PROGRAM,
    breakdowns,
    drill_down,
    outcomes_by,
    program_line,
    program_outcomes,
    refresh_outcome_cells,
)
from tandem.portfolio.pairing_stats import refresh_pairing_stats
from tandem.portfolio.portfolio import portfolio_page
from tandem.program.milestones import DONE_STATUSES, milestone_status
from tests import factories
from tests.factories import TODAY

STORED = "stored cells"


@pytest.fixture(autouse=True, params=["pairings", STORED])
def source(request: pytest.FixtureRequest) -> str:
    """Which rows the breakdowns group: ``grid_program`` stores the cells in one mode."""
    return str(request.param)


@pytest.fixture
def grid_program(source: str):  # type: ignore[no-untyped-def]
    def build(engine):  # type: ignore[no-untyped-def]
        rows = factories.grid_program(engine)
        if source == STORED:
            with engine.begin() as connection:
                refresh_pairing_stats(connection, TODAY)
                assert refresh_outcome_cells(connection, TODAY) > 0
        return rows

    return build


RATINGS = ("clarity", "confidence", "influence", "safety")


def expected_groups(rows, key_of):  # type: ignore[no-untyped-def]
    people = {p["person_id"]: p for p in rows["people"]}
    cohorts = {c["cohort_id"]: c["name"] for c in rows["cohorts"]}
    milestones = defaultdict(list)
    for m in rows["milestones"]:
        milestones[m["pairing_id"]].append(m)
    checkins = defaultdict(list)
    for k in rows["checkins"]:
        checkins[k["pairing_id"]].append(k)
    groups = defaultdict(
        lambda: {"n": 0, "done": 0, "due": 0, "gains": [], "active": 0, "n_due": 0}
    )
    for p in rows["pairings"]:
        mentor, mentee = people[p["mentor_id"]], people[p["mentee_id"]]
        context = {
            "mentor_division": mentor["division"],
            "mentee_division": mentee["division"],
            "level_gap": mentor["level"] - mentee["level"],
            "geography_match": "same"
            if mentor["geography"] == mentee["geography"]
            else "different",
            "kind": p["kind"],
            "cohort": cohorts.get(p["cohort_id"], "(no cohort)"),
        }
        group = groups[key_of(context)]
        group["n"] += 1
        done = due = 0
        for m in milestones[p["pairing_id"]]:
            status = milestone_status(m["due_date"], m["completed_date"], m["status"], TODAY)
            is_done = status in DONE_STATUSES
            done += is_done
            due += is_done or m["due_date"] <= TODAY
        group["done"] += done
        group["due"] += due
        group["n_due"] += due > 0
        means = []
        for k in sorted(checkins[p["pairing_id"]], key=lambda k: (k["date"], k["checkin_id"])):
            given = [k[r] for r in RATINGS if k[r] is not None]
            if given:
                means.append(sum(given) / len(given))
        if len(means) >= 2:
            group["gains"].append(means[-1] - means[0])
        group["active"] += p["status"] == "active"
    return groups


@pytest.mark.parametrize("dimension", sorted(DIMENSIONS))
def test_outcomes_match_independent_computation(engine, grid_program, dimension: str) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    columns = DIMENSIONS[dimension].columns
    threshold = 3
    frame = outcomes_by(
        engine, Filters(scope=EVERYTHING), dimension, threshold=threshold, today=TODAY
    )
    expected = expected_groups(rows, lambda c: tuple(c[name] for name in columns))
    assert len(frame) == len(expected)
    for _, row in frame.iterrows():
        group = expected[tuple(row[name] for name in columns)]
        if group["n"] < threshold:
            assert row["suppressed"]
            assert all(math.isnan(row[c]) for c in ("n", "completion_rate", "rating_gain"))
            continue
        assert not row["suppressed"]
        assert row["n"] == group["n"]
        assert row["active_share"] == pytest.approx(group["active"] / group["n"])
        if group["n_due"] >= threshold and group["due"]:
            assert row["completion_rate"] == pytest.approx(group["done"] / group["due"])
        else:
            assert math.isnan(row["completion_rate"])
        if len(group["gains"]) >= threshold:
            assert row["rating_gain"] == pytest.approx(sum(group["gains"]) / len(group["gains"]))
        else:
            assert math.isnan(row["rating_gain"])


def test_no_cell_below_the_threshold_carries_a_number(engine, grid_program) -> None:  # type: ignore[no-untyped-def]
    grid_program(engine)
    for dimension in DIMENSIONS:
        frame = outcomes_by(engine, Filters(scope=EVERYTHING), dimension, threshold=8, today=TODAY)
        small = frame[frame["suppressed"]]
        assert small[["n", "completion_rate", "rating_gain", "active_share"]].isna().all().all()


def test_clicking_a_cell_narrows_the_portfolio_to_that_cell(engine, grid_program) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    frame = outcomes_by(
        engine, Filters(scope=EVERYTHING), "division_pair", threshold=1, today=TODAY
    )
    for _, cell in frame.iterrows():
        narrowed = drill_down(
            Filters(scope=EVERYTHING),
            "division_pair",
            {
                "mentor_division": cell["mentor_division"],
                "mentee_division": cell["mentee_division"],
            },
        )
        assert portfolio_page(engine, narrowed, today=TODAY).total == cell["n"]
    gaps = outcomes_by(engine, Filters(scope=EVERYTHING), "level_gap", threshold=1, today=TODAY)
    for _, cell in gaps.iterrows():
        narrowed = drill_down(
            Filters(scope=EVERYTHING), "level_gap", {"level_gap": cell["level_gap"]}
        )
        assert portfolio_page(engine, narrowed, today=TODAY).total == cell["n"]
    assert sum(gaps["n"]) == len(rows["pairings"])


@pytest.mark.parametrize("dimension", ["kind", "level_gap", "cohort", "mentor_division"])
def test_a_mostly_suppressed_breakdown_pools_its_small_groups(
    engine, grid_program, dimension: str
) -> None:  # type: ignore[no-untyped-def]
    """#15: when most groups are under the threshold, they become one row ("Other
    kinds") computed over their pairings together; the groups on show are unchanged
    and no suppressed group appears on its own."""
    rows = grid_program(engine)
    spec = DIMENSIONS[dimension]
    column = spec.columns[0]
    expected = expected_groups(rows, lambda c: c[column])
    sizes = sorted(group["n"] for group in expected.values())
    # A threshold that leaves the largest group on show and most of the rest under it.
    candidates = [t for t in range(2, sizes[-1] + 1) if sum(n < t for n in sizes) * 2 > len(sizes)]
    candidates = [t for t in candidates if sum(n < t for n in sizes) < len(sizes)]
    if not candidates:
        pytest.skip(f"no threshold pools {dimension} in this program")
    threshold = candidates[0]
    frame = outcomes_by(
        engine, Filters(scope=EVERYTHING), dimension, threshold=threshold, today=TODAY
    )
    small = {key for key, group in expected.items() if group["n"] < threshold}
    pooled = frame[frame["pooled"]]
    assert len(pooled) == 1 and pooled.iloc[-1][column] == spec.pooled
    assert frame.iloc[-1]["pooled"], "the pool comes last"
    assert int(pooled["groups"].iloc[0]) == len(small) >= 2
    together = sum(expected[key]["n"] for key in small)
    if together >= threshold:
        assert pooled["n"].iloc[0] == together
        active = sum(expected[key]["active"] for key in small)
        assert pooled["active_share"].iloc[0] == pytest.approx(active / together)
    else:
        assert pooled["suppressed"].iloc[0] and math.isnan(pooled["n"].iloc[0])
    on_show = frame[~frame["pooled"]]
    assert {str(v) for v in on_show[column]} == {str(k) for k in expected if k not in small}
    assert not on_show["suppressed"].any()
    for _, row in on_show.iterrows():
        assert row["n"] == expected[row[column]]["n"]
    # A click on the pool narrows nothing: it is no one value of the filter.
    point = {column: spec.pooled}
    assert drill_down(Filters(scope=EVERYTHING), dimension, point) == Filters(scope=EVERYTHING)


def test_a_breakdown_with_every_group_too_small_is_not_pooled(engine, grid_program) -> None:  # type: ignore[no-untyped-def]
    grid_program(engine)
    frame = outcomes_by(engine, Filters(scope=EVERYTHING), "kind", threshold=10_000, today=TODAY)
    assert frame["suppressed"].all() and not frame["pooled"].any()


def test_every_breakdown_and_the_program_line_come_from_one_statement(
    engine, grid_program, source
) -> None:  # type: ignore[no-untyped-def]
    """The page's seven breakdowns gather the pairings once, in the database (or, for
    whole cohorts with the cells stored, read the cells once and no pairing)."""
    grid_program(engine)
    filters = Filters(scope=EVERYTHING)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        every = breakdowns(engine, filters, threshold=3, today=TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    reads = [s for s in statements if "per_pairing" in s]
    if source == STORED:
        assert not reads
        assert len([s for s in statements if "FROM outcome_cells" in s]) == 1
    else:
        assert len(reads) == 1 and "MATERIALIZED" in reads[0]
    assert set(every) == {*DIMENSIONS, PROGRAM}
    for dimension in DIMENSIONS:
        alone = outcomes_by(engine, filters, dimension, threshold=3, today=TODAY)
        assert every[dimension].equals(alone), dimension
    assert program_line(every) == program_outcomes(engine, filters, threshold=3, today=TODAY)
    assert every[PROGRAM]["n"].tolist() == [portfolio_page(engine, filters, today=TODAY).total]


def test_the_stored_cells_serve_only_whole_cohorts_on_their_day(engine) -> None:  # type: ignore[no-untyped-def]
    """A view within cohorts (a kind, a division) groups the pairings, and so does any
    view on a day the cells were not computed for (milestones due by then differ)."""
    from sqlalchemy import update

    from tandem.program.derived_tables import OutcomeCells

    factories.grid_program(engine)
    with engine.begin() as connection:
        refresh_pairing_stats(connection, TODAY)
        refresh_outcome_cells(connection, TODAY)
    whole = Filters(scope=EVERYTHING)
    within = Filters(scope=EVERYTHING, kinds=("traditional",))
    before = {
        "whole": program_outcomes(engine, whole, threshold=3, today=TODAY),
        "within": program_outcomes(engine, within, threshold=3, today=TODAY),
    }
    with engine.begin() as connection:  # altered on purpose: who reads them shows
        connection.execute(update(OutcomeCells).values(active=0))
    assert program_outcomes(engine, whole, threshold=3, today=TODAY)["active_share"] == 0
    assert program_outcomes(engine, within, threshold=3, today=TODAY) == before["within"]
    next_day = program_outcomes(engine, whole, threshold=3, today=TODAY + dt.timedelta(days=1))
    assert next_day["active_share"] == pytest.approx(before["whole"]["active_share"])

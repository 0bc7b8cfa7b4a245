"""The shared filter state: URL round trip, tolerance of bad links, SQL meaning."""

from __future__ import annotations

import datetime as dt

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio.portfolio import portfolio_page
from tests.factories import TODAY, grid_program, small_program


def test_url_round_trip_reproduces_the_state() -> None:
    state = Filters(
        scope=EVERYTHING,
        cohorts=("c1", "c 2"),
        program_types=("executive",),
        kinds=("reverse", "peer"),
        statuses=("active",),
        divisions=("Wealth & Asset",),
        geographies=("Côte d'Ivoire",),
        level_bands=("6-8",),
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 3, 31),
        level_gaps=("-2",),
    )
    assert Filters.from_query_params(state.to_query_params(), EVERYTHING) == state
    assert Filters.from_query_params({}, EVERYTHING) == Filters(scope=EVERYTHING)
    assert Filters(scope=EVERYTHING).to_query_params() == {}


def test_bad_links_are_tolerated_and_reported() -> None:
    parsed = Filters.from_query_params(
        {
            "kind": ["reverse", "nonsense"],
            "status": "active",
            "from": "2026-02-30",
            "level": ["9-10"],
            "cohort": ["x" * 500, "ok"],
        },
        EVERYTHING,
    )
    assert parsed.kinds == ("reverse",)
    assert parsed.statuses == ("active",)
    assert parsed.date_from is None
    assert parsed.level_bands == ()
    assert parsed.cohorts == ("ok",)
    assert len(parsed.ignored) == 4


def test_reversed_dates_are_swapped() -> None:
    parsed = Filters.from_query_params({"from": "2026-05-01", "to": "2026-01-01"}, EVERYTHING)
    assert parsed.date_from == dt.date(2026, 1, 1)
    assert parsed.date_to == dt.date(2026, 5, 1)


def test_clause_selects_the_expected_pairings(engine) -> None:  # type: ignore[no-untyped-def]
    rows = grid_program(engine)
    people = {p["person_id"]: p for p in rows["people"]}

    def expected(predicate) -> int:  # type: ignore[no-untyped-def]
        return sum(
            1
            for p in rows["pairings"]
            if predicate(p, people[p["mentor_id"]], people[p["mentee_id"]])
        )

    def total(filters: Filters) -> int:
        return portfolio_page(engine, filters, today=TODAY).total

    assert total(Filters(scope=EVERYTHING)) == len(rows["pairings"])
    assert total(Filters(scope=EVERYTHING, divisions=("Wealth",))) == expected(
        lambda p, a, b: "Wealth" in (a["division"], b["division"])
    )
    assert total(Filters(scope=EVERYTHING, level_bands=("6-8",))) == expected(
        lambda p, a, b: a["level"] >= 6 or b["level"] >= 6
    )
    assert total(Filters(scope=EVERYTHING, kinds=("reverse",), statuses=("active",))) == expected(
        lambda p, a, b: p["kind"] == "reverse" and p["status"] == "active"
    )
    assert total(Filters(scope=EVERYTHING, cohorts=("gc0",))) == expected(
        lambda p, a, b: p["cohort_id"] == "gc0"
    )
    assert total(Filters(scope=EVERYTHING, program_types=("executive",))) == expected(
        lambda p, a, b: p["cohort_id"] is not None
    )
    cutoff = dt.date(2025, 9, 1)
    assert total(Filters(scope=EVERYTHING, date_to=cutoff)) == expected(
        lambda p, a, b: p["start_date"] <= cutoff
    )
    assert total(Filters(scope=EVERYTHING, geography_match=("same",))) == expected(
        lambda p, a, b: a["geography"] == b["geography"]
    )


def test_search_is_literal_and_case_insensitive(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    assert portfolio_page(engine, Filters(scope=EVERYTHING), search="ZOË").total == 1
    assert portfolio_page(engine, Filters(scope=EVERYTHING), search="smith, alex").total == 1
    assert portfolio_page(engine, Filters(scope=EVERYTHING), search="%").total == 0
    assert portfolio_page(engine, Filters(scope=EVERYTHING), search="_").total == 0
    assert portfolio_page(engine, Filters(scope=EVERYTHING), search="Executive Pairings").total == 2


KNOWN = {
    "cohorts": ["c1", "c2"],
    "divisions": ["Wealth", "Risk"],
    "geographies": ["London"],
}


def test_values_the_data_does_not_hold_are_ignored_and_listed() -> None:
    parsed = Filters.from_query_params(
        {
            "cohort": ["c1", "nope"],
            "division": ["Risk", "Gone"],
            "geo": "Atlantis",
            "mdiv": "Wealth",
            "ediv": "Nowhere",
            "kind": "bogus",
        },
        EVERYTHING,
    ).keep_known(KNOWN)
    assert parsed.cohorts == ("c1",)
    assert parsed.divisions == ("Risk",)
    assert parsed.geographies == ()
    assert parsed.mentor_divisions == ("Wealth",)
    assert parsed.mentee_divisions == ()
    assert sorted(parsed.ignored) == sorted(
        ["kind=bogus", "cohort=nope", "division=Gone", "geo=Atlantis", "ediv=Nowhere"]
    )


def test_known_values_pass_untouched_and_unlisted_dimensions_are_kept() -> None:
    state = Filters(scope=EVERYTHING, cohorts=("c2",), divisions=("Wealth",))
    assert state.keep_known(KNOWN) is state
    assert state.keep_known({"divisions": ["Wealth"]}).cohorts == ("c2",)
    # Nothing in the data (an empty program): every named value is ignored.
    emptied = state.keep_known({"cohorts": [], "divisions": []})
    assert (emptied.cohorts, emptied.divisions) == ((), ())
    assert set(emptied.ignored) == {"cohort=c2", "division=Wealth"}


def test_a_cohort_clause_only_for_filters_that_select_whole_cohorts() -> None:
    from tandem.access.scope import Scope
    from tandem.program.derived_tables import MilestoneMonths

    column = MilestoneMonths.cohort_id
    for whole in (
        Filters(scope=EVERYTHING),
        Filters(scope=EVERYTHING, cohorts=("c1",), program_types=("executive",)),
        Filters(scope=Scope(cohorts=("c1",))),
    ):
        assert whole.cohort_clause(column) is not None
    for within in (
        Filters(scope=EVERYTHING, kinds=("reverse",)),
        Filters(scope=EVERYTHING, statuses=("active",)),
        Filters(scope=EVERYTHING, divisions=("Wealth",)),
        Filters(scope=EVERYTHING, date_from=TODAY),
        Filters(scope=EVERYTHING, cohorts=("c1",), level_gaps=("2",)),
    ):
        assert within.cohort_clause(column) is None

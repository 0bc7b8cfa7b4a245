"""The viewer's scope, decided once in the core: reads filter by it, writes refuse outside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tandem.access import EVERYTHING, OutOfScope, Scope, Viewer
from tandem.access.filters import Filters
from tandem.health import FlagError, raise_flag, update_flag
from tandem.matching import set_excluded, set_pinned
from tandem.portfolio.overview import pairings_by_cohort, program_totals
from tandem.portfolio.pairing_detail import (
    pairing_checkins,
    pairing_feedback,
    pairing_flags,
    pairing_story,
    private_note_count,
)
from tandem.portfolio.portfolio import filter_options, portfolio_page
from tandem.program.bundle import import_bundle
from tandem.program.models import Flag
from tandem.themes.store import UnknownThemeError, code_note
from tests.leaky_program import (
    ALPHA_PAIRINGS,
    BRAVO_PAIRINGS,
    PRIVATE_MARK,
    PROGRAM_MARK,
    TODAY,
    write_bundle,
)

ALPHA = Scope(cohorts=("c-alpha",))


@pytest.fixture
def program(engine: Engine, tmp_path: Path) -> Engine:
    import_bundle(engine, write_bundle(tmp_path / "bundle"), actor="test")
    return engine


def test_scope_rules() -> None:
    assert not EVERYTHING.limited and EVERYTHING.allows(None) and EVERYTHING.allows("x")
    assert ALPHA.allows("c-alpha") and not ALPHA.allows("c-bravo") and not ALPHA.allows(None)
    assert ALPHA.narrow(()) == ("c-alpha",)
    assert ALPHA.narrow(("c-bravo",)) != ("c-bravo",)  # never widened: matches nothing
    assert ALPHA.narrow(("c-alpha", "c-bravo")) == ("c-alpha",)
    assert Viewer("lead", cohorts=("c-alpha",)).scope == ALPHA
    # Cohorts limit leads only; presenting travels with the scope.
    assert Viewer("sponsor", cohorts=("c-alpha",)).scope == EVERYTHING
    assert Viewer("admin", presenting=True).scope == Scope(presenting=True)


def test_filters_cannot_be_made_without_a_scope() -> None:
    with pytest.raises(TypeError):
        Filters()  # type: ignore[call-arg]
    assert Filters(scope=EVERYTHING).is_empty
    assert not Filters(scope=ALPHA).is_empty and Filters(scope=ALPHA).nothing_chosen


def test_reads_with_filters_keep_to_the_scope(program: Engine) -> None:
    everything = portfolio_page(program, Filters(scope=EVERYTHING), today=TODAY, limit=100)
    assert set(everything.rows["pairing_id"]) == {*ALPHA_PAIRINGS, *BRAVO_PAIRINGS}
    # Even when the filters ask for the other cohort by name, the scope wins.
    asked = Filters(scope=ALPHA, cohorts=("c-bravo",))
    assert portfolio_page(program, asked, today=TODAY).total == 0
    mine = portfolio_page(program, Filters(scope=ALPHA), today=TODAY, limit=100)
    assert set(mine.rows["pairing_id"]) == set(ALPHA_PAIRINGS)
    assert [c for c, _ in filter_options(program, ALPHA)["cohorts"]] == ["c-alpha"]


def test_overview_counts_only_the_scope(program: Engine) -> None:
    every = program_totals(program, EVERYTHING, today=TODAY)
    mine = program_totals(program, ALPHA, today=TODAY)
    assert (every.pairings, every.cohorts, every.people) == (5, 2, 10)
    assert (mine.pairings, mine.cohorts, mine.people) == (3, 1, 6)
    assert mine.feedback_notes == 3 * 4 and every.feedback_notes == 5 * 4
    assert [row[0] for row in pairings_by_cohort(program, Filters(scope=ALPHA))] == ["Alpha Cohort"]


def test_a_pairing_outside_the_scope_tells_no_story(program: Engine) -> None:
    assert pairing_story(program, "pr-alpha-1", ALPHA) is not None
    assert pairing_story(program, "no-such-pairing", ALPHA) is None
    for read in (
        lambda: pairing_story(program, "pr-bravo-1", ALPHA),
        lambda: pairing_checkins(program, "pr-bravo-1", ALPHA),
        lambda: pairing_feedback(program, "pr-bravo-1", ALPHA),
        lambda: pairing_flags(program, "pr-bravo-1", ALPHA),
        lambda: private_note_count(program, "pr-bravo-1", ALPHA),
    ):
        with pytest.raises(OutOfScope, match="not in your cohorts"):
            read()


def test_private_text_reaches_nobody_and_a_room_gets_shareable_notes_redacted(
    program: Engine,
) -> None:
    for scope in (EVERYTHING, ALPHA):
        notes = pairing_feedback(program, "pr-alpha-1", scope)
        assert "private" not in set(notes["visibility"])
        assert not notes["text"].str.contains(PRIVATE_MARK).any()
        assert notes["text"].str.contains(PROGRAM_MARK).any()
        assert private_note_count(program, "pr-alpha-1", scope) == 1
    room = pairing_feedback(program, "pr-alpha-1", Scope(presenting=True))
    assert set(room["visibility"]) == {"shareable"}
    text = " ".join(room["text"])
    assert "Grace May" not in text and "Will's" not in text and "[name]" in text


def test_writes_refuse_a_pairing_outside_the_scope(program: Engine) -> None:
    with pytest.raises(FlagError, match="not in your cohorts"):
        raise_flag(program, ALPHA, "pr-bravo-1", "no_contact", None, "alpha@example.com")
    flag = raise_flag(program, ALPHA, "pr-alpha-1", "no_contact", None, "alpha@example.com")
    assert flag.pairing_id == "pr-alpha-1"
    with pytest.raises(FlagError, match="not in your cohorts"):
        update_flag(
            program, ALPHA, "pr-bravo-1-flag", expected_version=1, actor="a", status="resolved"
        )
    with pytest.raises(OutOfScope):
        set_pinned(program, ALPHA, "pr-bravo-1", "alpha@example.com")
    with pytest.raises(OutOfScope):
        set_excluded(program, ALPHA, "pr-bravo-2", "alpha@example.com")
    set_pinned(program, ALPHA, "pr-alpha-2", "alpha@example.com")
    with pytest.raises(OutOfScope):
        code_note(program, ALPHA, "pr-bravo-1-f0", "Delegation", "alpha@example.com")
    with pytest.raises(UnknownThemeError):  # nobody codes a note they may not read
        code_note(program, EVERYTHING, "pr-alpha-1-f2", "Delegation", "admin@example.com")
    with program.connect() as connection:
        bravo_flags = connection.execute(
            select(func.count()).select_from(Flag).where(Flag.pairing_id == "pr-bravo-1")
        ).scalar_one()
    assert bravo_flags == 1  # only the imported one

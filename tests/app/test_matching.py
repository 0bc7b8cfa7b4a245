"""The Matching page: roles, proposals with their breakdown, approve and withdraw, presenter."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from tandem.matching import load_people
from tandem.program.bundle import import_bundle
from tandem.program.db import get_engine, is_sqlite
from tandem.program.models import AuditEntry, Pairing
from tests.app.conftest import open_as, shown_text

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
PAGE = "pages/matching.py"


@pytest.fixture
def sample_db(app_database) -> str:  # type: ignore[no-untyped-def]
    return app_database(lambda engine: import_bundle(engine, SAMPLE_BUNDLE))  # type: ignore[no-any-return]


def open_exec(role: str, present: bool = False) -> AppTest:
    at = open_as(PAGE, role, present=present, timeout=90)
    at.selectbox(key="match_cohort").set_value("c-exec-2025").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def proposals(at: AppTest) -> list[dict[str, object]]:
    (frame,) = [f.value for f in at.dataframe if "Runner-up" in f.value.columns]
    return frame.to_dict("records")  # type: ignore[no-any-return]


def test_a_sponsor_cannot_open_the_page(sample_db: str) -> None:
    at = open_as(PAGE, "sponsor")
    assert any("not open to the sponsor role" in e.value for e in at.error)
    assert not at.dataframe


def test_lead_sees_the_proposal_with_its_breakdown_and_approves_then_withdraws(
    sample_db: str,
) -> None:
    at = open_exec("lead")
    rows = proposals(at)
    assert [(r["Mentee"], r["Mentor"]) for r in rows] == [("Mei Lin Chen", "Kwame Mensah")]
    assert rows[0]["Score"] == 61 and rows[0]["Runner-up"] == "Zoë Ångström (46)"
    parts = list(rows[0]["Parts"])  # type: ignore[call-overload]
    assert len(parts) == 5 and all(0 <= v <= 100 for v in parts)
    text = shown_text(at)
    assert "Every waiting mentee has a proposal." in text
    (approve,) = [b for b in at.button if b.label.startswith("Approve")]
    assert approve.label == "Approve 1 proposal"
    approve.click().run()
    assert not at.exception
    engine = get_engine(sample_db)
    with engine.connect() as connection:
        written = connection.execute(
            select(Pairing.pairing_id, Pairing.mentee_id, Pairing.mentor_id, Pairing.status).where(
                Pairing.cohort_id == "c-exec-2025", Pairing.mentee_id == "p020"
            )
        ).all()
        actors = connection.execute(
            select(AuditEntry.actor).where(AuditEntry.action == "match.approve")
        ).all()
    assert [(w.mentee_id, w.mentor_id, w.status) for w in written] == [("p020", "p007", "proposed")]
    assert actors == [("demo lead",)]
    assert any("1 proposed pairing written" in s.value for s in at.success)
    assert not [f for f in at.dataframe if "Runner-up" in f.value.columns]  # nobody waits now
    (withdraw,) = [b for b in at.button if b.label == "Withdraw"]
    withdraw.click().run()
    with engine.connect() as connection:
        left = connection.execute(
            select(Pairing.pairing_id).where(Pairing.pairing_id == written[0].pairing_id)
        ).all()
    assert left == []
    assert [(r["Mentee"], r["Mentor"]) for r in proposals(at)] == [("Mei Lin Chen", "Kwame Mensah")]


def test_forbidding_the_pair_solves_again(sample_db: str) -> None:
    at = open_exec("admin")
    at.selectbox(key="match_pin_mentee").set_value("p020").run()
    at.selectbox(key="match_pin_mentor").set_value("p007").run()
    (forbid,) = [b for b in at.button if b.label == "Forbid"]
    forbid.click().run()
    rows = proposals(at)
    assert [(r["Mentee"], r["Mentor"]) for r in rows] == [("Mei Lin Chen", "Zoë Ångström")]
    assert "Forbidden: Mei Lin Chen with Kwame Mensah" in shown_text(at)


def test_presenter_mode_is_read_only_and_pseudonymous(sample_db: str) -> None:
    at = open_exec("lead", present=True)
    rows = proposals(at)
    assert rows and rows[0]["Mentee"] != "Mei Lin Chen"
    assert "Mei Lin Chen" not in shown_text(at)
    assert not [b for b in at.button if b.label.startswith(("Approve", "Pin", "Forbid"))]
    assert all(s.disabled for s in at.slider)


def test_the_page_encodes_everyone_once_per_data_version(
    sample_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Matching the cohort, matching it under the learned weights and learning them
    each read everyone; at 50,000 pairings encoding them took a second each time.

    Counted against the data versions the page asked under, not against runs: on
    PostgreSQL the version is the server's, so another test's write to another
    database between two runs is a new version, and encoding again is right then."""
    import components.matching.cohort as section
    from components.ui.cache import run_data_version

    encoded: list[int] = []
    versions: set[str] = set()
    asked = section._everyone

    def counting(engine):  # type: ignore[no-untyped-def]
        people = load_people(engine)
        encoded.append(len(people))
        return people

    def asking(engine):  # type: ignore[no-untyped-def]
        # The run's memoized version: the one the cache keys this call by.
        versions.add(run_data_version(engine))
        return asked(engine)

    monkeypatch.setattr(section, "load_people", counting)
    monkeypatch.setattr(section, "_everyone", asking)
    at = open_exec("lead")
    assert encoded and len(encoded) == len(versions)
    at.run()
    assert len(encoded) == len(versions)  # nothing written here: no new encoding
    before = len(encoded)
    (approve,) = [b for b in at.button if b.label.startswith("Approve")]
    approve.click().run()
    assert not at.exception
    assert len(encoded) > before and len(encoded) == len(versions)  # a write: read again
    if is_sqlite(get_engine(sample_db)):  # only this test writes to its file
        assert len(encoded) == 2

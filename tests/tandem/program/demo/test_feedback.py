"""The demo's feedback notes (``tandem.program.demo.feedback``): about pairings or the
program, from the format's sources, roles and visibilities, never from the future."""

from __future__ import annotations

from collections import Counter

from tandem.program.models import AUTHOR_ROLES, FEEDBACK_SOURCES, VISIBILITIES
from tests.tandem.program.demo.stages import TODAY, rows, staged


def test_notes_refer_to_pairings_or_cohorts_and_are_not_dated_ahead() -> None:
    s = staged()
    notes = rows(s.feedback_table)
    pairings = {p["pairing_id"]: p for p in rows(s.pairing_table)}
    cohorts = {p.cohort_id for p in s.plans}
    assert len({n["feedback_id"] for n in notes}) == len(notes)
    for note in notes:
        assert note["date"] <= TODAY and note["text"]
        if note["pairing_id"] is not None:
            pairing = pairings[note["pairing_id"]]
            assert note["cohort_id"] == pairing["cohort_id"]
            assert note["date"] >= pairing["start_date"]
        else:
            assert note["cohort_id"] in cohorts
    assert any(n["pairing_id"] is None for n in notes)  # program-level notes exist


def test_sources_roles_and_visibility_are_mixed_and_valid() -> None:
    notes = rows(staged().feedback_table)
    sources = Counter(n["source"] for n in notes)
    assert set(sources) <= set(FEEDBACK_SOURCES) and len(sources) >= 4
    assert {n["author_role"] for n in notes} <= set(AUTHOR_ROLES)
    visibility = Counter(n["visibility"] for n in notes)
    assert set(visibility) == set(VISIBILITIES)
    journals = [n for n in notes if n["source"] == "journal"]
    private = sum(n["visibility"] == "private" for n in journals)
    assert private > len(journals) / 2  # journals are mostly private

"""Demo sign-ups: the paired signed up for their cohort; a next cohort waits to be matched."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tandem.program.demo import DemoSummary
from tandem.program.demo.signups import NEXT_START_DAYS, SHARED_ROLE_TYPES

Demo = tuple[DemoSummary, dict[str, list[dict[str, Any]]]]


def test_every_paired_person_signed_up_in_their_role(demo: Demo) -> None:
    _summary, rows = demo
    signed = {(p["cohort_id"], p["person_id"]): p["role"] for p in rows["participants"]}
    types = {c["cohort_id"]: c["program_type"] for c in rows["cohorts"]}
    for pairing in rows["pairings"]:
        cohort = pairing["cohort_id"]
        if cohort is None:
            continue
        for person, role in ((pairing["mentor_id"], "mentor"), (pairing["mentee_id"], "mentee")):
            expected = {"either"} if types[cohort] in SHARED_ROLE_TYPES else {role, "either"}
            assert signed[(cohort, person)] in expected
    starts = {c["cohort_id"]: c["start_date"] for c in rows["cohorts"]}
    paired_cohorts = {p["cohort_id"] for p in rows["pairings"]}
    for p in rows["participants"]:
        if p["cohort_id"] in paired_cohorts:
            assert p["joined_on"] < starts[p["cohort_id"]]


def test_the_next_cohort_has_sign_ups_and_no_pairings_yet(demo: Demo) -> None:
    summary, rows = demo
    start = summary.today + dt.timedelta(days=NEXT_START_DAYS)
    (cohort,) = [c for c in rows["cohorts"] if c["start_date"] == start]
    assert cohort["program_type"] == "executive"
    assert not [p for p in rows["pairings"] if p["cohort_id"] == cohort["cohort_id"]]
    signed = [p for p in rows["participants"] if p["cohort_id"] == cohort["cohort_id"]]
    roles = [p["role"] for p in signed]
    assert roles.count("mentee") >= 12 and roles.count("mentor") >= 6
    levels = {p["person_id"]: p["level"] for p in rows["people"]}
    for p in signed:
        low, high = (2, 5) if p["role"] == "mentee" else (5, 8)
        assert low <= levels[p["person_id"]] <= high
        assert p["joined_on"] < start

"""The demo's check-ins (``tandem.program.demo.checkins``): meetings inside each pairing's
life, rated on the format's scale."""

from __future__ import annotations

from collections import defaultdict

from tandem.program.demo.checkins import RATINGS, SUBMITTERS
from tests.tandem.program.demo.stages import TODAY, rows, staged


def test_meetings_fall_between_a_pairings_start_and_its_end_or_today() -> None:
    s = staged()
    life = {
        p["pairing_id"]: (p["start_date"], p["ended_date"] or TODAY) for p in rows(s.pairing_table)
    }
    checkins = rows(s.checkin_table)
    assert checkins
    for c in checkins:
        start, end = life[c["pairing_id"]]
        assert start <= c["date"] <= end, c


def test_ratings_submitters_and_ids() -> None:
    s = staged()
    checkins = rows(s.checkin_table)
    assert len({c["checkin_id"] for c in checkins}) == len(checkins)
    assert {c["submitted_by"] for c in checkins} <= set(SUBMITTERS)
    for c in checkins:
        for name in (*RATINGS, "mentor_learning"):
            assert c[name] is None or 1 <= c[name] <= 5
    assert any(c["clarity"] is None for c in checkins)  # some meetings go unrated


def test_what_the_feedback_stage_is_told_matches_the_table() -> None:
    s = staged()
    days = defaultdict(list)
    for c in rows(s.checkin_table):
        days[c["pairing_id"]].append(c["date"])
    ci = s.checkins
    assert len(ci.owner) == len(s.checkin_table)
    for i, pairing_id in enumerate(s.pr.ids):
        if days[pairing_id]:
            assert s.days.one(int(ci.last_day[i])) == max(days[pairing_id])

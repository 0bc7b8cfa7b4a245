"""The demo's milestones (``tandem.program.demo.milestones``): a few per pairing, due
after it started, completed only on or before today."""

from __future__ import annotations

from collections import Counter

from tests.tandem.program.demo.stages import TODAY, rows, staged


def test_milestones_belong_to_pairings_and_keep_their_dates_in_order() -> None:
    s = staged()
    starts = {p["pairing_id"]: p["start_date"] for p in rows(s.pairing_table)}
    milestones = rows(s.milestone_table)
    assert len({m["milestone_id"] for m in milestones}) == len(milestones)
    per_pairing = Counter(m["pairing_id"] for m in milestones)
    assert set(per_pairing) <= set(starts) and max(per_pairing.values()) <= 8
    for m in milestones:
        assert m["due_date"] > starts[m["pairing_id"]], m
        if m["completed_date"] is not None:
            assert starts[m["pairing_id"]] <= m["completed_date"] <= TODAY, m
    assert any(m["success_criteria"] is None for m in milestones)  # hollow contracts

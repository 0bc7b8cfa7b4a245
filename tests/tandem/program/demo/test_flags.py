"""The demo's flags (``tandem.program.demo.flags``): the overloaded mentor's first, then
about a third of the stalled pairings, each with a reason that fits its stall."""

from __future__ import annotations

from tandem.program.demo.codes import STALLED
from tandem.program.models import FLAG_REASONS, FLAG_STATUSES
from tests.tandem.program.demo.stages import TODAY, rows, staged


def test_flags_are_about_stalled_pairings_and_the_overload() -> None:
    s = staged()
    flags = rows(s.flag_table)
    index = {pairing_id: i for i, pairing_id in enumerate(s.pr.ids)}
    assert flags[0]["reason"] == "capacity" and flags[0]["status"] == "open"
    assert s.pr.overloaded[index[flags[0]["pairing_id"]]]
    for flag in flags[1:]:
        assert s.pr.health[index[flag["pairing_id"]]] == STALLED
    assert {f["reason"] for f in flags} <= set(FLAG_REASONS)
    assert {f["status"] for f in flags} <= set(FLAG_STATUSES)


def test_only_resolved_flags_carry_a_resolution_after_they_were_raised() -> None:
    for flag in rows(staged().flag_table):
        assert flag["raised_at"].date() <= TODAY
        resolved = flag["status"] == "resolved"
        assert (flag["resolved_at"] is not None) == resolved
        assert (flag["resolution"] is not None) == resolved
        if resolved:
            assert flag["resolved_at"] >= flag["raised_at"]
        if flag["status"] != "open":
            assert flag["owner"] is not None

"""One verdict per pairing, in words (tandem.health.verdicts)."""

from __future__ import annotations

import pytest

from tandem.health import VERDICT_LABELS, verdict, verdict_label


@pytest.mark.parametrize(
    ("stalled", "at_risk", "flags", "expected"),
    [
        (True, False, 0, "stalled"),
        (True, True, 3, "stalled"),
        (False, True, 1, "at_risk"),
        (False, False, 2, "flagged"),
        (False, False, 0, "on_track"),
    ],
)
def test_the_worst_verdict_wins(stalled: bool, at_risk: bool, flags: int, expected: str) -> None:
    assert verdict(stalled, at_risk, flags) == expected
    assert verdict_label(stalled, at_risk, flags) == VERDICT_LABELS[expected]
    assert "_" not in verdict_label(stalled, at_risk, flags)

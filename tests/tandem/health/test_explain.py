"""One pairing's score taken apart (tandem.health.explain)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tandem.health import COMPONENTS, explain_pairing
from tests.tandem.health.builder import TODAY


def test_explain_pairing(engine: Engine, program: set[str]) -> None:
    detail = explain_pairing(engine, "gap", TODAY)
    assert detail["stalled"] and detail["stall_rules"]["no_contact"]
    assert detail["reasons"] == ["no meeting for 74 days, agreed every 30"]
    parts = {c["name"]: c for c in detail["components"]}
    assert set(parts) == set(COMPONENTS)
    assert parts["milestones"]["score"] is None and parts["milestones"]["share"] == 0.0
    assert sum(c["share"] for c in detail["components"]) == pytest.approx(1.0)
    assert detail["inputs"]["days_since_contact"] == 74
    # The weighted mean of the components, then the stall's cap under the at-risk line.
    assert detail["weighted_health"] == pytest.approx(
        100 * sum((c["score"] or 0) * c["share"] for c in detail["components"]), abs=0.051
    )
    assert detail["capped"] and detail["health"] == 49.0
    fine = explain_pairing(engine, "fine", TODAY)
    assert not fine["capped"] and fine["health"] == fine["weighted_health"] == 100.0
    with pytest.raises(LookupError):
        explain_pairing(engine, "nope", TODAY)

"""One pairing's score explained: components, the weight each carried, inputs, reasons."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import Engine

from tandem.health.formula import health_frame
from tandem.health.settings import COMPONENT_LABELS, COMPONENTS, STALL_RULES, health_settings
from tandem.program.models import utcnow


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def explain_pairing(
    engine: Engine, pairing_id: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Components, weights, inputs and reasons behind one pairing's score (detail page).

    Raises ``LookupError`` when the pairing does not exist.
    """
    today = today or utcnow().date()
    settings = health_settings(engine)
    frame = health_frame(engine, today, settings=settings, pairing_ids=[pairing_id])
    if frame.empty:
        raise LookupError(f"no pairing with id {pairing_id!r}")
    row = frame.iloc[0]
    weights = settings["weights"]
    present = {
        name: _finite(row[f"score_{name}"]) is not None and float(weights[name]) > 0
        for name in COMPONENTS
    }
    total = sum(float(weights[name]) for name in COMPONENTS if present[name])
    components = [
        {
            "name": name,
            "label": COMPONENT_LABELS[name],
            "score": _finite(row[f"score_{name}"]),
            "weight": float(weights[name]),
            # The weight this component actually carried after renormalising.
            "share": (float(weights[name]) / total) if present[name] and total else 0.0,
        }
        for name in COMPONENTS
    ]
    return {
        "pairing_id": pairing_id,
        "as_of": today,
        "status": row["status"],
        "health": _finite(row["health"]),
        # The weighted mean before a stall's cap; "capped" says whether the cap applied.
        "weighted_health": _finite(row["weighted_health"]),
        "capped": _finite(row["health"]) != _finite(row["weighted_health"]),
        "stalled": bool(row["stalled"]),
        "at_risk": bool(row["at_risk"]),
        "reasons": list(row["reasons"]),
        "stall_rules": {rule: bool(row[f"stall_{rule}"]) for rule in STALL_RULES},
        "components": components,
        "inputs": {
            "cadence_days": int(row["cadence_days"]),
            "days_running": _finite(row["days_running"]),
            "checkins": int(row["checkins"]),
            "last_checkin": row["last_checkin"] if row["last_checkin"] is not None else None,
            "days_since_contact": _finite(row["days_since_contact"]),
            "expected_meetings": _finite(row["expected_meetings"]),
            "milestones_done": int(row["milestones_done"]),
            "milestones_overdue": int(row["milestones_overdue"]),
            "milestones_missed": int(row["milestones_missed"]),
            "rating_change": _finite(row["rating_change"]),
            "engagement_share": _finite(row["engagement_share"]),
            "sentiment": _finite(row["sentiment"]),
        },
        "settings": settings,
    }

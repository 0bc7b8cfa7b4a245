"""The ``health`` setting: the formula's weights, the at-risk line, the stall rules.

One source of truth for every tunable number of the health score and the stall
detection (defaults in ``DEFAULT_HEALTH_SETTINGS``); a lead's overrides are
validated on save and audited (``tandem.program.settings``).  The policy read
from it — where the at-risk line is, which statuses are watched, how far a
stalled pairing's score is capped — is answered by the functions at the end,
so no screen writes a threshold of its own.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from sqlalchemy import Engine

from tandem.program.models import RUNNING_STATUSES
from tandem.program.settings import SettingsError, get_setting, put_setting, register_validator

SETTINGS_KEY = "health"

COMPONENTS = ("cadence", "recency", "milestones", "ratings", "engagement", "sentiment")
COMPONENT_LABELS = {
    "cadence": "Cadence adherence",
    "recency": "Recency of the last meeting",
    "milestones": "Milestone progress",
    "ratings": "Rating trend",
    "engagement": "Two-sided engagement",
    "sentiment": "Feedback sentiment",
}
STALL_RULES = ("no_contact", "milestones", "ratings", "one_sided")
#: Statuses a lead may choose to watch for stalls.
STALLABLE_STATUSES = RUNNING_STATUSES
RATING_COLUMNS = ("clarity", "confidence", "influence", "safety")

DEFAULT_HEALTH_SETTINGS: dict[str, Any] = {
    "weights": {
        "cadence": 0.20,
        "recency": 0.25,
        "milestones": 0.20,
        "ratings": 0.15,
        "engagement": 0.10,
        "sentiment": 0.10,
    },
    "at_risk_below": 50.0,
    "stall_statuses": ["active"],
    "stall": {
        "no_contact_cadence_multiple": 2.0,
        "no_contact_min_days": 45,
        "overdue_milestones": 2,
        "rating_drop": 1.0,
        "one_sided_streak": 3,
    },
    "scoring": {
        "recency_zero_after_cadences": 3.0,
        "late_milestone_credit": 0.5,
        "rating_drop_for_zero": 2.0,
        "engagement_window": 6,
    },
    "reasons": {
        "rating_fall": 0.5,
        "sentiment_below": -0.2,
        "cadence_share_below": 0.75,
        "engagement_share_below": 0.5,
    },
}

#: What a person reads for each tunable number (the editor's labels, the tables shown).
SETTING_LABELS: dict[tuple[str, str], str] = {
    ("", "at_risk_below"): "At risk below (health)",
    ("stall", "no_contact_cadence_multiple"): "No contact: cadences without a meeting",
    ("stall", "no_contact_min_days"): "No contact: at least this many days",
    ("stall", "overdue_milestones"): "Overdue milestones that make a stall",
    ("stall", "rating_drop"): "Rating fall (points) that makes a stall",
    ("stall", "one_sided_streak"): "One-sided check-ins in a row that make a stall",
    ("scoring", "recency_zero_after_cadences"): "Recency reaches 0 after this many cadences",
    ("scoring", "late_milestone_credit"): "Credit for a milestone done late (0–1)",
    ("scoring", "rating_drop_for_zero"): "Rating fall (points) that scores 0",
    ("scoring", "engagement_window"): "Check-ins looked at for engagement",
    ("reasons", "rating_fall"): "Mention a rating fall from (points)",
    ("reasons", "sentiment_below"): "Mention feedback sentiment below (−1 to 1)",
    ("reasons", "cadence_share_below"): "Mention meetings held below this share",
    ("reasons", "engagement_share_below"): "Mention two-sided engagement below this share",
}
SECTION_LABELS = {
    "stall": "Stall rules",
    "scoring": "How components are scored",
    "reasons": "When a reason is mentioned",
}

# (section, key) → (kind, low, high): the range each tunable number must be in.
_NUMBER_RULES: dict[tuple[str, str], tuple[type, float, float]] = {
    **{("weights", name): (float, 0.0, 100.0) for name in COMPONENTS},
    ("", "at_risk_below"): (float, 0.0, 100.0),
    ("stall", "no_contact_cadence_multiple"): (float, 0.5, 12.0),
    ("stall", "no_contact_min_days"): (int, 1, 3650),
    ("stall", "overdue_milestones"): (int, 1, 1000),
    ("stall", "rating_drop"): (float, 0.1, 4.0),
    ("stall", "one_sided_streak"): (int, 2, 50),
    ("scoring", "recency_zero_after_cadences"): (float, 1.1, 24.0),
    ("scoring", "late_milestone_credit"): (float, 0.0, 1.0),
    ("scoring", "rating_drop_for_zero"): (float, 0.1, 4.0),
    ("scoring", "engagement_window"): (int, 1, 50),
    ("reasons", "rating_fall"): (float, 0.0, 4.0),
    ("reasons", "sentiment_below"): (float, -1.0, 1.0),
    ("reasons", "cadence_share_below"): (float, 0.0, 1.0),
    ("reasons", "engagement_share_below"): (float, 0.0, 1.0),
}


def _unknown_keys(value: dict[str, Any], default: dict[str, Any], prefix: str = "") -> list[str]:
    unknown = []
    for key, item in value.items():
        if key not in default:
            unknown.append(prefix + key)
        elif isinstance(default[key], dict) and isinstance(item, dict):
            unknown.extend(_unknown_keys(item, default[key], f"{prefix}{key}."))
    return unknown


def _number_problem(name: str, number: Any, kind: type, low: float, high: float) -> str | None:
    if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
        return f"{name} must be a number, not {number!r}"
    if kind is int and number != int(number):
        return f"{name} must be a whole number, not {number}"
    if not low <= number <= high:
        return f"{name} must be between {low:g} and {high:g}, not {number:g}"
    return None


def validate_health_settings(value: dict[str, Any]) -> dict[str, Any]:
    """Check a complete ``health`` setting; return it normalised or raise ``SettingsError``.

    Every problem is listed in one message, so a lead fixes them in one go.
    """
    problems = [
        f"unknown setting {name!r}" for name in _unknown_keys(value, DEFAULT_HEALTH_SETTINGS)
    ]
    result = copy.deepcopy(value)
    for (section, key), (kind, low, high) in _NUMBER_RULES.items():
        holder = result if not section else result.get(section)
        name = f"{section}.{key}" if section else key
        if not isinstance(holder, dict) or key not in holder:
            problems.append(f"{name} is missing")
            continue
        problem = _number_problem(name, holder[key], kind, low, high)
        if problem:
            problems.append(problem)
            continue
        holder[key] = int(holder[key]) if kind is int else float(holder[key])
    weights = result.get("weights")
    if (
        isinstance(weights, dict)
        and not problems
        and sum(weights.get(name, 0.0) for name in COMPONENTS) <= 0
    ):
        problems.append("at least one weight must be above 0")
    statuses = result.get("stall_statuses")
    if not isinstance(statuses, list) or any(s not in STALLABLE_STATUSES for s in statuses):
        problems.append("stall_statuses must be a list of: " + ", ".join(STALLABLE_STATUSES))
    else:
        result["stall_statuses"] = sorted(set(statuses), key=STALLABLE_STATUSES.index)
    if problems:
        raise SettingsError("health settings refused: " + "; ".join(problems))
    return result


register_validator(SETTINGS_KEY, validate_health_settings)


def health_settings(bind: Any) -> dict[str, Any]:
    """The effective health settings (stored overrides merged over the defaults)."""
    return get_setting(bind, SETTINGS_KEY, DEFAULT_HEALTH_SETTINGS)


def save_health_settings(engine: Engine, value: dict[str, Any], actor: str) -> dict[str, Any]:
    """Validate and store (possibly partial) health settings, audited; returns the result."""
    unknown = _unknown_keys(value, DEFAULT_HEALTH_SETTINGS)
    if unknown:
        raise SettingsError(
            "health settings refused: " + "; ".join(f"unknown setting {n!r}" for n in unknown)
        )
    return put_setting(engine, SETTINGS_KEY, value, actor, default=DEFAULT_HEALTH_SETTINGS)


# --- the policy the settings decide ---------------------------------------------


def at_risk_line(settings: dict[str, Any]) -> float:
    """The health under which a watched pairing is at risk (the line every chart draws)."""
    return float(settings["at_risk_below"])


def stalled_health_cap(settings: dict[str, Any]) -> float:
    """The highest health a stalled pairing may show: the last whole point under the
    at-risk line, so a stall always reads as inside the at-risk band, even rounded
    (0 when the line is at 0 and there is no band)."""
    return float(max(0, math.ceil(at_risk_line(settings)) - 1))


def watched_statuses(settings: dict[str, Any]) -> tuple[str, ...]:
    """The pairing statuses the stall rules and the at-risk line apply to."""
    return tuple(settings["stall_statuses"])


def setting_step(section: str, key: str) -> float:
    """How far one click of an editor's arrows moves a tunable number."""
    kind, _low, _high = _NUMBER_RULES[(section, key)]
    if kind is int:
        return 1
    return 5.0 if (section, key) == ("", "at_risk_below") else 0.05


def setting_label(section: str, key: str) -> str:
    """What a person reads for one tunable number (``section`` "" for top-level ones)."""
    if section == "weights":
        return COMPONENT_LABELS[key]
    return SETTING_LABELS.get((section, key), key.replace("_", " ").capitalize())

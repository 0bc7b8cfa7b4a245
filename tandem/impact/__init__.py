"""Impact: the careers of participants against comparable colleagues who took no part.

``impact_report`` reads a cohort (or the whole program) within the viewer's
scope and returns, for mentees and mentors, the promotion and retention
estimates and the retention curves, and with ``with_breakdown`` the same by
cohort, pairing kind, level band and group (``tandem.impact.breakdown``);
``verdict`` says in words what an estimate shows.  The estimator itself
(``tandem.impact.estimate``) works on plain frames.  ``refresh_impact`` stores
the reports a page opens first and ``read_impact_report`` serves them while
current, computing live otherwise (``tandem.impact.store``).
"""

from tandem.impact.breakdown import (
    DIMENSIONS,
    BreakdownRow,
    breakdown,
    verdict_word,
)
from tandem.impact.estimate import (
    DEFAULT_MONTHS,
    GROUPS,
    INTERVAL_METHOD,
    OUTCOMES,
    Estimate,
    estimate,
    interval_text,
    points,
    verdict,
)
from tandem.impact.query import cohorts_in_scope, has_career_events, impact_units
from tandem.impact.report import (
    CANNOT_CONTROL_FOR,
    CONTROLS_FOR,
    MAX_MONTHS,
    MIN_MONTHS,
    NO_EVENTS,
    WINDOWS,
    ImpactReport,
    clamp_months,
    impact_report,
)
from tandem.impact.store import read_impact_report, refresh_impact
from tandem.impact.survival import COMPARISON_LABEL, kaplan_meier, survival_curves

__all__ = [
    "CANNOT_CONTROL_FOR",
    "COMPARISON_LABEL",
    "CONTROLS_FOR",
    "DEFAULT_MONTHS",
    "DIMENSIONS",
    "GROUPS",
    "INTERVAL_METHOD",
    "MAX_MONTHS",
    "MIN_MONTHS",
    "NO_EVENTS",
    "OUTCOMES",
    "WINDOWS",
    "BreakdownRow",
    "Estimate",
    "ImpactReport",
    "breakdown",
    "clamp_months",
    "cohorts_in_scope",
    "estimate",
    "has_career_events",
    "impact_report",
    "impact_units",
    "interval_text",
    "kaplan_meier",
    "points",
    "read_impact_report",
    "refresh_impact",
    "survival_curves",
    "verdict",
    "verdict_word",
]

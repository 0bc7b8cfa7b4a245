"""Impact: the careers of participants against comparable colleagues who took no part.

``impact_report`` reads a cohort (or the whole program) within the viewer's
scope and returns, for mentees and mentors, the promotion and retention
estimates and the retention curves; ``verdict`` says in words what an estimate
shows.  The estimator itself (``tandem.impact.estimate``) works on plain frames.
"""

from tandem.impact.estimate import (
    DEFAULT_MONTHS,
    GROUPS,
    N_BOOT,
    OUTCOMES,
    SEED,
    Estimate,
    estimate,
    points,
    verdict,
)
from tandem.impact.survival import COMPARISON_LABEL, kaplan_meier, survival_curves

__all__ = [
    "COMPARISON_LABEL",
    "DEFAULT_MONTHS",
    "GROUPS",
    "N_BOOT",
    "OUTCOMES",
    "SEED",
    "Estimate",
    "estimate",
    "kaplan_meier",
    "points",
    "survival_curves",
    "verdict",
]

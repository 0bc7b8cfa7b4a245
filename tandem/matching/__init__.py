"""Matching: the match score and hard rules, the exact solver, rebalancing, a cohort's sign-ups.

Other domains use matching through the names exported here.
"""

# Matching a cohort's sign-ups, and weights learned from outcomes (issue #17).
from tandem.matching.cohort import (
    KIND_OF_PROGRAM,
    CohortMatch,
    MatchConflict,
    MatchRequestError,
    Proposal,
    SignUp,
    Unmatched,
    load_minimum_score,
    match_cohort,
    save_minimum_score,
)
from tandem.matching.cohort_approve import (
    approve_proposals,
    list_cohorts,
    open_proposals,
    withdraw_proposal,
)
from tandem.matching.learn import (
    OUTCOMES,
    Factor,
    LearnedWeights,
    TooFewPairings,
    adopt_weights,
    learn_weights,
    suggest_weights,
)

__all__ = [
    "KIND_OF_PROGRAM",
    "OUTCOMES",
    "CohortMatch",
    "Factor",
    "LearnedWeights",
    "MatchConflict",
    "MatchRequestError",
    "Proposal",
    "SignUp",
    "TooFewPairings",
    "Unmatched",
    "adopt_weights",
    "approve_proposals",
    "learn_weights",
    "list_cohorts",
    "load_minimum_score",
    "match_cohort",
    "open_proposals",
    "save_minimum_score",
    "suggest_weights",
    "withdraw_proposal",
]

"""The frames a plan is summarised in, shared by the store (which writes and reads them in
SQL) and the view (which works them out in Python): their columns, and the load summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from tandem.matching.rebalance.model import Suggestion

#: What the page orders, scopes and totals suggestions by: one row per suggestion
#: (``suggestion_frame``; ``tandem.matching.rebalance.store`` stores these as columns).
SUGGESTION_COLUMNS = ["pairing_id", "cohort_id", "gain", "current_mentor_id", "suggested_mentor_id"]
#: At most this many mentors in the load chart (46 px each: at 50,000 pairings
#: ~19,000 mentors' loads change, a chart nobody could read or send).
LOAD_CHART_MENTORS = 30


def suggestion_frame(suggestions: Iterable[Suggestion]) -> pd.DataFrame:
    """``SUGGESTION_COLUMNS`` of each suggestion, in their order."""
    frame = pd.DataFrame(
        [
            (s.pairing_id, s.cohort_id, float(s.gain), s.current_mentor_id, s.suggested_mentor_id)
            for s in suggestions
        ],
        columns=SUGGESTION_COLUMNS,
    )
    frame["gain"] = frame["gain"].astype("float64")
    return frame


#: The columns of ``load_changes`` (and of ``LoadSummary.drawn``).
LOAD_CHANGE_COLUMNS = [
    "person_id",
    "name",
    "max_mentees",
    "before",
    "after",
    "over_before",
    "over_after",
]


@dataclass(frozen=True)
class LoadSummary:
    """What the Mentor load tab shows of ``load_changes``: its counts and the chart's rows.

    Worked out by :func:`summarise_loads` for a plan computed live and in SQL for
    the stored plan (``tandem.matching.rebalance.store.stored_load_summary``); the two
    agree (a test compares them).
    """

    #: mentors whose load changes, or who are over capacity before
    concerned: int
    #: of them, over capacity before / after accepting every suggestion
    over_before: int
    over_after: int
    #: the rows the chart draws (``chart_load_changes``), ordered by name then id
    drawn: pd.DataFrame

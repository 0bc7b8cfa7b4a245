"""The verdicts a pairing's health ends in, in words: one definition for every screen.

The formula (``tandem.health.formula``) decides ``stalled`` and ``at_risk``
(exclusive: a stalled pairing is not also counted at risk, and both sit under
the at-risk line).  A pairing kept in the lead's queue only by an open flag is
"flagged".  Screens ask these functions instead of testing the flags themselves.
"""

from __future__ import annotations

STALLED = "stalled"
AT_RISK = "at_risk"
FLAGGED = "flagged"
ON_TRACK = "on_track"
VERDICTS = (STALLED, AT_RISK, FLAGGED, ON_TRACK)
VERDICT_LABELS = {
    STALLED: "Stalled",
    AT_RISK: "At risk",
    FLAGGED: "Flagged",
    ON_TRACK: "Not at risk",
}


def verdict(stalled: bool, at_risk: bool, open_flags: int = 0) -> str:
    """The one verdict of a pairing: stalled, else at risk, else flagged, else not at risk
    (which includes a paused pairing: the rules do not watch it)."""
    if stalled:
        return STALLED
    if at_risk:
        return AT_RISK
    return FLAGGED if open_flags else ON_TRACK


def verdict_label(stalled: bool, at_risk: bool, open_flags: int = 0) -> str:
    """``verdict`` as a person reads it ("Stalled", "At risk", "Flagged", "Not at risk")."""
    return VERDICT_LABELS[verdict(stalled, at_risk, open_flags)]

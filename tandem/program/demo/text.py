"""Hand-written language of the demo: feedback notes, objectives, milestones, flags.

The text itself is data, in ``text.toml`` beside this module, read once at
start-up; this module names the themes and sentiments and checks the file
against them.  Notes are composed, not templated: an optional opener, one or
two bodies of one theme and sentiment, an optional closer — or one of many
short stand-alone notes.  ``{name}`` is the other person's first name (so
redaction has something to do) and ``{month}`` the month the pairing began.
Themes use exactly the codebook's names, because ``coded_theme`` must match them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

TEXT_FILE = Path(__file__).with_name("text.toml")

SCHEDULING = "Scheduling and engagement"
TRUST = "Trust and psychological safety"
STAKEHOLDERS = "Stakeholder influence"
STRATEGY = "Strategic thinking"
DELEGATION = "Delegation"
CAREER = "Career growth"
CROSS_FUNCTIONAL = "Cross-functional perspective"
DIGITAL = "Digital skills and reverse mentoring"
DIFFICULT = "Difficult conversations"
FIT = "Fit and goals"

THEMES: tuple[str, ...] = (
    SCHEDULING,
    TRUST,
    STAKEHOLDERS,
    STRATEGY,
    DELEGATION,
    CAREER,
    CROSS_FUNCTIONAL,
    DIGITAL,
    DIFFICULT,
    FIT,
)

POSITIVE, MIXED, NEGATIVE = "positive", "mixed", "negative"
SENTIMENTS = (POSITIVE, MIXED, NEGATIVE)

Phrases = tuple[str, ...]


def _phrases(value: Any) -> Phrases:
    return tuple(str(v) for v in value)


def _keyed(data: dict[str, Any], table: str, keys: tuple[str, ...] | None) -> dict[str, Phrases]:
    """One table of phrase lists; with ``keys``, exactly those keys in that order."""
    found = data[table]
    if keys is not None and tuple(found) != keys:
        raise ValueError(f"{TEXT_FILE.name}: [{table}] has {tuple(found)}, expected {keys}")
    return {str(k): _phrases(v) for k, v in found.items()}


def _by_theme(data: dict[str, Any], table: str) -> dict[str, dict[str, Phrases]]:
    """A table of themes, each with every sentiment, in the order of THEMES."""
    _keyed(data, table, THEMES)  # checks the themes only
    return {theme: _keyed(data[table], theme, SENTIMENTS) for theme in THEMES}


def _load(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


_DATA = _load(TEXT_FILE)

OPENERS: dict[str, Phrases] = _keyed(_DATA, "openers", SENTIMENTS)
CLOSERS: dict[str, Phrases] = _keyed(_DATA, "closers", SENTIMENTS)
BODIES: dict[str, dict[str, Phrases]] = _by_theme(_DATA, "bodies")
#: The mentor's side of the same themes (a mentor's journal reads differently).
MENTOR_BODIES: dict[str, dict[str, Phrases]] = _by_theme(_DATA, "mentor_bodies")
#: What colleagues, leads and sponsors see from the outside (360s, lead notes).
OBSERVER_BODIES: dict[str, Phrases] = _keyed(_DATA, "observer_bodies", SENTIMENTS)
#: Stand-alone short notes, as people actually write them.
SHORT_NOTES: dict[str, dict[str, Phrases]] = _by_theme(_DATA, "short_notes")
#: Program-level notes (no pairing): leads and sponsors looking across a cohort.
PROGRAM_NOTES: dict[str, Phrases] = _keyed(_DATA, "program_notes", SENTIMENTS)
#: Objective templates by pairing kind (traditional, reverse, reciprocal, peer).
OBJECTIVE_TEMPLATES: dict[str, Phrases] = _keyed(_DATA, "objective_templates", None)
#: Optional endings that ground an objective in time or place ("" keeps it as is).
OBJECTIVE_CONTEXTS: Phrases = _phrases(_DATA["objective_contexts"])
#: (title, success criteria) of a learning-contract milestone.
MILESTONES: tuple[tuple[str, str], ...] = tuple(
    (str(title), str(criteria)) for title, criteria in _DATA["milestones"]
)
FLAG_NOTES: dict[str, Phrases] = _keyed(_DATA, "flag_notes", None)
FLAG_RESOLUTIONS: Phrases = _phrases(_DATA["flag_resolutions"])
MONTH_NAMES: Phrases = _phrases(_DATA["month_names"])

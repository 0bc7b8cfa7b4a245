"""Feedback themes across the portfolio: prevalence, breakdowns, sentiment, change, coding.

Every aggregate is computed by the database from the notes' facts
(``tandem.themes.facts``: stored by the theme refresh, else joined live
from ``feedback``, ``feedback_analysis`` and ``pairings``; a page view never
runs the theme engine) and returns only the rows a chart draws.

Scope.  A note written about a pairing counts when its pairing matches the
shared filters; a program-level note (no pairing) counts only when the filters
say nothing about pairings beyond their cohorts — a survey answer has no kind,
status or division, so it cannot be said to match "reverse pairings in Wealth".
The filters' date range applies to the notes' own dates.  Private notes count
in every aggregate (they are never returned as text: the hand-coding list and
the quotes exclude them).

Privacy.  Each group carries ``n``, the number of distinct pairings behind its
notes (a program-level note counts as its own unit); a group below the privacy
threshold is suppressed — its values are removed, not hidden.

One module per kind of read: ``selection`` (which notes count), ``shares``,
``change`` (emerging and fading), ``notes`` (notes as text) and ``codebook``;
the names are used from this package.
"""

from tandem.themes.queries.change import Periods, emerging_fading, periods
from tandem.themes.queries.codebook import (
    LastRefresh,
    candidates_table,
    codebook_table,
    last_refresh,
    uncertain_theme,
)
from tandem.themes.queries.notes import ThemeQuote, filtered_quotes, notes_to_code
from tandem.themes.queries.selection import (
    CODABLE_VISIBILITIES,
    DEFAULT_PERIOD_DAYS,
    DIMENSIONS,
    GROUPINGS,
    LOW_CONFIDENCE,
    NO_COHORT,
    PROGRAM_LEVEL,
    WITHHELD,
    program_notes_count,
    scope,
)
from tandem.themes.queries.shares import (
    breakdown,
    prevalence_by_month,
    sentiment_by_theme,
    theme_shares,
)

__all__ = [
    "CODABLE_VISIBILITIES",
    "DEFAULT_PERIOD_DAYS",
    "DIMENSIONS",
    "GROUPINGS",
    "LOW_CONFIDENCE",
    "NO_COHORT",
    "PROGRAM_LEVEL",
    "WITHHELD",
    "LastRefresh",
    "Periods",
    "ThemeQuote",
    "breakdown",
    "candidates_table",
    "codebook_table",
    "emerging_fading",
    "filtered_quotes",
    "last_refresh",
    "notes_to_code",
    "periods",
    "prevalence_by_month",
    "program_notes_count",
    "scope",
    "sentiment_by_theme",
    "theme_shares",
    "uncertain_theme",
]

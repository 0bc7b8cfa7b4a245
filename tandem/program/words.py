"""How Tandem writes counts and dates in sentences, everywhere: pages, briefings, plans.

One place for each rule of ``presentation.md``'s "Words" and "Numbers": plurals are
right ("1 pairing", "58 pairings", never "pairing(s)"), counts have thousands
separators, a date reads "9 Sep 2026" (never ISO, never zero-padded) and a range
gives the year once unless it crosses one.  The core uses these for its own
sentences (the briefing, rebalancing's words); ``components.ui.formatting``
re-exports them for the pages.
"""

from __future__ import annotations

import datetime as dt


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 pairing", "58 pairings", "2 people" (with ``many``): never "pairing(s)"."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def date_text(day: dt.date | dt.datetime | None, missing: str = "—") -> str:
    """A date as the house writes it: "9 Sep 2026" (the grids' ``D MMM YYYY``), never
    ISO "2026-09-09"; ``missing`` for none."""
    if day is None:
        return missing
    return f"{day.day} {day:%b %Y}"


def date_range_text(start: dt.date, end: dt.date) -> str:
    """ "9 Sep – 8 Dec 2026", or with both years when the range crosses one."""
    if start.year == end.year:
        return f"{start.day} {start:%b} – {date_text(end)}"
    return f"{date_text(start)} – {date_text(end)}"

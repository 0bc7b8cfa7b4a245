"""One way to show a long list a page at a time: the pager, the page's rows, its caption.

At 50,000 pairings a list can hold thousands of rows (the nudge list ~3,000, the
milestones due in the next 30 days ~2,000, the pairings with one overdue ~12,000).
Every row drawn travels to the browser on every run of the page, whether anyone
scrolls to it or not, and a grid of thousands of rows is not read, it is searched:
so a page shows ``size`` rows, with a pager when there are more, and the whole list
stays in the section's CSV download.

A list read a page at a time from the database (Portfolio, the Stalled queue) asks
``choose_page`` for the page and reads it; a list already in memory takes
``frame_page``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

# Rows a page shows unless a section says otherwise: a screenful or two of a grid.
DEFAULT_PAGE_SIZE = 50


def page_count(total: int, size: int) -> int:
    """Pages of ``size`` rows that ``total`` rows fill (at least one)."""
    return max(1, -(-total // size))


@dataclass(frozen=True)
class Page:
    """Which rows of a list are on show: ``start`` (0-based) up to ``stop``."""

    number: int  # 1-based
    size: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        return min(self.total, self.start + self.size)

    @property
    def several(self) -> bool:
        """More than one page, so the pager is on show."""
        return self.pages > 1

    def span(self, noun: str) -> str:
        """``"Pairings 51–100 of 3,069"`` (``noun`` plural, capitalised by the caller)."""
        if self.total == 0:
            return f"No {noun.lower()}"
        return f"{noun} {self.start + 1:,}–{self.stop:,} of {self.total:,}"


def choose_page(total: int, size: int, key: str) -> Page:
    """The page the person chose, drawing the pager (keyed ``key``) when there is more
    than one.  A list that shrank under a chosen page (a save, a narrower filter)
    starts again at its first page rather than showing nothing."""
    pages = page_count(total, size)
    if int(st.session_state.get(key, 1)) > pages:
        st.session_state.pop(key, None)
    number = int(st.pagination(pages, key=key)) if pages > 1 else 1
    return Page(number=min(number, pages), size=size, total=total)


def frame_page(
    frame: pd.DataFrame, key: str, size: int | None = None, *, noun: str | None = None
) -> tuple[pd.DataFrame, Page]:
    """The rows of ``frame`` on the chosen page (``size`` rows, by default
    ``DEFAULT_PAGE_SIZE`` as it is when called: tests lower it), and the page (see
    ``choose_page``).  With ``noun`` (plural, capitalised) a list of several pages
    says under its pager which rows are shown and that its download has them all."""
    page = choose_page(len(frame), DEFAULT_PAGE_SIZE if size is None else size, key)
    if noun and page.several:
        st.caption(f"{page.span(noun)} shown; the download has them all.")
    return frame.iloc[page.start : page.stop], page

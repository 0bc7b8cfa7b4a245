"""Small display helpers shared by components (no domain rules here)."""

from __future__ import annotations

import re

import streamlit as st

from tandem.portfolio.headlines import Headline

# The one way counts and dates are written (the core's own sentences use it too).
from tandem.program.words import date_range_text as date_range_text
from tandem.program.words import date_text as date_text
from tandem.program.words import plural as plural

NOT_COMPUTED = "not yet computed"


def computed_by_refresh(what: str, button: str, where: str) -> str:
    """Where ``what`` gets computed, in words a sponsor can act on: the refresh and the
    button that starts one, never a command line."""
    return (
        f"The refresh after each import computes {what}; a program lead can also press "
        f"“{button}” {where}."
    )


# Every character markdown (or Streamlit's extensions: ``:red[…]`` colours,
# ``$…$`` maths, ``<…>`` HTML) could read as syntax.
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~$:=&@")
# Streamlit turns some patterns into links or icons *after* markdown has
# resolved the escapes, in the plain text itself: bare URLs (``http://…``,
# ``www.…``), e-mail addresses (``a@b.example``), ``:material/…:`` icons and
# ``:smile:`` emoji.  An invisible WORD JOINER breaks each of those patterns
# where it would start (after ``:`` before ``//`` or a shortcode, after
# ``@``, between ``www`` and ``.``) and nowhere else, so ordinary text copies
# and searches as it is.
_JOINER = "\u2060"
_BREAK_AT = re.compile(r"(?<=:)(?=//|[\w+/-]+:)|(?<=@)(?=[\w-])|(?<=www)(?=\.)", re.IGNORECASE)


def plain(text: object) -> str:
    """``text`` made inert for anything that renders markdown (titles, captions,
    st.markdown, alert bodies, widget labels, ``help=``, expander and tab labels,
    radio and pills options): it reads exactly as given, and no link, image,
    HTML, formatting, colour, icon or emoji can come out of it.

    THE escaper for untrusted text (names, notes, cohort names, URL values).
    Not for elements that show text as is (``st.dataframe`` cells, selectbox
    and multiselect options, ``st.text``, ``st.code``, ``st.badge``, which
    escapes its own brackets): there the backslashes would show.
    """
    broken = _BREAK_AT.sub(_JOINER, str(text))
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in broken)


def metric_row(headlines: list[Headline], previous_label: str) -> None:
    """A row of st.metric, each with its change against the previous period."""
    columns = st.columns(len(headlines))
    for column, headline in zip(columns, headlines, strict=True):
        column.metric(
            headline.label,
            headline.shown,
            delta=headline.change_shown,
            help=f"{headline.help} Change against {previous_label}.",
        )


def truncate(text: str | None, limit: int = 120) -> str:
    """Plain text cut at ``limit`` characters with an ellipsis."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

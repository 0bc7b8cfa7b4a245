"""Small display helpers shared by components (no domain rules here)."""

from __future__ import annotations

import math

import streamlit as st

from tandem.queries.headlines import Headline

NOT_COMPUTED = "not yet computed"
# Every character markdown (or Streamlit's extensions: ``:red[…]`` colours,
# ``$…$`` maths, ``<…>`` HTML) could read as syntax.
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~$:=&@")
# Streamlit turns some patterns into links or icons *after* markdown has
# resolved the escapes, in the plain text itself: bare URLs (``http://…``,
# ``www.…``), e-mail addresses (``a@b.example``) and ``:material/…:`` icons.
# An invisible WORD JOINER after every ``:`` and ``@`` and before every ``.``
# breaks each of those patterns without changing what a reader sees.
_JOINER = "\u2060"
_ESCAPED = {c: "\\" + c for c in _MARKDOWN_SPECIAL}
_ESCAPED |= {":": "\\:" + _JOINER, "@": "\\@" + _JOINER, ".": _JOINER + "\\."}


def plain(text: object) -> str:
    """``text`` made inert for anything that renders markdown (titles, captions,
    st.markdown, alert bodies, widget labels, ``help=``, expander and tab labels,
    radio and pills options): it reads exactly as given, and no link, image,
    HTML, formatting, colour or icon can come out of it.

    THE escaper for untrusted text (names, notes, cohort names, URL values).
    Not for elements that show text as is (``st.dataframe`` cells, selectbox
    and multiselect options, ``st.text``, ``st.code``): there the escapes would show.
    """
    return "".join(_ESCAPED.get(c, c) for c in str(text))


def metric_row(headlines: list[Headline], previous_label: str) -> None:
    """A row of st.metric, each with its change against the previous period."""
    columns = st.columns(len(headlines))
    for column, headline in zip(columns, headlines, strict=True):
        value = headline.value
        change = headline.change
        if value is None:
            shown = "–"
        elif headline.label == "Mean rating":
            shown = f"{value:.2f}"
        else:
            shown = f"{value:,.0f}"
        delta = None
        if change is not None and not math.isclose(change, 0.0):
            delta = f"{change:+.2f}" if headline.label == "Mean rating" else f"{change:+,.0f}"
        column.metric(
            headline.label,
            shown,
            delta=delta,
            help=f"{headline.help} Change against {previous_label}.",
        )


def truncate(text: str | None, limit: int = 120) -> str:
    """Plain text cut at ``limit`` characters with an ellipsis."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

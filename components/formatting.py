"""Small display helpers shared by components (no domain rules here)."""

from __future__ import annotations

import streamlit as st

from tandem.queries.headlines import Headline

NOT_COMPUTED = "not yet computed"
# Every character markdown (or Streamlit's HTML-ish extensions) could read as syntax.
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~$:=&")


def plain(text: object) -> str:
    """``text`` made inert for anything that renders markdown (captions, st.markdown,
    st.error / st.success bodies): every special character escaped."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in str(text))


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

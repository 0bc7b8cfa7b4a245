"""The ways a section leads to one pairing's story (pages/pairing.py): a link, or a
selected row of a table."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

DETAIL_PAGE = "pages/pairing.py"


def pairing_link(pairing_id: str, label: str) -> None:
    """A link to the story of ``pairing_id``."""
    st.page_link(
        DETAIL_PAGE,
        label=label,
        icon=":material/handshake:",
        query_params={"pairing": pairing_id},
    )


def open_selected_pairing(event: Any, frame: pd.DataFrame) -> None:
    """Open the story of the pairing in the row selected in a single-row-selection
    table (``event``, what ``st.dataframe(..., on_select="rerun")`` returned) of
    ``frame`` (which has a ``pairing_id`` column); nothing when no row is selected."""
    rows = event.selection.rows if event is not None else []
    if rows:
        pairing_id = str(frame.iloc[rows[0]]["pairing_id"])
        st.switch_page(DETAIL_PAGE, query_params={"pairing": pairing_id})

"""Presenter mode on screen: projector-friendly styling and pseudonymised names."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from tandem.access import Viewer
from tandem.access.privacy import presenter_key, pseudonym

# Static styling of our own (no untrusted text): larger type and strong contrast
# for a projector. The sidebar (filters) starts collapsed; see app.py.
#
# The marker element keeps the style in the page where it is written: style-only
# HTML goes to Streamlit's event container, which can be drawn in the same
# render as the first grids, and a grid sizes its canvas text (rem, 14 px at
# 16 px) from the root font size when it is first drawn.  Its own container is
# hidden, so it takes no room.
PRESENTER_CSS = """
<div class="tandem-presenter-style"></div>
<style>
[data-testid="stElementContainer"]:has(.tandem-presenter-style) { display: none; }
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stAppViewContainer"] * { color: #000000; }
[data-testid="stMetricValue"] { font-size: 3rem; font-weight: 700; }
h1 { font-size: 3.2rem !important; }
h2, h3 { font-size: 2.2rem !important; }
</style>
"""


@st.cache_resource(show_spinner=False)
def _key(url: str, _engine: Engine) -> bytes:
    return presenter_key(_engine)


_STYLED = "_tandem_presenter_styled"


def apply_styling(viewer: Viewer) -> None:
    """Presenter styling, first on the page (before any page's elements).

    The first presenting run of a session draws the style alone and reruns: the
    page's grids are then first drawn under the 20 px root, so their text is
    17.5 px, never the 14 px they keep when drawn before the style arrives.
    """
    if not viewer.presenting:
        st.session_state.pop(_STYLED, None)
        return
    st.html(PRESENTER_CSS)
    if not st.session_state.get(_STYLED):
        st.session_state[_STYLED] = True
        st.rerun()


class NameMask:
    """Shows people's names, or their stable pseudonyms in presenter mode."""

    def __init__(self, engine: Engine, viewer: Viewer) -> None:
        self.active = viewer.presenting
        self._key = _key(str(engine.url), engine) if self.active else b""

    def name(self, name: str | None, person_id: str | None) -> str:
        if not self.active:
            return name or ""
        return pseudonym(person_id, self._key) if person_id else "–"

    def frame(self, frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
        """``frame`` with each name column replaced by the pseudonym of its id column.

        ``columns`` maps name column → id column; id columns stay (pages drop them).
        """
        if not self.active or frame.empty:
            return frame
        result = frame.copy()
        for name_column, id_column in columns.items():
            result[name_column] = [
                pseudonym(str(person_id), self._key) if person_id is not None else "–"
                for person_id in result[id_column]
            ]
        return result

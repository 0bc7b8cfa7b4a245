"""Presenter mode on screen: projector-friendly styling and pseudonymised names."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st
import streamlit.components.v2 as components_v2
from sqlalchemy import Engine

from tandem.access import Viewer
from tandem.access.privacy import presenter_key, pseudonym

# Static styling of our own (no untrusted text): larger type and strong contrast
# for a projector. The sidebar (filters) starts collapsed; see app.py.
#
# The marker element keeps the style in the page where it is written: style-only
# HTML goes to Streamlit's event container, drawn in the same render as the
# page's first elements.  Its own container is hidden, so it takes no room; so is
# the browser's signal that the style is in (see apply_styling).
PRESENTER_CSS = """
<div class="tandem-presenter-style"></div>
<style>
[data-testid="stElementContainer"]:has(.tandem-presenter-style) { display: none; }
.st-key-tandem-presenter-style-in { display: none; }
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stAppViewContainer"] * { color: #000000; }
[data-testid="stMetricValue"] { font-size: 3rem; font-weight: 700; }
h1 { font-size: 3.2rem !important; }
h2, h3 { font-size: 2.2rem !important; }
</style>
"""

# Runs in the browser after the style above: says so once the page's root font is
# the presenter's (or after about two seconds, so a page is never held back).
_SAY_WHEN_STYLED_JS = """
export default function ({ setTriggerValue }) {
  let waited = 0;
  const check = () => {
    const root = parseFloat(getComputedStyle(document.documentElement).fontSize);
    if (root >= 20 || waited >= 100) setTriggerValue("style_in", true);
    else { waited += 1; setTimeout(check, 20); }
  };
  check();
}
"""
_say_when_styled = components_v2.component("tandem_presenter_style_in", js=_SAY_WHEN_STYLED_JS)


@st.cache_resource(show_spinner=False)
def _key(url: str, _engine: Engine) -> bytes:
    return presenter_key(_engine)


_STYLED = "_tandem_presenter_styled"


def _note_style_in() -> None:
    st.session_state[_STYLED] = True


def apply_styling(viewer: Viewer, *, wait_for_browser: bool) -> None:
    """Presenter styling, first on the page (before any page's elements).

    A grid sizes its canvas text from the root font size when it is first drawn
    (14 px under the 16 px root, 17.5 px under the presenter's 20 px), so no grid
    may reach the browser with the style.  A session's first presenting run draws
    the style alone and stops; the browser answers once the style is in, and that
    answer's run draws the page.  (A rerun from the server is not enough: a run's
    unsent elements are dropped when the next run starts, so on a busy server the
    style and the grids arrived together.)  ``wait_for_browser`` is false where no
    browser is served (AppTest): there is nobody to answer.
    """
    if not viewer.presenting:
        st.session_state.pop(_STYLED, None)
        return
    st.html(PRESENTER_CSS)
    if st.session_state.get(_STYLED) or not wait_for_browser:
        return
    _say_when_styled(key="tandem-presenter-style-in", on_style_in_change=_note_style_in)
    if not st.session_state.get(_STYLED):
        st.stop()


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

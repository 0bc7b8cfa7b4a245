"""Streamlit alone: the floor under every page's perceived speed (bench/perceived.py).

Two pages in the sidebar, a title and a sentence each, no database and no chart: what
any Streamlit page costs on this machine (the frontend's start, the websocket, one
script run), so the perceived-speed tables can say how much of a page's time is
Tandem's own.
"""

import streamlit as st


def _page(title: str) -> None:
    st.title(title)
    st.write("A bare Streamlit page: the floor under every Tandem page.")


pages = [
    st.Page(lambda: _page("Bare page A"), title="Bare page A", url_path="a", default=True),
    st.Page(lambda: _page("Bare page B"), title="Bare page B", url_path="b"),
]
st.navigation(pages).run()

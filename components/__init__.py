"""Reusable Streamlit pieces shared by the pages (pages → components → tandem)."""

"""Feedback themes: codebook, theme engine, sentiment, discovery, refresh and quotes.

Importing this package is cheap; the engine (scikit-learn) loads on first use.
"""

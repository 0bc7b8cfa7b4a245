"""Tandem: a dashboard for corporate mentorship programs."""

__version__ = "0.1.0"

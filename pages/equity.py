"""Equity of access: participation, roles, senior mentors and outcomes by group."""

from __future__ import annotations

from components.portfolio import learning
from components.ui.briefing import briefing_button
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup

engine = page_setup(
    "Equity of access",
    "Who takes part, in which role, with access to which mentors, and with what results.",
)
filters = filter_bar(engine)
learning.equity(engine, filters)
briefing_button(engine, "Equity of access", filters)

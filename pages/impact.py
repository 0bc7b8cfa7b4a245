"""Impact: are participants promoted more, do they stay longer, than comparable colleagues?"""

from __future__ import annotations

from components.impact import sections as impact
from components.ui.shell import page_setup, page_viewer

engine = page_setup(
    "Impact",
    "What the program does for careers: promotion and retention of mentees and mentors "
    "against colleagues who took no part and looked like them at the start.",
)
scope = page_viewer().scope
cohort_id, months = impact.controls(engine, scope)
report = impact.load(engine, scope, cohort_id, months)
impact.report_sections(report)
impact.briefing(engine, report)

"""Every query test runs three times: with the notes' facts computed live, stored by the
theme refresh's roll-up (``tandem.themes.facts``), and with the counts per cohort slice
stored too (``tandem.themes.slices``, summed for views of whole cohorts); all must give
the same numbers."""

from __future__ import annotations

import pytest

from tests.tandem.themes.queries.program import FACTS


@pytest.fixture(autouse=True, params=["live facts", "stored facts", "stored slices"])
def facts_mode(request: pytest.FixtureRequest) -> None:
    FACTS["stored"] = request.param in ("stored facts", "stored slices")
    FACTS["slices"] = request.param == "stored slices"

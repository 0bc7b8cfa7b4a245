"""Every query test runs twice: with the notes' facts computed live, and stored by the
theme refresh's roll-up (``tandem.themes.facts``); both must give the same numbers."""

from __future__ import annotations

import pytest

from tests.tandem.themes.queries.program import FACTS


@pytest.fixture(autouse=True, params=["live facts", "stored facts"])
def facts_mode(request: pytest.FixtureRequest) -> None:
    FACTS["stored"] = request.param == "stored facts"

"""Which data versions the cache was keyed by, for tests that count cache hits.

On PostgreSQL the version moves with every write on the server, other
databases included (tandem/program/data_version.py): a test session running next to
another one sees it move between two page runs.  A test that counts how often
a cached query ran therefore compares with the number of distinct versions it
was keyed by: once per version is a hit on every other call, on either backend
(on SQLite, which only this test writes to, there is one version).
"""

from __future__ import annotations

import pytest

import components.ui.cache


def record_versions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every data version ``components.ui.cache`` reads from now on, in order."""
    seen: list[str] = []
    real = components.ui.cache.data_version

    def recorded(engine):  # type: ignore[no-untyped-def]
        version = real(engine)
        seen.append(version)
        return version

    monkeypatch.setattr(components.ui.cache, "data_version", recorded)
    return seen

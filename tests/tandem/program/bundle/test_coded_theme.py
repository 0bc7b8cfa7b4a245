"""A hand-coded theme may be as long as any text the bundle allows (10,000 characters).

It becomes a theme: it must import, teach the engine, come back on export, and a
longer one must be refused at its line — the same on SQLite and PostgreSQL (where
a unique index on the name itself could not hold it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tandem.program.bundle import BundleError, export_bundle, import_bundle
from tandem.program.bundle.spec import MAX_TEXT_LENGTH
from tandem.program.db import transaction
from tandem.program.theme_tables import Theme
from tandem.themes.refresh import refresh_themes

from .conftest import sample_text, unchanged


def _coded(theme: str) -> tuple[str, str]:
    """feedback.csv of the sample with its first uncoded note coded ``theme``; and its id."""
    rows = list(csv.DictReader(io.StringIO(sample_text("feedback.csv"))))
    row = next(r for r in rows if not r.get("coded_theme"))
    row["coded_theme"] = theme
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), row["feedback_id"]


def _long_theme(length: int) -> str:
    words = "Sponsorship across the reporting line when the mentor is two levels up "
    return (words * (length // len(words) + 1))[:length].strip().ljust(length, "x")


def test_a_coded_theme_of_ten_thousand_characters_imports_and_round_trips(
    engine: Engine, make_bundle: Callable[..., Path], tmp_path: Path
) -> None:
    theme = _long_theme(MAX_TEXT_LENGTH)
    feedback, feedback_id = _coded(theme)
    import_bundle(engine, make_bundle(feedback_csv=feedback))
    refresh_themes(engine)
    with transaction(engine) as session:
        stored = session.scalars(select(Theme).where(Theme.name == theme)).one()
        assert stored.origin == "coded"
    export_bundle(engine, tmp_path / "out")
    exported = {
        r["feedback_id"]: r
        for r in csv.DictReader((tmp_path / "out" / "feedback.csv").open(encoding="utf-8"))
    }
    assert exported[feedback_id]["coded_theme"] == theme
    assert exported[feedback_id]["theme"] == theme  # the hand-coded one wins
    themes = list(csv.DictReader((tmp_path / "out" / "themes.csv").open(encoding="utf-8")))
    assert theme in {r["theme"] for r in themes}
    # Importing the export again keeps one theme of that name.
    import_bundle(engine, tmp_path / "out")
    refresh_themes(engine)
    with transaction(engine) as session:
        assert len(session.scalars(select(Theme).where(Theme.name == theme)).all()) == 1


def test_a_coded_theme_over_the_text_limit_is_refused_at_its_line(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    feedback, _ = _coded(_long_theme(MAX_TEXT_LENGTH + 1))
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, make_bundle(feedback_csv=feedback))
    (problem,) = raised.value.problems
    assert problem.file == "feedback.csv" and problem.column == "coded_theme"
    assert "is 10,001 characters long; at most 10,000 are allowed" in str(problem)
